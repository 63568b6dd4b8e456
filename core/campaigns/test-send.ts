import type { CampaignDeps } from "./types.ts";

export async function sendTestMessage(
  _deps: CampaignDeps,
  _id: string,
  _staffId: string,
): Promise<void> {
  throw new Error("not implemented yet");
}
