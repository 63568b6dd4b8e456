import type { Customer } from "../db/client.ts";

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
  answered: { birthday: boolean; gender: boolean; city: boolean; email: boolean };
};

export function onboardingState(c: Customer): OnboardingState {
  return {
    customerId: c.id,
    status: c.status,
    consentGiven: c.dataConsentAt !== null,
    marketingAnswered: c.marketingConsentAt !== null,
    name: c.name,
    phone: c.phone,
    answered: {
      birthday: c.birthday !== null,
      gender: c.gender !== null,
      city: c.city !== null,
      email: c.email !== null,
    },
  };
}
