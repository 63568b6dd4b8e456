import { z } from "zod";
import { CampaignSettingsSchema } from "../campaigns/settings.ts";
import { FeedbackSettingsSchema, QuestionSettingsSchema } from "../questions/settings.ts";

/**
 * The owner's loyalty rules: one zod schema, the single source for their validation
 * (PUT /api/settings/loyalty), their defaults, their types and the API's document. Stored as one
 * row ("LoyaltySettings"); see settings-store.ts for how they are read and cached.
 */

/** The tier keys are fixed (the API has always returned them); their names are the owner's. */
export const TierKeys = ["base", "silver", "gold"] as const;
export type TierKey = (typeof TierKeys)[number];

const points = (max = 1_000_000) => z.number().int().min(0).max(max);
const percent = z.number().min(0).max(100).multipleOf(0.01);

const TierSchema = z.object({
  key: z.enum(TierKeys),
  /** The owner's name for it ("VIP"); null = the bot's own word for the key, per language. */
  name: z.string().trim().min(1).max(40).nullable().default(null),
  /** Spend (minor units) over the basis needed to reach it; base must be 0. */
  minSpentMinor: z.number().int().min(0).max(1e13),
  /** Points per 100 units of money paid, e.g. 5 = 5 %. */
  earnPercent: percent,
});

const CategorySchema = z.object({
  name: z.string().trim().min(1).max(60),
  /** Multiplies the tier's percent for purchases of this category (0 = earns nothing). */
  multiplier: z.number().min(0).max(10).multipleOf(0.01),
});

/** A custom event's type (a key of eventBonuses): what surveys and the events API name. */
export const CustomEventTypeSchema = z
  .string()
  .regex(/^[a-z][a-z0-9_]{1,39}$/, "must be lower_snake_case, e.g. review_left");

export const LoyaltySettingsSchema = z
  .object({
    /** ISO 4217, shown on receipts. */
    currency: z
      .string()
      .regex(/^[A-Z]{3}$/)
      .default("RUB"),
    /** What one point is worth when spent, in minor units (100 = 1 ₽). */
    pointValueMinor: z.number().int().min(1).max(1_000_000).default(100),
    /** The largest check staff may record, in minor units: a typo guard. */
    maxPurchaseMinor: z.number().int().min(100).max(1e13).default(100_000_000),
    /** The share of a check that may be paid with points, in percent. */
    maxRedeemPercent: percent.default(30),
    welcomeBonus: points().default(100),
    referralBonus: points().default(50),
    birthday: z
      .object({
        /** 0 = no birthday bonus. */
        bonus: points().default(200),
        /** Credited from this many days before the birthday… */
        daysBefore: z.number().int().min(0).max(30).default(3),
        /** …to this many days after it, once a year. */
        daysAfter: z.number().int().min(0).max(30).default(3),
      })
      .default({ bonus: 200, daysBefore: 3, daysAfter: 3 }),
    /** Bonuses for custom events (POST /api/customers/:id/events), by event type. */
    eventBonuses: z.record(CustomEventTypeSchema, points()).default({ review_left: 50 }),
    /** Purchase categories staff may pick, by key; their multiplier applies to the earning. */
    categories: z
      .record(
        z
          .string()
          .regex(
            /^[a-z][a-z0-9_]{0,15}$/,
            "must be lower_snake_case, up to 16 characters, e.g. grooming",
          ),
        CategorySchema,
      )
      .default({}),
    /** Days before the points of a purchase can be spent (0 = at once). */
    pendingDays: z.number().int().min(0).max(90).default(0),
    expiry: z
      .discriminatedUnion("kind", [
        z.object({ kind: z.literal("never") }),
        /** Each credit expires this many days after it was earned, oldest spent first. */
        z.object({ kind: z.literal("after_days"), days: z.number().int().min(1).max(3650) }),
        /** Points earned in a calendar year expire when it ends. */
        z.object({ kind: z.literal("end_of_year") }),
      ])
      .default({ kind: "never" }),
    /** The warning before points expire goes this many days ahead (0 = no warning). */
    expiryWarningDays: z.number().int().min(0).max(60).default(14),
    tiers: z
      .object({
        /** What "spend" means for tiers: over the last N months, or ever. */
        basis: z
          .discriminatedUnion("kind", [
            z.object({ kind: z.literal("window"), months: z.number().int().min(1).max(60) }),
            z.object({ kind: z.literal("lifetime") }),
          ])
          .default({ kind: "window", months: 12 }),
        levels: z.array(TierSchema).length(TierKeys.length),
      })
      .default({
        basis: { kind: "window", months: 12 },
        levels: [
          { key: "base", name: null, minSpentMinor: 0, earnPercent: 5 },
          { key: "silver", name: null, minSpentMinor: 1_000_000, earnPercent: 7 },
          { key: "gold", name: null, minSpentMinor: 3_000_000, earnPercent: 10 },
        ],
      }),
    /** Progressive questions: pace and hours (core/questions/settings.ts). */
    questions: QuestionSettingsSchema,
    /** The rating after a purchase. */
    feedback: FeedbackSettingsSchema,
    /** Campaigns: the frequency cap (core/campaigns/settings.ts). */
    campaigns: CampaignSettingsSchema,
  })
  .superRefine((settings, ctx) => {
    const levels = settings.tiers.levels;
    levels.forEach((level, index) => {
      if (level.key !== TierKeys[index]) {
        ctx.addIssue({
          code: "custom",
          path: ["tiers", "levels", index, "key"],
          message: `must be "${TierKeys[index]}": the levels are ${TierKeys.join(", ")}, in this order`,
        });
      }
      const previous = levels[index - 1];
      if (index === 0 && level.minSpentMinor !== 0) {
        ctx.addIssue({
          code: "custom",
          path: ["tiers", "levels", 0, "minSpentMinor"],
          message: "must be 0: everyone starts at the base tier",
        });
      }
      if (previous && level.minSpentMinor <= previous.minSpentMinor) {
        ctx.addIssue({
          code: "custom",
          path: ["tiers", "levels", index, "minSpentMinor"],
          message: "must be higher than the tier below",
        });
      }
      // Two tiers shown under one name would read as one tier to customers and staff.
      const sameName = levels.findIndex(
        (other) => other.name && level.name?.toLowerCase() === other.name.toLowerCase(),
      );
      if (level.name && sameName !== index) {
        ctx.addIssue({
          code: "custom",
          path: ["tiers", "levels", index, "name"],
          message: `must differ from the name of the "${levels[sameName]?.key}" tier`,
        });
      }
    });
  })
  // The name the API document gives it (zod's own metadata; see api/openapi.ts).
  .meta({ id: "LoyaltySettings" });

