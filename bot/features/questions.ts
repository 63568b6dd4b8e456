import { hears } from "@grammyjs/i18n";
import { Composer } from "grammy";
import type { Customer } from "../../core/db/client.ts";
import {
  answerOpenQuestion,
  type OpenQuestionOutcome,
  skipOpenQuestion,
} from "../../core/questions/answer-open-question.ts";
import {
  type AnswerRefusal,
  parseButtonAnswer,
  parseTypedAnswer,
} from "../../core/questions/answer-value.ts";
import { type OpenQuestion, readOpenQuestion } from "../../core/questions/open-question.ts";
import {
  QuestionAction,
  questionCallbackPattern,
  questionPayload,
} from "../../core/questions/question-message.ts";
import { buttonTypes, type Question } from "../../core/questions/types.ts";
import {
  type AskedQuestion,
  listAvailableSurveys,
  type NextStep,
  startSurvey,
} from "../../core/surveys/run-survey.ts";
import { cb, cbPatterns } from "../callback-data.ts";
import type { BotContext } from "../context.ts";
import { answerCallback, bestEffort, removeButtons } from "../cosmetic.ts";
import { staffActor } from "../staff.ts";
import { ownerText, renderPayload } from "../views/outbox-payload.ts";
import { withCard } from "./menu/require-card.ts";

/**
 * Answering the customer's open question (Customer.openQuestion of kind "question": a
 * progressive question from the outbox, or the current question of a survey) with its buttons
 * or by typing, "Skip" and "Later", and surveys: `/start survey_<slug>` (start.ts) and the
 * "Questions for you" menu.
 *
 * Installed after every other customer feature and right before the staff lookup: menu
 * buttons and commands reach their own features first and are never taken for answers, so
 * only text nobody else wanted arrives here. Active staff typing text are looking customers
 * up: they answer their own questions with the buttons only (a typed answer goes to the
 * lookup).
 */
export const questionsFeature = new Composer<BotContext>();
const chats = questionsFeature.chatType("private");

type BankOpenQuestion = Extract<OpenQuestion, { kind: "question" }>;

function openBankQuestion(customer: Customer | null): BankOpenQuestion | null {
  const open = readOpenQuestion(customer?.openQuestion);
  return open?.kind === "question" ? open : null;
}

/**
 * The bank's question as it was asked; null when it is no longer there in that version (the
 * core then tells removed from changed). A copy older than the open question is read again.
 */
async function questionAsAsked(ctx: BotContext, open: BankOpenQuestion): Promise<Question | null> {
  const bank = ctx.deps.questions;
  let question = await bank.byId(open.questionId);
  if (!question || question.version !== open.version) {
    bank.invalidate();
    question = await bank.byId(open.questionId);
  }
  return question?.active && question.version === open.version ? question : null;
}

async function language(ctx: BotContext): Promise<string> {
  return ctx.i18n.getLocale();
}

async function sendQuestion(ctx: BotContext, asked: AskedQuestion): Promise<void> {
  const payload = questionPayload(asked.question, asked.openQuestion.token, {
    later: asked.openQuestion.surveyId === null,
    ...(asked.progress ? { progress: asked.progress } : {}),
  });
  const { text, reply_markup } = renderPayload(payload, ctx.t, await language(ctx));
  await ctx.reply(text, reply_markup ? { reply_markup } : {});
}

async function sendNext(ctx: BotContext, next: NextStep): Promise<void> {
  if (next.kind === "ask") await sendQuestion(ctx, next.asked);
  if (next.kind === "finished") {
    const title = ownerText(next.survey.title, await language(ctx));
    await ctx.reply(
      next.points > 0
        ? ctx.t("survey-finished-points", { title, count: next.points })
        : ctx.t("survey-finished", { title }),
    );
  }
}

const acknowledgement: Record<Exclude<OpenQuestionOutcome["kind"], "stale">, string> = {
  answered: "question-thanks",
  skipped: "question-skipped",
  gone: "question-gone",
  changed: "question-changed",
};

async function report(
  ctx: BotContext,
  outcome: OpenQuestionOutcome,
  skipped?: "skip" | "later",
): Promise<void> {
  if (outcome.kind === "stale") {
    await answerCallback(ctx, ctx.t("question-stale"));
    return;
  }
  ctx.customer = outcome.customer;
  await answerCallback(ctx);
  await removeButtons(ctx);
  // The survey's own thank-you says it all at the end.
  if (!(outcome.kind === "answered" && outcome.next.kind === "finished")) {
    const key = skipped === "later" ? "question-later" : acknowledgement[outcome.kind];
    await ctx.reply(ctx.t(key));
  }
  await sendNext(ctx, outcome.next);
}

async function submit(
  ctx: BotContext & { customer: Customer },
  open: BankOpenQuestion,
  answer: Parameters<typeof answerOpenQuestion>[1]["answer"],
): Promise<void> {
  const outcome = await answerOpenQuestion(ctx.deps.sql, {
    customer: ctx.customer,
    token: open.token,
    answer,
    consentVersion: ctx.deps.config.onboarding.consentVersion,
    settings: await ctx.deps.loyalty.get(),
  });
  await report(ctx, outcome);
}

async function hint(ctx: BotContext, refusal: AnswerRefusal): Promise<void> {
  await ctx.reply(ctx.t(`invalid-${refusal.reason}`, refusal.vars));
}

