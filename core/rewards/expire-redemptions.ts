import type { Sql } from "../db/sql.ts";
import {
  lockDueRedemption,
  markRedemptionExpired,
  selectDueRedemptionIds,
} from "../db/tables/reward-redemptions.ts";
import { returnRewardStock } from "../db/tables/rewards.ts";
import { AppError } from "../errors.ts";
import { EventType } from "../events.ts";
import { postLedgerEntry } from "../loyalty/ledger.ts";
import { enqueueMessage } from "../outbox/enqueue.ts";
import { OutboxKind } from "../outbox/message.ts";

const BATCH = 200;

export type ExpiryResult = { expired: number; pointsReturned: number };

/**
 * The scheduled sweep of unused reward codes whose time ran out. The policy: the customer loses
 * nothing by not coming — each such code becomes EXPIRED, its points go back to the card
 * (a REWARD entry, key `reward-return:<id>`, so a repeat returns them once), the reward goes
 * back on the shelf when its stock is counted, and the customer is told (an outbox note that
 * waits out quiet hours). A customer without an active card any more (data deleted, card
 * merged away) gets nothing back; the code still expires. One transaction per code, locked with
 * SKIP LOCKED, so two processes sweeping at once never return points twice, and a till marking
 * the code used at that moment wins or loses cleanly.
 */
export async function expireRedemptions(
  sql: Sql,
  options: { now?: Date } = {},
): Promise<ExpiryResult> {
  const now = options.now ?? new Date();
  const result: ExpiryResult = { expired: 0, pointsReturned: 0 };
  for (;;) {
    const ids = await selectDueRedemptionIds(sql, now, BATCH);
    let progressed = false;
    for (const id of ids) {
      const returned = await sql.transaction((tx) => expireOne(tx, id, now));
      if (returned === null) continue;
      progressed = true;
      result.expired += 1;
      result.pointsReturned += returned;
    }
    // A short batch was the last one; a batch held entirely by others is left to them.
    if (ids.length < BATCH || !progressed) return result;
  }
}

/** Expires one code; the points returned, or null when it was not due any more. */
async function expireOne(tx: Sql, id: string, now: Date): Promise<number | null> {
  const redemption = await lockDueRedemption(tx, id, now);
  if (!redemption) return null;
  let returned = 0;
  try {
    await postLedgerEntry(tx, {
      card: { activeCardOfCustomer: redemption.customerId },
      kind: "REWARD",
      delta: redemption.cost,
      idempotencyKey: `reward-return:${redemption.id}`,
      note: redemption.rewardTitle,
      now,
    });
    returned = redemption.cost;
  } catch (error) {
    if (!(error instanceof AppError && error.code === "not_found")) throw error;
  }
  await returnRewardStock(tx, redemption.rewardId);
  await markRedemptionExpired(tx, {
    id: redemption.id,
    at: now,
    event: {
      type: EventType.rewardExpired,
      data: {
        redemptionId: redemption.id,
        rewardId: redemption.rewardId,
        title: redemption.rewardTitle,
        pointsReturned: returned,
      },
    },
  });
  if (returned > 0) {
    await enqueueMessage(tx, {
      kind: OutboxKind.rewardExpired,
      customerId: redemption.customerId,
      payload: {
        template: "reward-expired-returned",
        vars: { title: redemption.rewardTitle, count: returned },
      },
      service: false,
      dedupeKey: `reward-expired:${redemption.id}`,
      now,
    });
  }
  return returned;
}
