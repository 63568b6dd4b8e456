import type { Sql } from "../db/sql.ts";
import type { CampaignStats } from "./types.ts";

export async function campaignStats(_sql: Sql, _id: string): Promise<CampaignStats> {
  throw new Error("not implemented yet");
}
