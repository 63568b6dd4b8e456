import type { Customer } from "../db/client.ts";
import type { Sql } from "../db/sql.ts";
import { insertAnswer } from "../db/tables/answers.ts";
import { AppError } from "../errors.ts";
import { EventType } from "../events.ts";
import { timeZoneOfCity } from "../profile/time-zone.ts";
import { emitProfileUpdated } from "../webhooks/emit.ts";
import type { OpenQuestion } from "./open-question.ts";
import { isStandardField, standardFields } from "./standard-fields.ts";
import type { AnswerValue, Question } from "./types.ts";

/** Where an answer was given; kept with it and on the timeline. */
export const AnswerSource = {
  onboarding: "onboarding",
  progressive: "progressive",
  survey: "survey",
  profile: "profile",
  staff: "staff",
} as const;
export type AnswerSource = (typeof AnswerSource)[keyof typeof AnswerSource];

export type SaveAnswerOptions = {
  customerId: string;
  question: Pick<Question, "id" | "key">;
  /** Already validated against the question (answer-value.ts). */
  value: AnswerValue;
  source: AnswerSource;
  surveyId?: string | null;
  purchaseId?: string | null;
  /** The question to leave open after this one (the next of a survey), or null for none;
   *  left out = the open question is not touched. */
  openQuestion?: OpenQuestion | null;
  /** The version of the consent text, for the health consent question. */
  consentVersion: string;
  now?: Date;
};

/**
 * Saves one answer: appended to the answer log (a changed answer keeps its history), put on the
 * profile at once (a standard column or attributes.<key>, typed) and onto the timeline, in one
 * statement that composes into a caller's transaction. Returns the customer as saved.
 */
export async function saveAnswer(sql: Sql, options: SaveAnswerOptions): Promise<Customer> {
  const now = options.now ?? new Date();
  const { key } = options.question;
  const standard = isStandardField(key)
    ? standardFields[key].patch(options.value, now, options.consentVersion)
    : {};
  const patch = {
    ...standard,
    ...(options.openQuestion === undefined ? {} : { openQuestion: options.openQuestion }),
  };
  const zone =
    key === "city" && typeof options.value === "string" ? timeZoneOfCity(options.value) : null;
  const customer = await insertAnswer(
    sql,
    {
      customerId: options.customerId,
      questionId: options.question.id,
      value: options.value,
      source: options.source,
      surveyId: options.surveyId ?? null,
      purchaseId: options.purchaseId ?? null,
    },
    {
      patch,
      attribute: isStandardField(key) ? null : { key, value: options.value },
      // A known city gives the customer's clock, in the same statement.
      ...(zone ? { whereNull: { timeZone: zone } } : {}),
      at: now,
      event: {
        type: EventType.questionAnswered,
        data: {
          key,
          source: options.source,
          ...(options.surveyId ? { surveyId: options.surveyId } : {}),
        },
      },
    },
  );
  if (!customer) throw new AppError("not_found", `Customer ${options.customerId} not found`);
  await emitProfileUpdated(sql, {
    customerId: customer.id,
    fields: [key],
    source: options.source,
    now,
  });
  return customer;
}
