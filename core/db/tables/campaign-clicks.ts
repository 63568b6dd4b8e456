import type { Sql } from "../sql.ts";

/** "CampaignClick": presses of a campaign message's buttons, one per delivery and button. */

/** What a press found: the delivery's kind, the button pressed (as stored) and whether it counted. */
export type ClickRow = {
  kind: string;
  /** The button's spec from the campaign's message (or the automation's), null when none. */
  button: unknown;
  /** True when this press wrote the click; false for a repeat (a double tap) or a test send. */
  counted: boolean;
};

/**
 * Records a press of `button` ("0", "1"… or "unsubscribe") under the delivery `outboxId` and
 * returns that button's spec, in one statement: the delivery must be the customer's own (a
 * forged id finds nothing and records nothing), a repeat hits the unique index and does nothing,
 * test sends (`uncountedKind`) are never counted, and a position only counts when the message
 * has a callback button there. `index` picks the spec from the campaign's message (an
 * automation's delivery carries its message in the payload); null for "unsubscribe".
 */
export async function insertCampaignClick(
  sql: Sql,
  options: {
    outboxId: string;
    customerId: string;
    button: string;
    index: number | null;
    uncountedKind: string;
    at: Date;
  },
): Promise<ClickRow | null> {
  const [row] = await sql.query<ClickRow>(
    `WITH delivery AS (
       SELECT o."id", o."campaignId", o."customerId", o."kind",
              COALESCE(c."message", o."payload"->'owner')->'buttons'->($3::int) AS "button"
       FROM "OutboxMessage" o
       LEFT JOIN "Campaign" c ON c."id" = o."campaignId"
       WHERE o."id" = $1::bigint AND o."customerId" = $2::uuid
     ), clicked AS (
       INSERT INTO "CampaignClick" ("campaignId", "outboxId", "customerId", "button", "createdAt")
       SELECT "campaignId", "id", "customerId", $4, $6::timestamp FROM delivery
       WHERE "campaignId" IS NOT NULL AND "kind" <> $5
         AND ($3::int IS NULL OR jsonb_typeof("button"->'action') = 'string')
       ON CONFLICT ("outboxId", "button") DO NOTHING
       RETURNING 1
     )
     SELECT "kind", "button", EXISTS (SELECT 1 FROM clicked) AS "counted" FROM delivery`,
    [
      options.outboxId,
      options.customerId,
      options.index,
      options.button,
      options.uncountedKind,
      options.at,
    ],
  );
  return row ?? null;
}
