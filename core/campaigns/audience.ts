import type { CampaignInput } from "./campaign-input.ts";
import type { CampaignDeps } from "./types.ts";

export async function countAudience(
  _deps: CampaignDeps,
  _segment: CampaignInput["segment"],
): Promise<number> {
  throw new Error("not implemented yet");
}
