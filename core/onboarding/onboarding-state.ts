import type { Customer } from "../db/client.ts";
import { currentAnswer, standardFieldKeys } from "../questions/standard-fields.ts";

/**
 * What onboarding still needs from a person. Plain JSON on purpose: conversations persist the
 * results of their side effects, so a restart replays this exact snapshot.
 */
export type OnboardingState = {
  customerId: string;
  status: "ONBOARDING" | "ACTIVE" | "DECLINED" | "DELETED";
  consentGiven: boolean;
  marketingAnswered: boolean;
  name: string | null;
  phone: string | null;
  /** Keys of the question bank (standard fields and custom attributes) already answered. */
  answered: string[];
};

/** Every key the customer has an answer for, standard or custom. */
export function answeredKeys(c: Customer): string[] {
  const custom = Object.keys((c.attributes as Record<string, unknown> | null) ?? {});
  return [...standardFieldKeys, ...custom].filter((key) => currentAnswer(c, key) !== undefined);
}

export function onboardingState(c: Customer): OnboardingState {
  return {
    customerId: c.id,
    status: c.status,
    consentGiven: c.dataConsentAt !== null,
    marketingAnswered: c.marketingConsentAt !== null,
    name: c.name,
    phone: c.phone,
    answered: answeredKeys(c),
  };
}
