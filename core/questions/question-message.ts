import type { OutboxButton, OutboxPayload } from "../outbox/message.ts";
import { type Question, scaleRanges } from "./types.ts";

/**
 * A question as a message: its text, a hint for its type and its buttons, as an outbox payload
 * (core/outbox/message.ts). One form for every way a question goes out — the outbox for
 * progressive questions, a direct reply inside a survey — rendered by the bot in the customer's
 * language (bot/views/outbox-payload.ts).
 *
 * Buttons carry `q:<token>:<action>[:<value>]`; the token is the open question's
 * (open-question.ts), so a button of an older question is recognised as stale.
 */
export const QuestionAction = {
  /** The answer: an option's index, a bit mask of indexes, 1/0, a score. */
  answer: "a",
  /** A multiple choice option picked or unpicked: the new bit mask. */
  toggle: "t",
  skip: "s",
  later: "l",
} as const;
export type QuestionAction = (typeof QuestionAction)[keyof typeof QuestionAction];

export const questionCallbackPattern = /^q:([A-Za-z0-9_-]{1,16}):([atsl])(?::([0-9a-z]{1,5}))?$/;

export function questionCallback(token: string, action: QuestionAction, value?: string): string {
  return `q:${token}:${action}${value === undefined ? "" : `:${value}`}`;
}

export type QuestionMessageOptions = {
  /** "Later" (progressive questions: asked again after a delay). */
  later: boolean;
  /** Options picked so far in a multiple choice, as a bit mask. */
  picked?: number;
  /** "Question 2 of 5" within a survey. */
  progress?: { position: number; total: number };
};

function scaleRows(token: string, min: number, max: number): OutboxButton[][] {
  const scores = Array.from({ length: max - min + 1 }, (_, i) => min + i);
  const button = (score: number): OutboxButton => ({
    label: { ru: String(score) },
    data: questionCallback(token, QuestionAction.answer, String(score)),
  });
  // Eleven NPS buttons do not fit one row on a phone.
  return scores.length > 6
    ? [scores.slice(0, 6).map(button), scores.slice(6).map(button)]
    : [scores.map(button)];
}

function answerRows(question: Question, token: string, picked: number): OutboxButton[][] {
  switch (question.type) {
    case "single_choice":
      return question.options.map((option, index) => [
        {
          label: option.label,
          data: questionCallback(token, QuestionAction.answer, String(index)),
        },
      ]);
    case "multiple_choice":
      return [
        ...question.options.map((option, index): OutboxButton[] => [
          {
            label: option.label,
            checked: ((picked >> index) & 1) === 1,
            data: questionCallback(
              token,
              QuestionAction.toggle,
              (picked ^ (1 << index)).toString(36),
            ),
          },
        ]),
        [
          {
            template: "btn-question-done",
            data: questionCallback(token, QuestionAction.answer, picked.toString(36)),
          },
        ],
      ];
    case "yes_no":
      return [
        [
          {
            template: "btn-question-yes",
            data: questionCallback(token, QuestionAction.answer, "1"),
          },
          {
            template: "btn-question-no",
            data: questionCallback(token, QuestionAction.answer, "0"),
          },
        ],
      ];
    case "rating":
    case "nps": {
      const range = scaleRanges[question.type] as { min: number; max: number };
      return scaleRows(token, range.min, range.max);
    }
    default:
      return [];
  }
}

export function questionPayload(
  question: Question,
  token: string,
  options: QuestionMessageOptions,
): OutboxPayload {
  const escapes: OutboxButton[] = [];
  if (!question.required)
    escapes.push({
      template: "btn-question-skip",
      data: questionCallback(token, QuestionAction.skip),
    });
  if (options.later)
    escapes.push({
      template: "btn-question-later",
      data: questionCallback(token, QuestionAction.later),
    });
  const rows = answerRows(question, token, options.picked ?? 0);
  if (escapes.length > 0) rows.push(escapes);
  const vars: Record<string, string | number> = {
    min: question.min ?? "",
    max: question.max ?? "",
    // "2/5. " in every language.
    progress: options.progress ? `${options.progress.position}/${options.progress.total}. ` : "",
  };
  return {
    template: `question-${question.type}`,
    vars,
    localized: { question: question.text },
    ...(rows.length > 0 ? { buttons: rows } : {}),
  };
}
