import { z } from "zod";
import { BUTTON_TEXT_MAX, BUTTONS_MAX, TEXT_MAX } from "../campaigns/campaign-input.ts";
import { CampaignActions, type MessageSpec } from "../campaigns/message.ts";
import type { AutomationKind } from "../db/client.ts";
import { EventType } from "../events.ts";
import type { OwnerText } from "../outbox/message.ts";

/**
 * The automations, in one place: their kinds, each kind's settings (timing and options) and
 * the placeholders its words may use besides the built-in ones and the bank's keys, the
 * built-ins seeded at start-up, and the outbox keys that make each fire once per customer per
 * occasion.
 */

export const AutomationKinds = [
  "BIRTHDAY",
  "EXPIRY_WARNING",
  "WINBACK",
  "DATE_REMINDER",
  "DRIP",
] as const satisfies readonly AutomationKind[];

/** The kinds the owner creates (any number); the others are the built-ins, one each. */
export const CreatableKinds = [
  "DATE_REMINDER",
  "DRIP",
] as const satisfies readonly AutomationKind[];
export type CreatableKind = (typeof CreatableKinds)[number];

/** The events that start a drip chain. */
export const DripTriggers = [
  EventType.cardIssued,
  EventType.purchaseRecorded,
  EventType.surveyFinished,
] as const;
export type DripTrigger = (typeof DripTriggers)[number];

/** What counts as the customer acting, which stops a chain started before it. */
export const DripStopEvents = [
  EventType.purchaseRecorded,
  EventType.questionAnswered,
  EventType.feedbackGiven,
] as const;

/** An automation's key: lower_snake_case, also its part of the outbox keys. */
export const AUTOMATION_KEY = /^[a-z][a-z0-9_]{1,39}$/;

/** Wall-clock hours [from, to) in the customer's own zone when a message may be queued. */
const HoursSchema = z
  .strictObject({
    from: z.number().int().min(0).max(23),
    to: z.number().int().min(1).max(24),
  })
  .refine((hours) => hours.from < hours.to, { message: "from must be before to" });
const defaultHours = { from: 10, to: 20 };

/** As campaigns take it: one text for every language, or one per language (Russian required). */
const LocalText = (max: number) =>
  z.union([
    z.string().trim().min(1).max(max),
    z.strictObject({
      ru: z.string().trim().min(1).max(max),
      en: z.string().trim().min(1).max(max).optional(),
    }),
  ]);
const OwnerTextSchema = LocalText(TEXT_MAX);

const ButtonSchema = z.union([
  z.strictObject({
    text: LocalText(BUTTON_TEXT_MAX),
    url: z.url({ protocol: /^https?$/, message: "must be an http(s) URL" }).max(2048),
  }),
  z.strictObject({ text: LocalText(BUTTON_TEXT_MAX), action: z.enum(CampaignActions) }),
]);
const ButtonsSchema = z.array(ButtonSchema).max(BUTTONS_MAX);

/** A text as given (a string = every language) in the stored form. */
export const ownerTextOf = (text: string | OwnerText): OwnerText =>
  typeof text === "string" ? { ru: text } : text;

export function buttonsOf(buttons: z.output<typeof ButtonsSchema>): MessageSpec["buttons"] {
  return buttons.map((button) =>
    "url" in button
      ? { text: ownerTextOf(button.text), url: button.url }
      : { text: ownerTextOf(button.text), action: button.action },
  );
}

export const StepSchema = z.strictObject({
  /** Hours after the previous step (the first: after the event that started the chain). */
  delayHours: z
    .number()
    .min(0)
    .max(24 * 365),
  text: OwnerTextSchema,
  buttons: ButtonsSchema.default([]),
});
/** A step as stored: the texts normalised. */
export type DripStep = { delayHours: number; text: OwnerText; buttons: MessageSpec["buttons"] };
export const StepsSchema = z.array(StepSchema).min(1).max(20);

