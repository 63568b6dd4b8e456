import type { Sql } from "../db/sql.ts";
import {
  countDripEnrolments,
  countOutboxByPrefix,
  countOutboxBySteps,
  type OutboxCounts,
} from "../db/tables/automations.ts";
import type { Automation } from "./automation-record.ts";
import { dedupePrefix } from "./definitions.ts";

/**
 * What an automation came to, from its outbox rows (one per occasion fired): fired, and of
 * those sent, skipped (no consent any more, the frequency cap, cancelled), failed (refused,
 * blocked) and pending. A drip also per step, and its enrolments.
 */
export type AutomationStats = OutboxCounts & {
  steps?: Array<OutboxCounts & { step: number }>;
  enrolments?: { running: number; finished: number; stopped: number };
};

export async function automationStats(sql: Sql, automation: Automation): Promise<AutomationStats> {
  const prefix = dedupePrefix(automation.key);
  const total = await countOutboxByPrefix(sql, prefix);
  if (automation.kind !== "DRIP") return total;
  const [bySteps, enrolments] = await Promise.all([
    countOutboxBySteps(sql, prefix),
    countDripEnrolments(sql, automation.key),
  ]);
  const steps = (automation.message.steps ?? []).map(
    (_step, step) =>
      bySteps.find((row) => row.step === step) ?? {
        step,
        fired: 0,
        sent: 0,
        skipped: 0,
        failed: 0,
        pending: 0,
      },
  );
  return { ...total, steps, enrolments };
}
