import type { CustomerPatch } from "../db/tables/customers.ts";

/**
 * The customer columns that say who someone is, as they are left when that person is gone: their
 * own request to delete their data, or a merge that retires their second record. One list, so
 * a column added to the profile is erased by both or by neither.
 */
export function erasedIdentity(at: Date) {
  return {
    status: "DELETED",
    deletedAt: at,
    telegramId: null,
    telegramUsername: null,
    telegramFirstName: null,
    telegramLastName: null,
    telegramLanguage: null,
    reachable: false,
    name: null,
    phone: null,
    phoneVerified: false,
    email: null,
    language: null,
    birthday: null,
    birthMonth: null,
    birthDay: null,
    gender: null,
    city: null,
    interests: [],
    familyStatus: null,
    children: null,
    tags: [],
    attributes: {},
    healthConsentAt: null,
    healthConsentVersion: null,
    healthConsentDeclinedAt: null,
    // Nothing is asked of someone who is gone, and nothing half-asked is kept.
    questionsEnabled: false,
    openQuestion: null,
    questionSkips: {},
    lastQuestionAskedAt: null,
    marketingConsent: false,
    referrerId: null,
  } as const satisfies CustomerPatch;
}
