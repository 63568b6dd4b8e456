import type { Sql } from "../db/sql.ts";
import {
  selectCompletenessSummary,
  selectCustomerScore,
  type WeightedQuestion,
} from "../db/tables/profile-completeness.ts";
import { AppError } from "../errors.ts";
import type { Question } from "./types.ts";

/**
 * How complete profiles are.
 *
 * A customer's score is the share of the active bank questions that apply to them and are
 * answered, each weighted by its priority (at least 1, so a priority-0 question still counts):
 * sum(weight of answered applicable) / sum(weight of applicable). A question applies when
 * it may be put to the customer at all (eligibility.ts `mayBeAsked`): its condition holds
 * (a pet's name only for pet owners), and a health question (category "health") only once the
 * health consent was given. Answered = the profile holds a value (`currentAnswer` is defined).
 * A customer to whom no question applies has no score (null).
 *
 * Per field: the share of ACTIVE customers (onboarded, not declined or deleted) who answered
 * it, whatever its condition. Both are counted in the database (profile-completeness.ts).
 */

const weighted = (questions: readonly Question[]): WeightedQuestion[] =>
  questions
    .filter((q) => q.active)
    .map((q) => ({
      key: q.key,
      condition: q.condition,
      category: q.category,
      weight: Math.max(q.priority, 1),
    }));

const round = (value: number) => Math.round(value * 1000) / 1000;

export type CustomerCompleteness = {
  /** 0…1, rounded to 3 decimals; null when no question applies. */
  score: number | null;
  answered: number;
  applicable: number;
};

export async function customerCompleteness(
  sql: Sql,
  customerId: string,
  bank: readonly Question[],
): Promise<CustomerCompleteness> {
  const row = await selectCustomerScore(sql, customerId, weighted(bank));
  if (!row) throw new AppError("not_found", `Customer ${customerId} not found`);
  return {
    score: row.applicableWeight > 0 ? round(row.answeredWeight / row.applicableWeight) : null,
    answered: row.answered,
    applicable: row.applicable,
  };
}

export type ProfileCompleteness = {
  /** ACTIVE customers. */
  customers: number;
  /** The average customer score; null when there is no customer or no question. */
  average: number | null;
  /** Each active question of the bank, in the bank's order. */
  fields: Array<{ key: string; answered: number; share: number }>;
};

/** GET /api/analytics/profile-completeness. */
export async function profileCompleteness(
  sql: Sql,
  bank: readonly Question[],
): Promise<ProfileCompleteness> {
  const questions = weighted(bank);
  const summary = await selectCompletenessSummary(sql, questions);
  return {
    customers: summary.customers,
    average: summary.average === null ? null : round(summary.average),
    fields: questions.map(({ key }) => {
      const answered = summary.answered[key] ?? 0;
      return {
        key,
        answered,
        share: summary.customers > 0 ? round(answered / summary.customers) : 0,
      };
    }),
  };
}
