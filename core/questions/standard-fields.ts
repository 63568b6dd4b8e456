import { Gender } from "../../prisma/generated/enums.ts";
import type { Customer } from "../db/client.ts";
import type { CustomerPatch } from "../db/tables/customers.ts";
import type { AnswerValue, QuestionType } from "./types.ts";

/**
 * The standard profile fields a question may fill, in one place: the type their question must
 * have, the Customer columns that hold the answer, and how to read it back. Every other key is
 * a custom attribute, kept typed in Customer.attributes.<key>.
 */
type StandardField = {
  type: QuestionType;
  /** Option values a choice question must offer exactly (the column's enum); null = the owner's. */
  fixedOptions: readonly string[] | null;
  read(customer: Customer): AnswerValue | undefined;
  patch(value: AnswerValue, at: Date, consentVersion: string): CustomerPatch;
};

const isoDay = (date: Date) => date.toISOString().slice(0, 10);

export const standardFields = {
  birthday: {
    type: "date",
    fixedOptions: null,
    read: (c) => (c.birthday ? isoDay(c.birthday) : undefined),
    patch: (value) => {
      const date = new Date(`${value as string}T00:00:00Z`);
      return {
        birthday: date,
        birthMonth: date.getUTCMonth() + 1,
        birthDay: date.getUTCDate(),
      };
    },
  },
  gender: {
    type: "single_choice",
    fixedOptions: Object.values(Gender),
    read: (c) => c.gender ?? undefined,
    patch: (value) => ({ gender: value as Gender }),
  },
  city: {
    type: "text",
    fixedOptions: null,
    read: (c) => c.city ?? undefined,
    patch: (value) => ({ city: value as string }),
  },
  email: {
    type: "email",
    fixedOptions: null,
    read: (c) => c.email ?? undefined,
    patch: (value) => ({ email: value as string }),
  },
  interests: {
    type: "multiple_choice",
    fixedOptions: null,
    // An empty list is "not asked yet": an answer always picks at least one.
    read: (c) => (c.interests.length > 0 ? c.interests : undefined),
    patch: (value) => ({ interests: value as string[] }),
  },
  family_status: {
    type: "single_choice",
    fixedOptions: null,
    read: (c) => c.familyStatus ?? undefined,
    patch: (value) => ({ familyStatus: value as string }),
  },
  children: {
    type: "number",
    fixedOptions: null,
    read: (c) => c.children ?? undefined,
    patch: (value) => ({ children: value as number }),
  },
  /** Consent to health-related questions (a special category of data), given or declined. */
  health_consent: {
    type: "yes_no",
    fixedOptions: null,
    read: (c) => (c.healthConsentAt ? true : c.healthConsentDeclinedAt ? false : undefined),
    patch: (value, at, consentVersion) =>
      value === true
        ? {
            healthConsentAt: at,
            healthConsentVersion: consentVersion,
            healthConsentDeclinedAt: null,
          }
        : { healthConsentDeclinedAt: at, healthConsentAt: null, healthConsentVersion: null },
  },
} satisfies Record<string, StandardField>;

export type StandardFieldKey = keyof typeof standardFields;
export const standardFieldKeys = Object.keys(standardFields) as StandardFieldKey[];

export function isStandardField(key: string): key is StandardFieldKey {
  return Object.hasOwn(standardFields, key);
}

/** The key of the consent that health questions (category "health") wait for. */
export const HEALTH_CONSENT_KEY: StandardFieldKey = "health_consent";

/** The customer's current answer to a key, standard or custom; undefined = not answered. */
export function currentAnswer(customer: Customer, key: string): AnswerValue | undefined {
  if (isStandardField(key)) return standardFields[key].read(customer);
  const attributes = customer.attributes as Record<string, unknown> | null;
  const value = attributes?.[key];
  return value === undefined || value === null ? undefined : (value as AnswerValue);
}
