import cron, { type ScheduledTask } from "node-cron";
import type { Logger } from "../logger.ts";
import { type Leadership, soleLeader } from "./leader.ts";

export type Job = {
  name: string;
  /** Cron expression in the business's time zone, e.g. "0 10 * * *" = every day at 10:00. */
  schedule: string;
  /** Also run once when the scheduler starts (work a stopped process left behind). */
  runAtStart?: boolean;
  run(): Promise<void>;
};

export type Scheduler = {
  start(): void;
  /** Stops triggering and waits for runs in progress, so shutdown never cuts a job in half. */
  stop(): Promise<void>;
  /** Runs a job now (admin action, tests), leader or not; resolves when it is done. */
  runNow(name: string): Promise<void>;
  /** Whether this process triggers the jobs (see leader.ts). */
  isLeader(): boolean;
};

export function createScheduler(options: {
  jobs: Job[];
  timeZone: string;
  logger: Logger;
  /** Who among the processes triggers the jobs; default: this one alone (PGlite, tests). */
  leadership?: Leadership;
}): Scheduler {
  const { jobs, timeZone, logger } = options;
  const leadership = options.leadership ?? soleLeader();
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
        // Every process keeps its timers; only the leader's fire the job.
        tasks.push(
          cron.schedule(job.schedule, () => (leadership.isLeader() ? execute(job) : undefined), {
            timezone: timeZone,
            name: job.name,
          }),
        );
      }
      leadership.start((leader) => {
        // In the background, like a triggered run: stop() waits for it all the same. A process
        // that becomes leader later (the previous one stopped) picks up what was left then.
        if (leader) for (const job of jobs) if (job.runAtStart) void execute(job);
      });
    },
    async stop() {
      await Promise.all(tasks.map((t) => t.stop()));
      tasks.length = 0;
      await Promise.all(running.values());
      await leadership.stop();
    },
    async runNow(name) {
      const job = jobs.find((j) => j.name === name);
      if (!job) throw new Error(`Unknown job ${name}`);
      await execute(job);
    },
    isLeader: () => leadership.isLeader(),
  };
}
