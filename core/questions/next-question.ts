import type { Customer } from "../db/client.ts";
import { conditionMet } from "./eligibility.ts";
import { mayAsk, readSkips } from "./skips.ts";
import { currentAnswer, HEALTH_CONSENT_KEY } from "./standard-fields.ts";
import type { Question } from "./types.ts";

/** The bank's order of value: higher priority first, then by key (stable across runs). */
export function byValue(a: Question, b: Question): number {
  return b.priority - a.priority || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0);
}

/**
 * The most valuable question to ask this customer next, unprompted, or null when there is none:
 * an active progressive question not answered yet, whose condition holds, that the customer
 * did not skip for good or put off past `now`. Health questions (a special category of
 * personal data) wait for the separate consent: while it is unanswered, the consent question is
 * asked in their place — and only then, so nobody is asked to consent to something that would
 * never follow. After a refusal no health question is asked.
 */
export function nextQuestion(
  customer: Customer,
  bank: readonly Question[],
  now: Date,
): Question | null {
  const skips = readSkips(customer.questionSkips);
  const askable = (question: Question) =>
    question.active &&
    currentAnswer(customer, question.key) === undefined &&
    mayAsk(skips, question.key, now) &&
    conditionMet(customer, question.condition);
  const candidates = bank
    .filter((q) => q.progressive && q.key !== HEALTH_CONSENT_KEY && askable(q))
    .sort(byValue);
  for (const question of candidates) {
    if (question.category !== "health") return question;
    const consent = currentAnswer(customer, HEALTH_CONSENT_KEY);
    if (consent === true) return question;
    if (consent === undefined) {
      const consentQuestion = bank.find((q) => q.key === HEALTH_CONSENT_KEY);
      if (consentQuestion && askable(consentQuestion)) return consentQuestion;
    }
  }
  return null;
}
