import type { Customer } from "../db/client.ts";
import { currentAnswer, HEALTH_CONSENT_KEY } from "./standard-fields.ts";
import type { Question, QuestionCondition } from "./types.ts";

/**
 * Whether a question may be put to a customer at all, whoever asks (onboarding, the profile,
 * the progressive job): its condition holds, and a health question (a special category of
 * personal data) waits for the separate health consent.
 */
export function conditionMet(customer: Customer, condition: QuestionCondition | null): boolean {
  if (!condition) return true;
  const answer = currentAnswer(customer, condition.key);
  if (answer === undefined) return false;
  const given = Array.isArray(answer) ? answer : [answer];
  return given.some((value) => condition.values.includes(value));
}

export function mayBeAsked(
  customer: Customer,
  question: Pick<Question, "active" | "condition" | "category">,
): boolean {
  if (!question.active) return false;
  if (question.category === "health" && currentAnswer(customer, HEALTH_CONSENT_KEY) !== true)
    return false;
  return conditionMet(customer, question.condition);
}
