import type { CampaignInput } from "./campaign-input.ts";
import type { CampaignDeps, CampaignView } from "./types.ts";

export async function createCampaign(
  _deps: CampaignDeps,
  _input: CampaignInput,
): Promise<CampaignView> {
  throw new Error("not implemented yet");
}
