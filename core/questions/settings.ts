import { z } from "zod";

/**
 * The owner's rules for asking: how often progressive questions go out and when, and the
 * rating after a purchase. Part of the one settings document (core/loyalty/settings.ts), read
 * and changed with it (GET/PUT /api/settings/loyalty).
 */
const hour = z.number().int().min(0).max(24);

export const QuestionSettingsSchema = z
  .object({
    /** At most one progressive question per customer in this many days. */
    intervalDays: z.number().int().min(1).max(90).default(3),
    /** Local hours (the business's time zone) in which questions and ratings are sent: [from, to). */
    allowedHours: z
      .object({ from: hour.default(10), to: hour.default(20) })
      .refine((h) => h.from < h.to, { message: "from must be before to", path: ["from"] })
      .default({ from: 10, to: 20 }),
    /** "Later" puts a question off for this many days. */
    laterDays: z.number().int().min(1).max(90).default(7),
    /** The pack of the business (core/questions/packs.ts) last applied. */
    pack: z.string().max(40).default("generic"),
  })
  .default({ intervalDays: 3, allowedHours: { from: 10, to: 20 }, laterDays: 7, pack: "generic" });

export const FeedbackSettingsSchema = z
  .object({
    enabled: z.boolean().default(true),
    /** "rating" = 1–5 stars, "nps" = 0–10 "would you recommend us". */
    scale: z.enum(["rating", "nps"]).default("rating"),
    /** Asked this long after the purchase (moved into the allowed hours, never at night). */
    delayMinutes: z.number().int().min(0).max(10_080).default(120),
    /** A score at or below this is low: "what went wrong?" and an item for staff. Null = 3 for
     *  a rating, 6 for NPS (a detractor). */
    lowScoreMax: z.number().int().min(0).max(10).nullable().default(null),
    /** A score at or above this offers the review page. Null = 5 for a rating, 9 for NPS. */
    highScoreMin: z.number().int().min(0).max(10).nullable().default(null),
    /** A public review page (Yandex Maps, 2GIS, Google) offered after a high score. */
    reviewUrl: z.string().url().max(500).nullable().default(null),
  })
  .default({
    enabled: true,
    scale: "rating",
    delayMinutes: 120,
    lowScoreMax: null,
    highScoreMin: null,
    reviewUrl: null,
  });

export type QuestionSettings = z.infer<typeof QuestionSettingsSchema>;
export type FeedbackSettings = z.infer<typeof FeedbackSettingsSchema>;

/** The low and high thresholds in effect for the scale. */
export function feedbackThresholds(settings: FeedbackSettings): { low: number; high: number } {
  const nps = settings.scale === "nps";
  return {
    low: settings.lowScoreMax ?? (nps ? 6 : 3),
    high: settings.highScoreMin ?? (nps ? 9 : 5),
  };
}
