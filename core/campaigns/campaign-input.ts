import { z } from "zod";
import { CampaignActions } from "./message.ts";

/** Telegram's limits: a message's text, and a photo's caption. */
export const TEXT_MAX = 4096;
export const CAPTION_MAX = 1024;
/** Inline buttons under one campaign message (one per row). */
export const BUTTONS_MAX = 10;
export const BUTTON_TEXT_MAX = 64;
export const VARIANTS_MAX = 5;

/** A text the owner writes: one for every language, or one per language (Russian required). */
const LocalText = (max: number) =>
  z.union([
    z.string().trim().min(1).max(max),
    z.strictObject({
      ru: z.string().trim().min(1).max(max),
      en: z.string().trim().min(1).max(max).optional(),
    }),
  ]);

const httpUrl = z.url({ protocol: /^https?$/, message: "must be an http(s) URL" }).max(2048);

/** What Telegram gives for a photo it has (the bot's /broadcast passes the one it was sent). */
const TELEGRAM_FILE_ID = /^[A-Za-z0-9_-]{20,300}$/;

/**
 * A photo: an http(s) URL Telegram fetches (one that fails later pauses the campaign with the
 * reason, see bot/dispatcher.ts), or a Telegram file_id, which sendPhoto takes in its place.
 */
const PhotoSchema = z
  .string()
  .max(2048)
  .refine(
    (value) => TELEGRAM_FILE_ID.test(value) || httpUrl.safeParse(value).success,
    "must be an http(s) URL (or a Telegram file_id)",
  );

const ButtonSchema = z.union([
  z.strictObject({ text: LocalText(BUTTON_TEXT_MAX), url: httpUrl }),
  z.strictObject({ text: LocalText(BUTTON_TEXT_MAX), action: z.enum(CampaignActions) }),
]);

const VariantSchema = z.strictObject({
  key: z
    .string()
    .regex(/^[A-Za-z0-9_-]{1,16}$/, "must be 1–16 letters, digits, _ or -")
    .meta({ description: 'The variant\'s name in the results: "A", "B"…' }),
  share: z.number().int().min(1).max(100).meta({ description: "Percent of the recipients" }),
  text: LocalText(TEXT_MAX),
});

/**
 * Who receives a campaign: `"all"` (everyone active who accepts offers and can be reached), a
 * saved segment's id, or an inline segment rule (core/segments/rule.ts; checked by parseRule,
 * which names the bad part, e.g. `segment.all.1.op`).
 */
export const AudienceSchema = z.union([
  z.literal("all"),
  z.uuid(),
  z.record(z.string(), z.unknown()),
]);

/**
 * A campaign as the API's POST/PUT body and the bot's /broadcast conversation give it. Strict:
 * an unknown field is a 400 naming it. The placeholders and the rule are checked by
 * createCampaign/updateCampaign (they need the question bank and the segments).
 */
export const CampaignInputSchema = z
  .strictObject({
    name: z.string().trim().min(1).max(100),
    text: LocalText(TEXT_MAX),
    segment: AudienceSchema,
    buttons: z.array(ButtonSchema).max(BUTTONS_MAX).optional(),
    photoUrl: PhotoSchema.nullish(),
    sendAt: z.iso
      .datetime({ offset: true })
      .nullish()
      .meta({ description: "When to send; null or absent = at launch" }),
    localTime: z
      .boolean()
      .optional()
      .meta({ description: "Send at sendAt's wall-clock time in each customer's own time zone" }),
    parseMode: z.literal("HTML").nullish(),
    variants: z.array(VariantSchema).max(VARIANTS_MAX).optional(),
    marketing: z
      .boolean()
      .optional()
      .meta({ description: "An offer (default): only to customers who accept offers" }),
  })
  .superRefine((input, ctx) => {
    // A photo's caption is shorter than a message.
    if (input.photoUrl) {
      const texts: Array<[string[], string | { ru: string; en?: string | undefined }]> = [
        [["text"], input.text],
        ...(input.variants ?? []).map(
          (variant, i) =>
            [["variants", String(i), "text"], variant.text] as [string[], typeof variant.text],
        ),
      ];
      for (const [path, text] of texts) {
        for (const [language, value] of Object.entries(
          typeof text === "string" ? { "": text } : text,
        )) {
          if (value && value.length > CAPTION_MAX)
            ctx.addIssue({
              code: "custom",
              path: language ? [...path, language] : path,
              message: `at most ${CAPTION_MAX} characters under a photo`,
            });
        }
      }
    }
    const variants = input.variants ?? [];
    if (variants.length === 1)
      ctx.addIssue({ code: "custom", path: ["variants"], message: "give two variants or none" });
    if (variants.length > 1) {
      const total = variants.reduce((sum, variant) => sum + variant.share, 0);
      if (total !== 100)
        ctx.addIssue({
          code: "custom",
          path: ["variants"],
          message: `shares must add up to 100 (they add up to ${total})`,
        });
      const keys = variants.map((variant) => variant.key);
      if (new Set(keys).size !== keys.length)
        ctx.addIssue({ code: "custom", path: ["variants"], message: "variant keys must differ" });
    }
  })
  .meta({ id: "CampaignInput" });

export type CampaignInput = z.infer<typeof CampaignInputSchema>;

/** The body of POST /api/campaigns/:id/edit-messages: the new words of the sent messages. */
export const EditMessagesSchema = z
  .strictObject({
    text: LocalText(TEXT_MAX),
    variants: z
      .array(z.strictObject({ key: z.string().max(16), text: LocalText(TEXT_MAX) }))
      .max(VARIANTS_MAX)
      .optional(),
  })
  .meta({ id: "CampaignTextEdit" });

export type EditMessagesInput = z.infer<typeof EditMessagesSchema>;
