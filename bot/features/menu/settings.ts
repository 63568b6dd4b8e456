import { hears } from "@grammyjs/i18n";
import { Composer, InlineKeyboard } from "grammy";
import { setMarketingConsent } from "../../../core/onboarding/consent.ts";
import { setQuestionsEnabled } from "../../../core/profile/question-preference.ts";
import { updateProfile } from "../../../core/profile/update-profile.ts";
import { cb, cbPatterns } from "../../callback-data.ts";
import type { BotContext } from "../../context.ts";
import { answerCallback, bestEffort } from "../../cosmetic.ts";
import { mainMenuKeyboard } from "../../keyboards/main-menu.ts";
import { isActiveStaff } from "../../staff.ts";
import { withCard } from "./require-card.ts";

export const settingsFeature = new Composer<BotContext>();
const chats = settingsFeature.chatType("private");

function settingsView(ctx: BotContext) {
  const subscribed = ctx.customer?.marketingConsent === true;
  const questions = ctx.customer?.questionsEnabled !== false;
  return {
    text: ctx.t("settings-view", {
      marketing: subscribed ? "yes" : "no",
      questions: questions ? "yes" : "no",
    }),
    keyboard: new InlineKeyboard()
      .text(ctx.t("btn-language-ru"), cb.language("ru"))
      .text(ctx.t("btn-language-en"), cb.language("en"))
      .row()
      .text(
        ctx.t(subscribed ? "btn-marketing-off" : "btn-marketing-on"),
        cb.marketingToggle(!subscribed),
      )
      .row()
      .text(
        ctx.t(questions ? "btn-questions-off" : "btn-questions-on"),
        cb.questionsToggle(!questions),
      ),
  };
}

chats.filter(
  hears("menu-settings"),
  withCard(async (ctx) => {
    const { text, keyboard } = settingsView(ctx);
    await ctx.reply(text, { reply_markup: keyboard });
  }),
);

chats.callbackQuery(
  cbPatterns.language,
  withCard(async (ctx) => {
    const language = ctx.match[1] as "ru" | "en";
    const customer = ctx.customer;
    await answerCallback(ctx);
    if (customer.language !== language) {
      ctx.customer = await updateProfile(ctx.deps.sql, {
        customerId: customer.id,
        change: { field: "language", value: language },
      });
    }
    await ctx.i18n.renegotiateLocale();
    // The reply keyboard carries texts too: send it again in the new language.
    await ctx.reply(ctx.t("settings-language-changed"), {
      reply_markup: mainMenuKeyboard(ctx.t, { staff: isActiveStaff(ctx) }),
    });
  }),
);

chats.callbackQuery(
  cbPatterns.marketingToggle,
  withCard(async (ctx) => {
    const granted = ctx.match[1] === "on";
    const customer = ctx.customer;
    await answerCallback(ctx);
    // A double tap asks for the state that is already set: nothing to record.
    if (customer.marketingConsent !== granted) {
      ctx.customer = await setMarketingConsent(ctx.deps.sql, {
        customerId: customer.id,
        granted,
        version: ctx.deps.config.onboarding.consentVersion,
      });
    }
    const { text, keyboard } = settingsView(ctx);
    await bestEffort(() => ctx.editMessageText(text, { reply_markup: keyboard }));
    await ctx.reply(ctx.t(granted ? "settings-marketing-on" : "settings-marketing-off"));
  }),
);

chats.callbackQuery(
  cbPatterns.questionsToggle,
  withCard(async (ctx) => {
    const enabled = ctx.match[1] === "on";
    await answerCallback(ctx);
    ctx.customer = await setQuestionsEnabled(ctx.deps.sql, { customer: ctx.customer, enabled });
    const { text, keyboard } = settingsView(ctx);
    await bestEffort(() => ctx.editMessageText(text, { reply_markup: keyboard }));
    await ctx.reply(ctx.t(enabled ? "settings-questions-on" : "settings-questions-off"));
  }),
);
