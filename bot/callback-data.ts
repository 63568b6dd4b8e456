/**
 * Callback data of inline buttons, in one place. Short fixed strings: Telegram limits callback
 * data to 64 bytes, and a button pressed on an old message must still parse.
 */
export const cb = {
  consentYes: "consent:yes",
  consentNo: "consent:no",
  marketingYes: "marketing:yes",
  marketingNo: "marketing:no",
  nameKeep: "name:keep",
  skip: "step:skip",
  cancel: "step:cancel",
  historyPage: (page: number) => `history:${page}`,
  /** "name", "phone" or a key of the question bank (at most 32 characters). */
  editField: (field: string) => `edit:${field}`,
  profilePage: (page: number) => `profile:${page}`,
  language: (lang: "ru" | "en") => `language:${lang}`,
  marketingToggle: (on: boolean) => `settings:marketing:${on ? "on" : "off"}`,
  questionsToggle: (on: boolean) => `settings:questions:${on ? "on" : "off"}`,
  dataExport: "data:export",
  dataDelete: "data:delete",
  dataDeleteConfirm: "data:delete:confirm",
  dataDeleteCancel: "data:delete:cancel",
  /** Start or resume a survey from "Questions for you" (a slug fits the 64 bytes). */
  survey: (slug: string) => `survey:${slug}`,
  /** A campaign message's callback button: the delivery (outbox row id) and the button's index. */
  campaignButton: (deliveryId: bigint | string, index: number) => `cmp:${deliveryId}:${index}`,
  /** "Unsubscribe" under a marketing message (the delivery it was under; 0 = none). */
  unsubscribe: (deliveryId: bigint | string) => `unsub:${deliveryId}`,
  /** Subscribe again, one tap after unsubscribing. */
  resubscribe: "resub",
} as const;

export const cbPatterns = {
  historyPage: /^history:(\d{1,4})$/,
  // The same shape as a question key (core/questions/types.ts QUESTION_KEY_PATTERN).
  editField: /^edit:([a-z][a-z0-9_]{0,31})$/,
  profilePage: /^profile:(\d{1,3})$/,
  language: /^language:(ru|en)$/,
  marketingToggle: /^settings:marketing:(on|off)$/,
  questionsToggle: /^settings:questions:(on|off)$/,
  survey: /^survey:([A-Za-z0-9_-]{1,57})$/,
  campaignButton: /^cmp:(\d{1,19}):(\d{1,2})$/,
  unsubscribe: /^unsub:(\d{1,19})$/,
} as const;
