import type { PrismaClient } from "../db/client.ts";
import type { Sql } from "../db/sql.ts";
import type { Logger } from "../logger.ts";
import type { Job } from "../scheduling/scheduler.ts";
import { refreshSegmentCounts } from "./manage-segments.ts";

/**
 * Saved segments' counts go stale as customers buy, join and age ("in the last 30 days" moves
 * every day): recounted hourly, so the list shows a number at most an hour old without a query
 * per segment on each request.
 */
export function segmentJobs(deps: {
  db: PrismaClient;
  sql: Sql;
  timeZone: string;
  logger: Logger;
}): Job[] {
  return [
    {
      name: "refresh-segment-counts",
      schedule: "17 * * * *",
      run: async () => {
        const result = await refreshSegmentCounts(deps);
        if (result.failed.length > 0)
          deps.logger.warn({ job: "refresh-segment-counts", ...result }, "segments not counted");
      },
    },
  ];
}
