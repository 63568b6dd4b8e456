import { readBuiltin } from "../automations/automation-record.ts";
import { messageSpec } from "../automations/definitions.ts";
import { isUniqueViolationSql, type Sql } from "../db/sql.ts";
import { type BirthdayOccurrence, selectBirthdayCandidates } from "../db/tables/birthdays.ts";
import { insertEvents } from "../db/tables/customer-events.ts";
import { insertOutboxMessage } from "../db/tables/outbox-messages.ts";
import { AppError } from "../errors.ts";
import { EventType } from "../events.ts";
import { enqueueMessage } from "../outbox/enqueue.ts";
import { OutboxKind, type OwnerMessagePayload } from "../outbox/message.ts";
import { addDays, isLeapYear, type LocalDate, localDateOf } from "../scheduling/calendar.ts";
import { postLedgerEntry } from "./ledger.ts";
import type { LoyaltySettings } from "./settings.ts";

const KEY_PREFIX = "birthday:";

/** One bonus per birthday: the year is that of the occurrence celebrated, not of the run. */
export const birthdayKey = (customerId: string, year: number) =>
  `${KEY_PREFIX}${customerId}:${year}`;

/**
 * The birthdays the window [today − daysAfter, today + daysBefore] covers, each with the year
 * of that occurrence: on 2 January a 31 December birthday is last year's, on 29 December a
 * 1 January birthday is next year's. In a common year 29 February is celebrated on 28 February.
 */
export function birthdayOccurrences(
  today: LocalDate,
  window: { daysBefore: number; daysAfter: number },
): BirthdayOccurrence[] {
  const occurrences: BirthdayOccurrence[] = [];
  for (let offset = -window.daysAfter; offset <= window.daysBefore; offset++) {
    const day = addDays(today, offset);
    occurrences.push(day);
    if (day.month === 2 && day.day === 28 && !isLeapYear(day.year)) {
      occurrences.push({ month: 2, day: 29, year: day.year });
    }
  }
  return occurrences;
}

/**
 * The daily birthday bonus: credits settings.birthday.bonus points (BIRTHDAY) to every active
 * customer with an active card whose birthday falls in the window, once per birthday, and in the
 * same transaction queues the greeting and writes the timeline event. The greeting is not a
 * service message: like any courtesy it waits out quiet hours and counts toward the daily cap
 * (the points are on the card whenever it arrives). Each customer is credited in a transaction
 * of their own; the ledger key makes a second run, or a second process, credit nothing more.
 * It is the "birthday" automation: off, neither bonus nor greeting; the owner's words, when
 * written, instead of the bot's (`{bonus}` is the amount).
 */
export async function creditBirthdayBonuses(
  sql: Sql,
  options: { settings: LoyaltySettings; timeZone: string; now: Date },
): Promise<{ credited: number }> {
  const { bonus, daysBefore, daysAfter } = options.settings.birthday;
  if (bonus <= 0) return { credited: 0 };
  // The automation's switch stops the whole occasion, bonus and greeting: a gift nobody is
  // told about is not one. The amount stays in the loyalty settings, where 0 stops it too.
  const automation = await readBuiltin(sql, "birthday", options.now);
  if (!automation.enabled) return { credited: 0 };
  const { text, buttons } = automation.message;
  const today = localDateOf(options.now, options.timeZone);
  const candidates = await selectBirthdayCandidates(sql, {
    occurrences: birthdayOccurrences(today, { daysBefore, daysAfter }),
    keyPrefix: KEY_PREFIX,
  });

  let credited = 0;
  const failures: unknown[] = [];
  for (const { customerId, year } of candidates) {
    const key = birthdayKey(customerId, year);
    try {
      const done = await sql.transaction(async (tx) => {
        const posted = await postLedgerEntry(tx, {
          card: { activeCardOfCustomer: customerId },
          kind: "BIRTHDAY",
          delta: bonus,
          idempotencyKey: key,
          note: `Birthday ${year}`,
          now: options.now,
        });
        if (posted.duplicate) return false;
        if (text) {
          // The owner's words when they wrote some, else the bot's own greeting.
          await insertOutboxMessage(tx, {
            kind: OutboxKind.automation,
            customerId,
            payload: {
              owner: messageSpec(text, buttons),
              automationKey: "birthday",
              vars: { bonus },
            } satisfies OwnerMessagePayload,
            service: false,
            dedupeKey: key,
            notBefore: options.now,
          });
        } else {
          await enqueueMessage(tx, {
            kind: OutboxKind.birthdayBonus,
            customerId,
            payload: { template: "birthday-bonus", vars: { count: bonus } },
            service: false,
            dedupeKey: key,
            now: options.now,
          });
        }
        await insertEvents(
          tx,
          [
            {
              customerId,
              type: EventType.pointsCredited,
              data: { kind: "BIRTHDAY", points: bonus, year },
            },
          ],
          options.now,
        );
        return true;
      });
      if (done) credited++;
    } catch (error) {
      // The same key posted by another process at this moment; or the card was blocked since.
      if (isUniqueViolationSql(error)) continue;
      if (error instanceof AppError && error.code === "not_found") continue;
      failures.push(error);
    }
  }
  if (failures.length > 0) {
    throw new AggregateError(
      failures,
      `Birthday bonus failed for ${failures.length} of ${candidates.length} customers`,
    );
  }
  return { credited };
}
