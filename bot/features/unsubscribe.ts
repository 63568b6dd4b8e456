import { Composer, InlineKeyboard } from "grammy";
import { resubscribe, unsubscribe } from "../../core/campaigns/subscription.ts";
import type { Customer } from "../../core/db/client.ts";
import { cb, cbPatterns } from "../callback-data.ts";
import type { BotContext } from "../context.ts";
import { answerCallback, removeButtons } from "../cosmetic.ts";

/**
 * Leaving the offers: "Unsubscribe" under a marketing message (`unsub:<delivery>`) and /stop
 * withdraw marketing consent as Settings' switch does (core/campaigns/subscription.ts), count
 * the press for its delivery, and answer with "Subscribe again" — one tap gives it back.
 * Service messages (receipts, points) still go. Someone without a record learns how to start.
 */
export const unsubscribeFeature = new Composer<BotContext>();
const chats = unsubscribeFeature.chatType("private");

/** Anyone who gave data consent (with a card or still onboarding) has a consent to withdraw. */
function subscriber(ctx: BotContext): Customer | null {
  const customer = ctx.customer;
  if (!customer?.dataConsentAt) return null;
  return customer.status === "ACTIVE" || customer.status === "ONBOARDING" ? customer : null;
}

const resubscribeKeyboard = (ctx: BotContext) =>
  new InlineKeyboard().text(ctx.t("btn-resubscribe"), cb.resubscribe);

/** Withdraws the consent (and counts the press under `deliveryId`), then says so. */
export async function withdrawMarketing(ctx: BotContext, deliveryId: string | null): Promise<void> {
  const customer = subscriber(ctx);
  if (!customer) {
    await answerCallback(ctx);
    await ctx.reply(ctx.t("unsubscribe-no-card"));
    return;
  }
  const result = await unsubscribe(ctx.deps.sql, {
    customer,
    deliveryId,
    version: ctx.deps.config.onboarding.consentVersion,
  });
  ctx.customer = result.customer;
  await answerCallback(ctx);
  await ctx.reply(ctx.t(result.changed ? "unsubscribe-done" : "unsubscribe-already"), {
    reply_markup: resubscribeKeyboard(ctx),
  });
}

chats.callbackQuery(cbPatterns.unsubscribe, async (ctx) => {
  const deliveryId = ctx.match[1] as string;
  await withdrawMarketing(ctx, deliveryId === "0" ? null : deliveryId);
});

chats.command("stop", (ctx) => withdrawMarketing(ctx, null));

chats.callbackQuery(cb.resubscribe, async (ctx) => {
  const customer = subscriber(ctx);
  if (!customer) {
    await answerCallback(ctx);
    await ctx.reply(ctx.t("unsubscribe-no-card"));
    return;
  }
  const result = await resubscribe(ctx.deps.sql, {
    customer,
    version: ctx.deps.config.onboarding.consentVersion,
  });
  ctx.customer = result.customer;
  await answerCallback(ctx);
  await removeButtons(ctx);
  await ctx.reply(ctx.t("resubscribe-done"));
});
