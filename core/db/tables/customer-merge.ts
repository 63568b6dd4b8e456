import type { EventType } from "../../events.ts";
import type { Customer, LoyaltyCard } from "../client.ts";
import type { Sql } from "../sql.ts";

/**
 * The statements of merging two customers that reach across tables: locking the pair, moving
 * every row that may change owner, and closing the merged card. Ledger rows are not among
 * them: PointsEntry is append-only (a trigger rejects UPDATE and DELETE), so the balance moves
 * with two new entries instead (core/customers/merge-customers.ts).
 */

/** Both customers and their cards, locked for the transaction in id order (no deadlock). */
export async function lockMergePair(
  tx: Sql,
  ids: readonly [string, string],
): Promise<Array<{ customer: Customer; card: LoyaltyCard | null }>> {
  const customers = await tx.query<Customer>(
    `SELECT * FROM "Customer" WHERE "id" = ANY($1::uuid[]) ORDER BY "id" FOR UPDATE`,
    [ids],
  );
  const cards = await tx.query<LoyaltyCard>(
    `SELECT * FROM "LoyaltyCard" WHERE "customerId" = ANY($1::uuid[]) ORDER BY "id" FOR UPDATE`,
    [ids],
  );
  return customers.map((customer) => ({
    customer,
    card: cards.find((card) => card.customerId === customer.id) ?? null,
  }));
}

/** Whether `mergedId` was merged into `keptId` before (its marker event says so). */
export async function wasMergedInto(tx: Sql, mergedId: string, keptId: string): Promise<boolean> {
  const [row] = await tx.query(
    `SELECT 1 FROM "CustomerEvent"
     WHERE "customerId" = $1 AND "type" = $3 AND "data"->>'mergedInto' = $2::text LIMIT 1`,
    [mergedId, keptId, "customer.merged" satisfies EventType],
  );
  return row !== undefined;
}

export type MovedRows = {
  purchases: number;
  refunds: number;
  redemptions: number;
  answers: number;
  surveys: number;
  feedback: number;
  events: number;
  messages: number;
  referrals: number;
};

/**
 * Gives everything `from` owns to `to`, in one statement: purchases (onto `toCardId`, so a later
 * refund moves points on the card that holds them), refunds, reward codes, survey answers and
 * runs, ratings and feedback, the timeline, queued and sent messages, and the customers `from` referred (except `to`
 * itself, which would become its own referrer). The audit log keeps naming who it named.
 */
export async function moveCustomerRows(
  tx: Sql,
  options: { from: string; to: string; toCardId: string | null },
): Promise<MovedRows> {
  const [row] = await tx.query<MovedRows>(
    `WITH purchases AS (
       UPDATE "Purchase" SET "customerId" = $2, "cardId" = COALESCE($3::uuid, "cardId")
       WHERE "customerId" = $1 RETURNING 1
     ), refunds AS (
       UPDATE "PurchaseRefund" SET "customerId" = $2 WHERE "customerId" = $1 RETURNING 1
     ), redemptions AS (
       UPDATE "RewardRedemption" SET "customerId" = $2 WHERE "customerId" = $1 RETURNING 1
     ), answers AS (
       UPDATE "SurveyAnswer" SET "customerId" = $2 WHERE "customerId" = $1 RETURNING 1
     ), surveys AS (
       -- A survey both have started stays with the kept one's run (its answers moved above).
       UPDATE "SurveyRun" SET "customerId" = $2
       WHERE "customerId" = $1
         AND "surveyId" NOT IN (SELECT "surveyId" FROM "SurveyRun" WHERE "customerId" = $2)
       RETURNING 1
     ), feedback AS (
       UPDATE "Feedback" SET "customerId" = $2 WHERE "customerId" = $1 RETURNING 1
     ), events AS (
       UPDATE "CustomerEvent" SET "customerId" = $2 WHERE "customerId" = $1 RETURNING 1
     ), messages AS (
       UPDATE "OutboxMessage" SET "customerId" = $2 WHERE "customerId" = $1 RETURNING 1
     ), referrals AS (
       UPDATE "Customer" SET "referrerId" = CASE WHEN "id" = $2 THEN NULL ELSE $2 END
       WHERE "referrerId" = $1 RETURNING 1
     )
     SELECT (SELECT count(*) FROM purchases)::int AS "purchases",
            (SELECT count(*) FROM refunds)::int AS "refunds",
            (SELECT count(*) FROM redemptions)::int AS "redemptions",
            (SELECT count(*) FROM answers)::int AS "answers",
            (SELECT count(*) FROM surveys)::int AS "surveys",
            (SELECT count(*) FROM feedback)::int AS "feedback",
            (SELECT count(*) FROM events)::int AS "events",
            (SELECT count(*) FROM messages)::int AS "messages",
            (SELECT count(*) FROM referrals)::int AS "referrals"`,
    [options.from, options.to, options.toCardId],
  );
  if (!row) throw new Error("the move returned no row");
  return row;
}

export async function closeCard(tx: Sql, cardId: string): Promise<void> {
  await tx.query(`UPDATE "LoyaltyCard" SET "status" = 'CLOSED' WHERE "id" = $1`, [cardId]);
}
