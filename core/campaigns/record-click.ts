import type { Sql } from "../db/sql.ts";
import { insertCampaignClick } from "../db/tables/campaign-clicks.ts";
import { OutboxKind } from "../outbox/message.ts";
import { type CampaignAction, CampaignActions } from "./message.ts";

const MAX_BIGINT = 2n ** 63n - 1n;

/** A press of a campaign button the customer may act on: what to do and whether it counted. */
export type CampaignPress = {
  /** The button's action; "ok" (only a thank-you) for a button with none or a URL button. */
  action: CampaignAction;
  counted: boolean;
  /** A staff member's test send: the press is shown but never counted. */
  test: boolean;
};

/** An outbox id from callback data; null when it cannot be one (a forged or broken button). */
function deliveryIdOf(text: string): string | null {
  if (!/^\d{1,19}$/.test(text)) return null;
  const id = BigInt(text);
  return id > 0n && id <= MAX_BIGINT ? id.toString() : null;
}

function actionOf(button: unknown): CampaignAction {
  const action = (button as { action?: unknown } | null)?.action;
  return CampaignActions.includes(action as CampaignAction) ? (action as CampaignAction) : "ok";
}

/**
 * A press of the `index`-th button under a campaign message (callback data `cmp:<delivery>:<i>`),
 * counted once per delivery and button, in one statement. Null when the delivery is not this
 * customer's: nothing is recorded and the caller says nothing about it.
 */
export async function recordCampaignClick(
  sql: Sql,
  input: { deliveryId: string; index: number; customerId: string; now?: Date },
): Promise<CampaignPress | null> {
  const outboxId = deliveryIdOf(input.deliveryId);
  if (outboxId === null || !Number.isInteger(input.index) || input.index < 0) return null;
  const row = await insertCampaignClick(sql, {
    outboxId,
    customerId: input.customerId,
    button: String(input.index),
    index: input.index,
    uncountedKind: OutboxKind.campaignTest,
    at: input.now ?? new Date(),
  });
  if (!row) return null;
  return {
    action: actionOf(row.button),
    counted: row.counted,
    test: row.kind === OutboxKind.campaignTest,
  };
}

/**
 * The "Unsubscribe" press under a delivery, counted as the button "unsubscribe" (once). Returns
 * whether the delivery was this customer's; 0 or a stranger's id records nothing.
 */
export async function recordUnsubscribeClick(
  sql: Sql,
  input: { deliveryId: string; customerId: string; now?: Date },
): Promise<boolean> {
  const outboxId = deliveryIdOf(input.deliveryId);
  if (outboxId === null) return false;
  const row = await insertCampaignClick(sql, {
    outboxId,
    customerId: input.customerId,
    button: "unsubscribe",
    index: null,
    uncountedKind: OutboxKind.campaignTest,
    at: input.now ?? new Date(),
  });
  return row !== null;
}