/** Each kind's settings. The built-ins' own timing stays in the loyalty settings (one place). */
export const SettingsSchemas = {
  BIRTHDAY: z.strictObject({}),
  EXPIRY_WARNING: z.strictObject({}),
  WINBACK: z.strictObject({
    /** Overdue when the days since the last purchase exceed the customer's interval × this. */
    factor: z.number().min(1).max(10).default(1.5),
    /** The interval for customers with fewer than three purchases (no rhythm of their own). */
    defaultIntervalDays: z.number().int().min(1).max(730).default(45),
    /** Points credited with the message (0 = none), and for how many days the offer runs. */
    bonusPoints: z.number().int().min(0).max(1_000_000).default(0),
    bonusValidDays: z.number().int().min(1).max(365).default(14),
    hours: HoursSchema.default(defaultHours),
  }),
  DATE_REMINDER: z.strictObject({
    /** A date attribute (Customer.attributes.<key>, "YYYY-MM-DD"), e.g. next_service_date. */
    attribute: z.string().regex(AUTOMATION_KEY, "must be a question key (lower_snake_case)"),
    daysBefore: z.number().int().min(0).max(365),
    hours: HoursSchema.default(defaultHours),
  }),
  DRIP: z.strictObject({
    trigger: z.enum(DripTriggers),
    stopOn: z.array(z.enum(DripStopEvents)).default([...DripStopEvents]),
    hours: HoursSchema.default(defaultHours),
  }),
} as const satisfies Record<AutomationKind, z.ZodType>;

export type WinbackSettings = z.output<(typeof SettingsSchemas)["WINBACK"]>;
export type DateReminderSettings = z.output<(typeof SettingsSchemas)["DATE_REMINDER"]>;
export type DripSettings = z.output<(typeof SettingsSchemas)["DRIP"]>;

/** The owner's words of a one-message automation; null text = the bot's own template. */
export const TextSchema = OwnerTextSchema;
export { ButtonsSchema };
export type AutomationMessage = {
  text: OwnerText | null;
  buttons: MessageSpec["buttons"];
  /** Drips only. */
  steps?: DripStep[];
};

/** Placeholders each kind fills besides the built-in ones (core/campaigns/message.ts). */
export const KindPlaceholders: Record<AutomationKind, readonly string[]> = {
  BIRTHDAY: ["bonus"],
  EXPIRY_WARNING: ["expiring_points", "expiry_date"],
  WINBACK: ["bonus", "bonus_until", "days_since"],
  DATE_REMINDER: ["date", "days_left"],
  DRIP: [],
};

type Builtin = { kind: AutomationKind; name: string; enabled: boolean };

/**
 * Seeded at start-up when missing. Win-back starts off: switched on, it would at once write to
 * everyone who ever lapsed, which the owner should decide with its words in front of them.
 */
export const BuiltinAutomations = {
  birthday: { kind: "BIRTHDAY", name: "Birthday bonus and greeting", enabled: true },
  expiry_warning: { kind: "EXPIRY_WARNING", name: "Points about to expire", enabled: true },
  winback: { kind: "WINBACK", name: "Win-back", enabled: false },
} as const satisfies Record<string, Builtin>;
export type BuiltinKey = keyof typeof BuiltinAutomations;

export const isBuiltin = (key: string): key is BuiltinKey => Object.hasOwn(BuiltinAutomations, key);

/**
 * The outbox key of an automation's message. The two built in by the loyalty programme keep
 * the keys they had (`birthday:<customer>:<year>`, `expiry-warning:<customer>:<day>`), so an
 * occasion fired before they became automations is not fired again.
 */
export function dedupePrefix(key: string): string {
  if (key === "birthday") return "birthday:";
  if (key === "expiry_warning") return "expiry-warning:";
  return `automation:${key}:`;
}

export const dedupeKeyOf = (key: string, customerId: string, occasion: string) =>
  `${dedupePrefix(key)}${customerId}:${occasion}`;

/** A message of the owner as the dispatcher renders it (core/campaigns/message.ts). */
export function messageSpec(text: OwnerText, buttons: MessageSpec["buttons"]): MessageSpec {
  return { text, buttons, photoUrl: null, parseMode: null };
}
