import cron, { type ScheduledTask } from "node-cron";
import type { Logger } from "../logger.ts";

export type Job = {
  name: string;
  /** Cron expression in the business's time zone, e.g. "0 10 * * *" = every day at 10:00. */
  schedule: string;
  run(): Promise<void>;
};

export type Scheduler = {
  start(): void;
  /** Stops triggering and waits for runs in progress, so shutdown never cuts a job in half. */
  stop(): Promise<void>;
  /** Runs a job now (admin action, tests); resolves when it is done. */
  runNow(name: string): Promise<void>;
};

export function createScheduler(options: {
  jobs: Job[];
  timeZone: string;
  logger: Logger;
}): Scheduler {
  const { jobs, timeZone, logger } = options;
  const tasks: ScheduledTask[] = [];
  const running = new Map<string, Promise<void>>();

  async function execute(job: Job): Promise<void> {
    // A job still running from its previous trigger is not started twice.
    const inFlight = running.get(job.name);
    if (inFlight) return inFlight;
    const started = Date.now();
    const run = job
      .run()
      .then(() => logger.info({ job: job.name, ms: Date.now() - started }, "job finished"))
      .catch((err: unknown) => logger.error({ err, job: job.name }, "job failed"))
      .finally(() => running.delete(job.name));
    running.set(job.name, run);
    return run;
  }

  return {
    start() {
      for (const job of jobs) {
        if (!cron.validate(job.schedule))
          throw new Error(`Job ${job.name}: bad cron "${job.schedule}"`);
        tasks.push(
          cron.schedule(job.schedule, () => execute(job), { timezone: timeZone, name: job.name }),
        );
      }
    },
    async stop() {
      await Promise.all(tasks.map((t) => t.stop()));
      tasks.length = 0;
      await Promise.all(running.values());
    },
    async runNow(name) {
      const job = jobs.find((j) => j.name === name);
      if (!job) throw new Error(`Unknown job ${name}`);
      await execute(job);
    },
  };
}
