import { waitForJobLock } from "../db/job-lock.ts";
import type { Sql } from "../db/sql.ts";
import { queueWinbackBatch, selectAutomation } from "../db/tables/automations.ts";
import { insertEvents } from "../db/tables/customer-events.ts";
import { EventType } from "../events.ts";
import { postLedgerEntry } from "../loyalty/ledger.ts";
import { OutboxKind } from "../outbox/message.ts";
import { addDays, localDateOf } from "../scheduling/calendar.ts";
import { automationOf } from "./automation-record.ts";
import { dedupePrefix, messageSpec, type WinbackSettings } from "./definitions.ts";
import { dayMonthYear } from "./words.ts";

const KEY = "winback";

/**
 * Win-back: a customer is overdue when the days since their last purchase exceed their own
 * average interval between purchases (with three or more; a global default otherwise) times
 * the factor. Once per lapse: the occasion is the day of the last purchase, so the next lapse
 * (after another purchase) is a new one. Only customers who accept offers, at an hour of their
 * own day within the automation's hours (the job runs hourly); a marketing message, so the
 * dispatcher checks consent and the frequency cap again as it sends.
 *
 * The optional bonus is a ledger credit (kind EVENT, key `winback:<customer>:<occasion>`) in
 * the transaction that queues the message. "Time-limited" is the offer's word: the message says
 * until when (`{bonus_until}`), but the points stay on the card after it: the ledger expires
 * points only by age, first in first out, and cannot take back one credit on a date without
 * taking the customer's other points with it (or letting a spent credit go negative).
 */
export async function sendWinbacks(
  sql: Sql,
  options: { timeZone: string; now: Date; batchSize?: number },
): Promise<{ queued: number; credited: number }> {
  const row = await selectAutomation(sql, KEY);
  const result = { queued: 0, credited: 0 };
  if (!row?.enabled) return result;
  const automation = automationOf(row);
  const settings = automation.settings as WinbackSettings;
  const { text, buttons } = automation.message;
  const bonus = settings.bonusPoints;
  const until = addDays(localDateOf(options.now, options.timeZone), settings.bonusValidDays);
  const payload = text
    ? { owner: messageSpec(text, buttons), automationKey: KEY }
    : { template: bonus > 0 ? "automation-winback-bonus" : "automation-winback" };
  const vars = bonus > 0 ? { bonus, count: bonus, bonus_until: dayMonthYear(until), ...until } : {};
  const prefix = dedupePrefix(KEY);

  let after: string | null = null;
  do {
    const batch = await sql.transaction(async (tx) => {
      // Two runs at once take each batch in turn (the second finds it queued).
      await waitForJobLock(tx, `automation:${KEY}`);
      const queued = await queueWinbackBatch(tx, {
        after,
        size: options.batchSize ?? 500,
        now: options.now,
        timeZone: options.timeZone,
        factor: settings.factor,
        defaultIntervalDays: settings.defaultIntervalDays,
        hours: settings.hours,
        prefix,
        kind: OutboxKind.automation,
        payload,
        vars,
        withCard: bonus > 0,
      });
      let credited = 0;
      if (bonus > 0) {
        for (const dedupeKey of queued.queued) {
          const rest = dedupeKey.slice(prefix.length);
          const customerId = rest.slice(0, 36);
          const occasion = rest.slice(37);
          const posted = await postLedgerEntry(tx, {
            card: { activeCardOfCustomer: customerId },
            kind: "EVENT",
            delta: bonus,
            idempotencyKey: `winback:${customerId}:${occasion}`,
            note: "Win-back bonus",
            now: options.now,
          });
          if (posted.duplicate) continue;
          credited++;
          await insertEvents(
            tx,
            [
              {
                customerId,
                type: EventType.pointsCredited,
                data: { kind: "EVENT", points: bonus, automation: KEY },
              },
            ],
            options.now,
          );
        }
      }
      return { ...queued, credited };
    });
    result.queued += batch.queued.length;
    result.credited += batch.credited;
    after = batch.last;
  } while (after);
  return result;
}
