import { Composer } from "grammy";
import { registerBotStart } from "../../core/customers/register-bot-start.ts";
import type { BotContext } from "../context.ts";
import { telegramIdentity } from "../telegram-identity.ts";

export const startFeature = new Composer<BotContext>();

const privateChats = startFeature.chatType("private");

privateChats.command("start", async (ctx) => {
  const { customer, kind } = await registerBotStart(ctx.deps.db, {
    identity: telegramIdentity(ctx.from),
    payload: ctx.match,
  });
  ctx.customer = customer;
  await ctx.i18n.renegotiateLocale();
  const name = customer.name ?? ctx.from.first_name;
  const key = kind === "returning" ? "start-returning" : kind === "onboarding" ? "start-onboarding" : "start-new";
  await ctx.reply(ctx.t(key, { name, business: ctx.deps.config.businessName }));
});
