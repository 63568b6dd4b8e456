import type { Sql } from "../db/sql.ts";
import type { Logger } from "../logger.ts";
import type { Job } from "../scheduling/scheduler.ts";
import { sendDateReminders } from "./date-reminders.ts";
import { runDrips } from "./drips.ts";
import { sendWinbacks } from "./winback.ts";

/**
 * The automations' jobs (the birthday and expiry warnings run with the loyalty jobs, reading
 * their automation rows). Win-back and date reminders run hourly: each customer is reached in
 * the first run within the hours of their own day. Drips run every five minutes.
 */
export function automationJobs(deps: {
  sql: Sql;
  timeZone: string;
  logger: Logger;
  /** The jobs' clock (tests). */
  now?: () => Date;
}): Job[] {
  const now = deps.now ?? (() => new Date());
  const options = () => ({ timeZone: deps.timeZone, now: now() });
  return [
    {
      name: "automation-winback",
      schedule: "20 * * * *",
      run: async () => {
        const result = await sendWinbacks(deps.sql, options());
        if (result.queued > 0)
          deps.logger.info({ job: "automation-winback", ...result }, "win-backs queued");
      },
    },
    {
      name: "automation-date-reminders",
      schedule: "25 * * * *",
      run: async () => {
        const result = await sendDateReminders(deps.sql, options());
        if (result.queued > 0)
          deps.logger.info(
            { job: "automation-date-reminders", ...result },
            "date reminders queued",
          );
      },
    },
    {
      name: "automation-drips",
      schedule: "*/5 * * * *",
      run: async () => {
        const result = await runDrips(deps.sql, options());
        if (result.enrolled + result.stopped + result.queued > 0)
          deps.logger.info({ job: "automation-drips", ...result }, "drip chains advanced");
      },
    },
  ];
}