export type LoyaltySettings = z.infer<typeof LoyaltySettingsSchema>;
/** What may be written: every field optional, defaults filled in. */
export type LoyaltySettingsInput = z.input<typeof LoyaltySettingsSchema>;

/** The defaults, with what the environment says (WELCOME_BONUS, REFERRAL_BONUS) on top. */
export function seedSettings(seed: { welcomeBonus: number; referralBonus: number }) {
  return LoyaltySettingsSchema.parse(seed);
}

/**
 * Settings as stored, read leniently: a stored document from an older version gets the fields
 * added since with their defaults. A document that no longer validates at all is reported.
 */
export function parseStoredSettings(stored: unknown): LoyaltySettings {
  return LoyaltySettingsSchema.parse(stored);
}

type SettingsShape = typeof LoyaltySettingsSchema.shape;
type WithoutDefault<Field> = Field extends z.ZodDefault<infer Inner> ? Inner : Field;

/**
 * A change to the settings (PUT /api/settings/loyalty): any of the top-level fields, each
 * validated as LoyaltySettingsSchema validates it. Derived from it, so a new setting is
 * changeable without touching this. Without the defaults: a field left out keeps its stored
 * value instead of being reset. Rules across fields (the tiers) are checked by the store on
 * the merged result; a field nobody knows is refused rather than silently ignored.
 */
export const LoyaltySettingsChangeSchema = z
  .strictObject(
    Object.fromEntries(
      Object.entries(LoyaltySettingsSchema.shape).map(([key, field]) => [
        key,
        (field instanceof z.ZodDefault ? field.removeDefault() : field).optional(),
      ]),
    ) as { [Key in keyof SettingsShape]: z.ZodOptional<WithoutDefault<SettingsShape[Key]>> },
  )
  .refine((change) => Object.keys(change).length > 0, "name at least one setting to change")
  .meta({ id: "LoyaltySettingsChange" });

export type LoyaltySettingsChange = z.infer<typeof LoyaltySettingsChangeSchema>;