// Registered before the answers: a menu press is never taken for an answer.
chats.filter(
  hears("menu-questions"),
  withCard(async (ctx) => {
    const surveys = await listAvailableSurveys(ctx.deps.sql, ctx.customer.id);
    if (surveys.length > 0) {
      const lang = await language(ctx);
      await ctx.reply(ctx.t("survey-list"), {
        reply_markup: {
          inline_keyboard: surveys.map((survey) => [
            { text: `📝 ${ownerText(survey.title, lang)}`, callback_data: cb.survey(survey.slug) },
          ]),
        },
      });
      return;
    }
    // No survey: the question open for them, if any, is asked again.
    const open = openBankQuestion(ctx.customer);
    const question = open && (await questionAsAsked(ctx, open));
    if (open && question) {
      await sendQuestion(ctx, { question, openQuestion: open, progress: null });
      return;
    }
    await ctx.reply(ctx.t("survey-none"));
  }),
);

chats.callbackQuery(
  cbPatterns.survey,
  withCard(async (ctx) => {
    await answerCallback(ctx);
    await removeButtons(ctx);
    await beginSurvey(ctx, ctx.match[1] ?? "");
  }),
);

chats.callbackQuery(questionCallbackPattern, async (ctx, next) => {
  const [, token = "", action, raw = ""] = ctx.match;
  const customer = ctx.customer;
  const stored = readOpenQuestion(customer?.openQuestion);
  // A rating after a purchase and its comment are another feature's questions.
  if (stored && stored.kind !== "question" && stored.token === token) return next();
  const open = openBankQuestion(customer);
  if (customer?.status !== "ACTIVE" || !open || open.token !== token) {
    await answerCallback(ctx, ctx.t("question-stale"));
    return;
  }
  const active = ctx as typeof ctx & { customer: Customer };

  if (action === QuestionAction.skip || action === QuestionAction.later) {
    const settings = await ctx.deps.loyalty.get();
    const question = await ctx.deps.questions.byId(open.questionId);
    const kind = action === QuestionAction.skip ? "skip" : "later";
    const outcome = await skipOpenQuestion(ctx.deps.sql, {
      customer,
      token,
      action: kind,
      required: question?.required ?? false,
      laterDays: settings.questions.laterDays,
      settings,
    });
    await report(active, outcome, kind);
    return;
  }

  const question = await questionAsAsked(ctx, open);
  if (!question) return submit(active, open, null);

  if (action === QuestionAction.toggle) {
    await answerCallback(ctx);
    const picked = Number.parseInt(raw, 36);
    if (question.type !== "multiple_choice" || !Number.isInteger(picked)) return;
    const payload = questionPayload(question, token, { later: open.surveyId === null, picked });
    const { reply_markup } = renderPayload(payload, ctx.t, await language(ctx));
    await bestEffort(() => ctx.editMessageReplyMarkup(reply_markup ? { reply_markup } : {}));
    return;
  }

  const parsed = parseButtonAnswer(question, raw);
  if (!parsed.ok) {
    await answerCallback(ctx);
    await hint(ctx, parsed);
    return;
  }
  await submit(active, open, { question, value: parsed.value });
});

// What the customer sends while a question is open: text is the answer; a phone question also
// takes a shared contact; anything else gets a hint and the question stays open.
chats.on("message", async (ctx, next) => {
  const customer = ctx.customer;
  const open = openBankQuestion(customer);
  if (customer?.status !== "ACTIVE" || !open) return next();
  if (staffActor(ctx)) return next();
  const message = ctx.message;
  if (message.text?.startsWith("/")) return next();
  const active = ctx as typeof ctx & { customer: Customer };

  const question = await questionAsAsked(ctx, open);
  if (!question) return submit(active, open, null);
  const ownContact =
    message.contact && message.contact.user_id === ctx.from.id
      ? message.contact.phone_number
      : undefined;
  const typed = message.text ?? (question.type === "phone" ? ownContact : undefined);
  if (typed === undefined) {
    await hint(ctx, {
      reason: buttonTypes.has(question.type) ? "press_button" : "text_expected",
    });
    return;
  }
  const parsed = parseTypedAnswer(question, typed, {
    now: new Date(),
    phoneDefaultRegion: ctx.deps.config.onboarding.phoneDefaultRegion,
  });
  if (!parsed.ok) return hint(ctx, parsed);
  await submit(active, open, { question, value: parsed.value });
});

/** Starts or resumes the survey `slug` for an active customer and asks its next question. */
export async function beginSurvey(ctx: BotContext, slug: string): Promise<void> {
  const customer = ctx.customer;
  if (customer?.status !== "ACTIVE") return;
  const result = await startSurvey(ctx.deps.sql, {
    customer,
    slug,
    settings: await ctx.deps.loyalty.get(),
  });
  if (result.kind === "unknown") {
    await ctx.reply(ctx.t("survey-unknown"));
    return;
  }
  const title = ownerText(result.survey.title, await language(ctx));
  if (result.kind === "finished_before") {
    await ctx.reply(ctx.t("survey-finished-before", { title }));
    return;
  }
  ctx.customer = result.customer;
  if (result.kind === "finished") {
    await sendNext(ctx, { kind: "finished", survey: result.survey, points: result.points });
    return;
  }
  const progress = result.asked.progress;
  await ctx.reply(
    progress && progress.position > 1
      ? ctx.t("survey-resume", { title })
      : ctx.t("survey-start", { title, total: progress?.total ?? 1 }),
  );
  await sendQuestion(ctx, result.asked);
}
