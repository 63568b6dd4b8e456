import { readBuiltin } from "../automations/automation-record.ts";
import { messageSpec } from "../automations/definitions.ts";
import type { Sql } from "../db/sql.ts";
import { queueExpiryWarnings } from "../db/tables/points-expiry.ts";
import { OutboxKind } from "../outbox/message.ts";
import { addDays, isoDate, localDateOf, startOfLocalDay } from "../scheduling/calendar.ts";
import { expiryCutoff, expiryWarningLeadDays } from "./expiry.ts";
import type { LoyaltySettings } from "./settings.ts";

/**
 * The daily warning: tells every active customer whose points will expire in
 * settings.expiryWarningDays days how many and on which day — the points that expire on exactly
 * that day, assuming they spend nothing more. A service message: it is about the customer's own
 * points and loses its point if held back by quiet hours or the daily cap. Once per customer and
 * expiry day (dedupe key `expiry-warning:<customerId>:<expiry day>`), however often it runs.
 * It is the "expiry_warning" automation: on/off and the words are the owner's there.
 */
export async function warnAboutExpiringPoints(
  sql: Sql,
  options: { settings: LoyaltySettings; timeZone: string; now: Date },
): Promise<{ queued: number; expiresOn: string | null }> {
  const lead = expiryWarningLeadDays(options.settings);
  if (lead <= 0) return { queued: 0, expiresOn: null };
  // An automation (core/automations): switched off it warns nobody; the owner's words, when
  // written, instead of the bot's. The lead time stays in the loyalty settings.
  const automation = await readBuiltin(sql, "expiry_warning", options.now);
  if (!automation.enabled) return { queued: 0, expiresOn: null };
  const { text, buttons } = automation.message;
  const expiresOn = addDays(localDateOf(options.now, options.timeZone), lead);
  const cutoff = expiryCutoff(options.settings.expiry, expiresOn);
  const previousCutoff = expiryCutoff(options.settings.expiry, addDays(expiresOn, -1));
  if (!cutoff || !previousCutoff) return { queued: 0, expiresOn: null };
  // With end_of_year, nothing expires on any day but 1 January.
  if (isoDate(cutoff) === isoDate(previousCutoff)) return { queued: 0, expiresOn: null };

  const queued = await queueExpiryWarnings(sql, {
    cutoff: startOfLocalDay(cutoff, options.timeZone),
    previousCutoff: startOfLocalDay(previousCutoff, options.timeZone),
    kind: text ? OutboxKind.automation : OutboxKind.expiryWarning,
    template: "expiry-warning",
    owner: text ? { owner: messageSpec(text, buttons), automationKey: "expiry_warning" } : null,
    dedupeKey: { prefix: "expiry-warning:", suffix: `:${isoDate(expiresOn)}` },
    date: {
      day: String(expiresOn.day),
      month: expiresOn.month,
      year: String(expiresOn.year),
    },
    at: options.now,
  });
  return { queued, expiresOn: isoDate(expiresOn) };
}
