import { hears } from "@grammyjs/i18n";
import { Composer, InlineKeyboard } from "grammy";
import type { Customer } from "../../../core/db/client.ts";
import { mayBeAsked } from "../../../core/questions/eligibility.ts";
import { currentAnswer, isStandardField } from "../../../core/questions/standard-fields.ts";
import type { Question } from "../../../core/questions/types.ts";
import { cb, cbPatterns } from "../../callback-data.ts";
import type { BotContext } from "../../context.ts";
import { EDIT_PROFILE } from "../../conversations/edit-profile.ts";
import { answerCallback, bestEffort } from "../../cosmetic.ts";
import { formatAnswer } from "../../views/answer.ts";
import { ownerText, type Translate } from "../../views/outbox-payload.ts";
import { withCard } from "./require-card.ts";

export const profileFeature = new Composer<BotContext>();
const chats = profileFeature.chatType("private");

/** Question buttons per page of the keyboard: a pack plus the owner's own fit in two pages. */
export const PROFILE_BUTTONS_PER_PAGE = 8;
/** A long answer (free text) is cut in the overview; the whole of it is in "My data". */
const VALUE_MAX = 120;
/** Telegram's limit is 4096 characters; the lines stop short of it. */
const TEXT_MAX = 3800;

function cut(text: string, max: number): string {
  const chars = [...text];
  return chars.length > max ? `${chars.slice(0, max - 1).join("")}…` : text;
}

/** A standard field by its fixed name ("Город"); the owner's question by its first line. */
function fieldLabel(question: Question, t: Translate, language: string, max: number): string {
  if (isStandardField(question.key)) return t(`profile-field-${question.key}`);
  const firstLine = ownerText(question.text, language).split("\n")[0]?.trim() ?? question.key;
  return cut(firstLine, max);
}

function line(label: string, value: string): string {
  // "Город: Казань", but "Какой у вас питомец? Собака" for a question written as a sentence.
  return /[?!:.…]$/.test(label) ? `${label} ${value}` : `${label}: ${value}`;
}

/** The bank's questions this customer may fill in from the profile, in the bank's order. */
function editableQuestions(customer: Customer, bank: Question[]): Question[] {
  return bank.filter(
    (q) => q.active && (currentAnswer(customer, q.key) !== undefined || mayBeAsked(customer, q)),
  );
}

async function profileText(ctx: BotContext, customer: Customer, bank: Question[]): Promise<string> {
  const language = await ctx.i18n.getLocale();
  const t: Translate = (key, vars) => ctx.t(key, vars);
  const none = ctx.t("not-set");
  const lines = [
    ctx.t("profile-title"),
    line(ctx.t("profile-field-name"), customer.name ?? none),
    line(ctx.t("profile-field-phone"), customer.phone ?? none),
  ];
  let length = lines.join("\n").length;
  for (const question of bank) {
    const value = currentAnswer(customer, question.key);
    // Unset fields are listed only for the standard ones the customer could set: a long list
    // of the owner's questions marked "not set" would bury what is there.
    if (value === undefined && !(isStandardField(question.key) && mayBeAsked(customer, question)))
      continue;
    const shown =
      value === undefined ? none : cut(formatAnswer(question, value, t, language), VALUE_MAX);
    const next = line(fieldLabel(question, t, language, 60), shown);
    if (length + next.length + 1 > TEXT_MAX) {
      lines.push("…");
      break;
    }
    lines.push(next);
    length += next.length + 1;
  }
  return `${lines.join("\n")}\n\n${ctx.t("profile-edit-hint")}`;
}

function editKeyboard(
  ctx: BotContext,
  language: string,
  questions: Question[],
  page: number,
): InlineKeyboard {
  const t: Translate = (key, vars) => ctx.t(key, vars);
  const pages = Math.max(1, Math.ceil(questions.length / PROFILE_BUTTONS_PER_PAGE));
  const current = Math.min(Math.max(page, 0), pages - 1);
  const keyboard = new InlineKeyboard()
    .text(ctx.t("profile-field-name"), cb.editField("name"))
    .text(ctx.t("profile-field-phone"), cb.editField("phone"))
    .row();
  const shown = questions.slice(
    current * PROFILE_BUTTONS_PER_PAGE,
    (current + 1) * PROFILE_BUTTONS_PER_PAGE,
  );
  shown.forEach((question, index) => {
    keyboard.text(fieldLabel(question, t, language, 30), cb.editField(question.key));
    if (index % 2 === 1) keyboard.row();
  });
  if (pages > 1) {
    keyboard.row();
    if (current > 0) keyboard.text(ctx.t("btn-prev"), cb.profilePage(current - 1));
    if (current < pages - 1) keyboard.text(ctx.t("btn-next"), cb.profilePage(current + 1));
  }
  return keyboard;
}

chats.filter(
  hears("menu-profile"),
  withCard(async (ctx) => {
    const bank = await ctx.deps.questions.all();
    const language = await ctx.i18n.getLocale();
    await ctx.reply(await profileText(ctx, ctx.customer, bank), {
      reply_markup: editKeyboard(ctx, language, editableQuestions(ctx.customer, bank), 0),
    });
  }),
);

chats.callbackQuery(
  cbPatterns.profilePage,
  withCard(async (ctx) => {
    await answerCallback(ctx);
    const bank = await ctx.deps.questions.all();
    const language = await ctx.i18n.getLocale();
    const keyboard = editKeyboard(
      ctx,
      language,
      editableQuestions(ctx.customer, bank),
      Number(ctx.match[1]),
    );
    await bestEffort(() => ctx.editMessageReplyMarkup({ reply_markup: keyboard }));
  }),
);

chats.callbackQuery(
  cbPatterns.editField,
  withCard(async (ctx) => {
    await answerCallback(ctx);
    await ctx.conversation.exitAll();
    await ctx.conversation.enter(EDIT_PROFILE, ctx.match[1] as string);
  }),
);
