import { waitForJobLock } from "../db/job-lock.ts";
import type { Sql } from "../db/sql.ts";
import { queueDateReminderBatch, selectAutomations } from "../db/tables/automations.ts";
import { OutboxKind } from "../outbox/message.ts";
import { automationOf } from "./automation-record.ts";
import { type DateReminderSettings, dedupePrefix, messageSpec } from "./definitions.ts";

/**
 * Reminders on a date attribute (the next service date): `daysBefore` days before the date on
 * the customer's own calendar, or on a later day up to the date itself if the job could not
 * run then, within the hours on their clock. Once per customer per date value: a new date is a
 * new occasion. A reminder about the customer's own appointment, not an offer: no marketing
 * consent needed, but quiet hours and the daily cap apply (not a service message).
 */
export async function sendDateReminders(
  sql: Sql,
  options: { timeZone: string; now: Date; batchSize?: number },
): Promise<{ queued: number }> {
  const automations = (await selectAutomations(sql))
    .filter((row) => row.kind === "DATE_REMINDER" && row.enabled)
    .map(automationOf);
  let queued = 0;
  for (const automation of automations) {
    const settings = automation.settings as DateReminderSettings;
    const { text, buttons } = automation.message;
    if (!text) continue;
    let after: string | null = null;
    do {
      const batch = await sql.transaction(async (tx) => {
        await waitForJobLock(tx, `automation:${automation.key}`);
        return queueDateReminderBatch(tx, {
          after,
          size: options.batchSize ?? 500,
          now: options.now,
          timeZone: options.timeZone,
          attribute: settings.attribute,
          daysBefore: settings.daysBefore,
          hours: settings.hours,
          prefix: dedupePrefix(automation.key),
          kind: OutboxKind.automation,
          payload: { owner: messageSpec(text, buttons), automationKey: automation.key },
        });
      });
      queued += batch.queued.length;
      after = batch.last;
    } while (after);
  }
  return { queued };
}
