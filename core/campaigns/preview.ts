import type { CampaignButton, MessageSpec } from "./message.ts";
import type { CampaignDeps } from "./types.ts";

export type MessagePreview = {
  text: string;
  parseMode: MessageSpec["parseMode"];
  buttons: Array<{ text: string } & ({ url: string } | { action: string })>;
  photoUrl: string | null;
  customerId: string | null;
};

export async function previewMessage(
  _deps: CampaignDeps,
  _id: string,
  _customerId?: string,
): Promise<MessagePreview> {
  void (null as unknown as CampaignButton);
  throw new Error("not implemented yet");
}
