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
  gender: (g: "FEMALE" | "MALE" | "OTHER") => `gender:${g}`,
  historyPage: (page: number) => `history:${page}`,
  editField: (field: EditableField) => `edit:${field}`,
  language: (lang: "ru" | "en") => `language:${lang}`,
  marketingToggle: (on: boolean) => `settings:marketing:${on ? "on" : "off"}`,
  dataExport: "data:export",
  dataDelete: "data:delete",
  dataDeleteConfirm: "data:delete:confirm",
  dataDeleteCancel: "data:delete:cancel",
} as const;

export const editableFields = ["name", "phone", "birthday", "gender", "city", "email"] as const;
export type EditableField = (typeof editableFields)[number];

export const cbPatterns = {
  gender: /^gender:(FEMALE|MALE|OTHER)$/,
  historyPage: /^history:(\d{1,4})$/,
  editField: /^edit:(name|phone|birthday|gender|city|email)$/,
  language: /^language:(ru|en)$/,
  marketingToggle: /^settings:marketing:(on|off)$/,
} as const;
