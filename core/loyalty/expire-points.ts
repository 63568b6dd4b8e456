import type { Sql } from "../db/sql.ts";
import { expireBatch, selectCardsWithPointsToExpire } from "../db/tables/points-expiry.ts";
import { isoDate, localDateOf, startOfLocalDay } from "../scheduling/calendar.ts";
import { WebhookEvent } from "../webhooks/events.ts";
import { mayHaveSubscribers } from "../webhooks/subscriptions.ts";
import { expiryCutoff } from "./expiry.ts";
import type { LoyaltySettings } from "./settings.ts";

export type ExpirePointsResult = { cards: number; points: number };

/**
 * Cards settled per transaction: large enough that a mass expiry (end_of_year takes everyone's
 * points on 1 January) is a few hundred statements rather than 100,000 transactions, small
 * enough that a purchase at the till waits a fraction of a second for a batch's lock.
 */
const BATCH = 500;

/**
 * The daily expiry (see expiry.ts for the rule): for every card with points older than today's
 * cutoff left, one EXPIRE entry for all of them, keyed `expire:<customerId>:<cutoff day>`. Cards
 * are settled in batches, each in its own transaction with its cards locked, so a purchase at the
 * till never waits for the whole run, and a second run (or a second process) finds nothing left
 * to take.
 */
export async function expirePoints(
  sql: Sql,
  options: { settings: LoyaltySettings; timeZone: string; now: Date },
): Promise<ExpirePointsResult> {
  const result: ExpirePointsResult = { cards: 0, points: 0 };
  const cutoffDay = expiryCutoff(
    options.settings.expiry,
    localDateOf(options.now, options.timeZone),
  );
  if (!cutoffDay) return result;
  const cutoff = startOfLocalDay(cutoffDay, options.timeZone);

  const failures: unknown[] = [];
  const cards = await selectCardsWithPointsToExpire(sql, cutoff);
  for (let i = 0; i < cards.length; i += BATCH) {
    const cardIds = cards.slice(i, i + BATCH).map((card) => card.cardId);
    try {
      const expired = await sql.transaction((tx) =>
        expireBatch(tx, {
          cardIds,
          cutoff,
          day: isoDate(cutoffDay),
          note: `Earned before ${isoDate(cutoffDay)}`,
          at: options.now,
          webhooks: mayHaveSubscribers(tx, WebhookEvent.pointsChanged),
        }),
      );
      result.cards += expired.cards;
      result.points += expired.points;
    } catch (error) {
      // A batch that fails does not stop the others; they are all reported at the end.
      failures.push(error);
    }
  }
  if (failures.length > 0) {
    throw new AggregateError(
      failures,
      `Expiry failed for ${failures.length} batches of ${cards.length} cards`,
    );
  }
  return result;
}
