import { Composer } from "grammy";
import { parseStartPayload } from "../../core/customers/deep-link.ts";
import { registerBotStart } from "../../core/customers/register-bot-start.ts";
import { cardSummary } from "../../core/loyalty/card-summary.ts";
import type { BotContext } from "../context.ts";
import { ONBOARDING } from "../conversations/onboarding.ts";
import { mainMenuKeyboard } from "../keyboards/main-menu.ts";
import { isActiveStaff } from "../staff.ts";
import { telegramIdentity } from "../telegram-identity.ts";
import { showCard } from "./menu/card.ts";
import { beginSurvey } from "./questions.ts";

/**
 * Installed before the conversations: /start always wins over a question in progress. The
 * conversation is dropped here and re-entered by the start feature, and because onboarding
 * resumes from what is saved, the customer continues at the first unanswered question.
 */
export const leaveConversationsOnStart = new Composer<BotContext>();
leaveConversationsOnStart.chatType("private").command("start", async (ctx, next) => {
  await ctx.conversation.exitAll();
  await next();
});

export const startFeature = new Composer<BotContext>();

startFeature.chatType("private").command("start", (ctx) => startAsCustomer(ctx, ctx.match));

/**
 * /start as a customer: a returning customer is greeted with the menu, anyone else is onboarded
 * (resuming where they stopped). Staff reach it from the staff menu to get their own card.
 */
export async function startAsCustomer(ctx: BotContext, payload: string): Promise<void> {
  if (!ctx.from) return;
  const { customer, kind } = await registerBotStart(ctx.deps.sql, {
    identity: telegramIdentity(ctx.from),
    payload,
    known: ctx.customer,
  });
  ctx.customer = customer;
  await ctx.i18n.renegotiateLocale();

  const survey = parseStartPayload(payload);
  if (kind === "returning" && survey.kind === "survey") {
    await beginSurvey(ctx, survey.slug);
    return;
  }
  if (kind === "returning") {
    const card = ctx.card ? cardSummary(await ctx.deps.loyalty.get(), customer, ctx.card) : null;
    const name = customer.name ?? ctx.from.first_name;
    const greeting =
      card && card.purchaseCount > 0
        ? ctx.t("start-returning-buyer", { name, count: card.balance })
        : ctx.t("start-returning", { name });
    await ctx.reply(greeting, {
      reply_markup: mainMenuKeyboard(ctx.t, { staff: isActiveStaff(ctx) }),
    });
    // A scanned card QR (start=card_…) or a plain /start both end on the card for a customer.
    if (ctx.card && payload.startsWith("card_")) await showCard(ctx, customer, ctx.card);
    return;
  }

  const key =
    kind === "onboarding"
      ? "start-onboarding"
      : kind === "declined"
        ? "start-declined-again"
        : "start-welcome";
  await ctx.reply(ctx.t(key, { business: ctx.deps.config.businessName }));
  // Nothing is remembered: the link, opened again with a card, starts the survey.
  if (survey.kind === "survey") await ctx.reply(ctx.t("survey-after-onboarding"));
  await ctx.conversation.enter(ONBOARDING);
}
