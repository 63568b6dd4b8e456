import type { CampaignDeps, CampaignView } from "./types.ts";

export async function launchCampaign(_deps: CampaignDeps, _id: string): Promise<CampaignView> {
  throw new Error("not implemented yet");
}
export async function pauseCampaign(_deps: CampaignDeps, _id: string): Promise<CampaignView> {
  throw new Error("not implemented yet");
}
export async function resumeCampaign(_deps: CampaignDeps, _id: string): Promise<CampaignView> {
  throw new Error("not implemented yet");
}
export async function cancelCampaign(_deps: CampaignDeps, _id: string): Promise<CampaignView> {
  throw new Error("not implemented yet");
}
