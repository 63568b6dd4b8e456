import type { Sql } from "../db/sql.ts";
import {
  enrolDrip,
  selectAutomations,
  sendDripStepBatch,
  stopDripEnrolments,
} from "../db/tables/automations.ts";
import { OutboxKind } from "../outbox/message.ts";
import { automationOf } from "./automation-record.ts";
import { type DripSettings, dedupePrefix, messageSpec } from "./definitions.ts";

/** How far back a run looks for the events that start a chain (a process down that long). */
export const DRIP_LOOKBACK_MS = 7 * 86_400_000;

/**
 * Drip chains, from the timeline, never from the update that caused the event (no statement
 * is added to the bot's hot path): each run (every few minutes) enrols everyone with a trigger
 * event since the chain was created (at most a week back), one enrolment per occasion; stops
 * the enrolments whose customer acted since they started (bought, answered, rated: the
 * chain's `stopOn`); and sends the steps that are due within the hours on each customer's
 * clock, each step one outbox row keyed `automation:<key>:<customer>:<occasion>:<step>`. Each
 * is one statement (per batch of steps), safe to run twice or in two processes.
 */
export async function runDrips(
  sql: Sql,
  options: { timeZone: string; now: Date; batchSize?: number },
): Promise<{ enrolled: number; stopped: number; queued: number }> {
  const { now } = options;
  const size = options.batchSize ?? 500;
  const result = { enrolled: 0, stopped: 0, queued: 0 };
  const drips = (await selectAutomations(sql))
    .filter((row) => row.kind === "DRIP" && row.enabled)
    .map(automationOf);
  for (const drip of drips) {
    const settings = drip.settings as DripSettings;
    const steps = drip.message.steps ?? [];
    if (steps.length === 0) continue;
    const since = new Date(Math.max(drip.createdAt.getTime(), now.getTime() - DRIP_LOOKBACK_MS));
    result.enrolled += await enrolDrip(sql, {
      key: drip.key,
      trigger: settings.trigger,
      since,
      now,
      firstDelayHours: steps[0]?.delayHours ?? 0,
    });
    if (settings.stopOn.length > 0)
      result.stopped += await stopDripEnrolments(sql, {
        key: drip.key,
        stopOn: settings.stopOn,
        now,
      });
    const payloads = steps.map((step) => ({
      owner: messageSpec(step.text, step.buttons),
      automationKey: drip.key,
    }));
    for (;;) {
      const batch = await sendDripStepBatch(sql, {
        key: drip.key,
        size,
        now,
        timeZone: options.timeZone,
        hours: settings.hours,
        prefix: dedupePrefix(drip.key),
        kind: OutboxKind.automation,
        payloads,
        delays: steps.map((step) => step.delayHours),
      });
      result.queued += batch.queued;
      if (batch.due < size) break;
    }
  }
  return result;
}
