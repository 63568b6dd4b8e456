import { isUniqueViolationSql, type Sql } from "../db/sql.ts";
import {
  lockCard,
  selectCardsWithPointsToExpire,
  selectPointsToExpire,
} from "../db/tables/points-expiry.ts";
import { isoDate, localDateOf, startOfLocalDay } from "../scheduling/calendar.ts";
import { expiryCutoff } from "./expiry.ts";
import { postLedgerEntry } from "./ledger.ts";
import type { LoyaltySettings } from "./settings.ts";

export type ExpirePointsResult = { cards: number; points: number };

/**
 * The daily expiry (see expiry.ts for the rule): for every card with points older than today's
 * cutoff left, one EXPIRE entry for all of them, keyed `expire:<customerId>:<cutoff day>`. Each
 * card is settled in its own transaction with the card locked, so a purchase at the till never
 * waits for the whole run, and a second run (or a second process) finds nothing left to take.
 * A card that fails does not stop the others; the failures are thrown together at the end.
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
  for (const { cardId, customerId } of cards) {
    try {
      const expired = await sql.transaction(async (tx) => {
        await lockCard(tx, cardId);
        const points = await selectPointsToExpire(tx, cardId, cutoff);
        if (points <= 0) return 0;
        const posted = await postLedgerEntry(tx, {
          card: { id: cardId },
          kind: "EXPIRE",
          delta: -points,
          idempotencyKey: `expire:${customerId}:${isoDate(cutoffDay)}`,
          note: `Earned before ${isoDate(cutoffDay)}`,
          now: options.now,
        });
        return posted.duplicate ? 0 : points;
      });
      if (expired > 0) {
        result.cards++;
        result.points += expired;
      }
    } catch (error) {
      // Another process posted the same key at the same moment: already done.
      if (!isUniqueViolationSql(error)) failures.push(error);
    }
  }
  if (failures.length > 0) {
    throw new AggregateError(
      failures,
      `Expiry failed for ${failures.length} of ${cards.length} cards`,
    );
  }
  return result;
}
