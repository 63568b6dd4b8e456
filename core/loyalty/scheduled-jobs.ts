import type { Sql } from "../db/sql.ts";
import type { Logger } from "../logger.ts";
import type { Job } from "../scheduling/scheduler.ts";
import { creditBirthdayBonuses } from "./birthday-bonus.ts";
import { expirePoints } from "./expire-points.ts";
import { warnAboutExpiringPoints } from "./expiry-warning.ts";
import { computeRfmScores } from "./rfm.ts";
import type { LoyaltySettings } from "./settings.ts";
import { reviewTiers } from "./tier-review.ts";

/**
 * The loyalty programme's scheduled jobs, at times in the business's time zone: the customer-
 * facing ones in the morning (their messages arrive at a decent hour), the recomputations at
 * night. Each reads the settings as they are when it runs, and is safe to run again the same
 * day or from two processes at once.
 */
export function loyaltyJobs(deps: {
  sql: Sql;
  loyalty: { get(): Promise<LoyaltySettings> };
  timeZone: string;
  logger: Logger;
  /** The jobs' clock (tests). */
  now?: () => Date;
}): Job[] {
  const now = deps.now ?? (() => new Date());
  const daily = async () => ({
    settings: await deps.loyalty.get(),
    timeZone: deps.timeZone,
    now: now(),
  });
  return [
    {
      name: "expire-points",
      schedule: "5 10 * * *",
      run: async () => {
        const result = await expirePoints(deps.sql, await daily());
        deps.logger.info({ job: "expire-points", ...result }, "points expired");
      },
    },
    {
      name: "expiry-warning",
      schedule: "5 10 * * *",
      run: async () => {
        const result = await warnAboutExpiringPoints(deps.sql, await daily());
        deps.logger.info({ job: "expiry-warning", ...result }, "expiry warnings queued");
      },
    },
    {
      name: "birthday-bonus",
      schedule: "5 10 * * *",
      run: async () => {
        const result = await creditBirthdayBonuses(deps.sql, await daily());
        deps.logger.info({ job: "birthday-bonus", ...result }, "birthday bonuses credited");
      },
    },
    {
      name: "tier-review",
      schedule: "40 3 * * *",
      run: async () => {
        const result = await reviewTiers(deps.sql, {
          settings: await deps.loyalty.get(),
          now: now(),
        });
        deps.logger.info({ job: "tier-review", ...result }, "tiers reviewed");
      },
    },
    {
      name: "rfm-scores",
      schedule: "50 3 * * *",
      run: async () => {
        const result = await computeRfmScores(deps.sql, { now: now() });
        deps.logger.info({ job: "rfm-scores", ...result }, "RFM scores computed");
      },
    },
  ];
}
