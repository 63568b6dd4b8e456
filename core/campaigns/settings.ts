import { z } from "zod";

/**
 * The owner's rules for campaigns, part of the one settings document (core/loyalty/settings.ts,
 * GET/PUT /api/settings/loyalty). The dispatcher reads them as each message goes.
 */
export const CampaignSettingsSchema = z
  .object({
    /**
     * At most one marketing message (a campaign, a marketing automation) per customer in this
     * many hours; a delivery that would break it is skipped ("frequency cap"). 0 = no cap.
     */
    frequencyCapHours: z
      .number()
      .int()
      .min(0)
      .max(24 * 90)
      .default(48),
  })
  .default({ frequencyCapHours: 48 });

export type CampaignSettings = z.infer<typeof CampaignSettingsSchema>;
