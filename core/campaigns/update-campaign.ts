import type { CampaignInput } from "./campaign-input.ts";
import type { CampaignDeps, CampaignView } from "./types.ts";

export async function updateCampaign(
  _deps: CampaignDeps,
  _id: string,
  _input: CampaignInput,
): Promise<CampaignView> {
  throw new Error("not implemented yet");
}
