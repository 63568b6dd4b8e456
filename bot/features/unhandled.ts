import { Composer } from "grammy";
import type { BotContext } from "../context.ts";
import { answerCallback } from "../cosmetic.ts";

/** Registered last: whatever no feature handled still gets an answer, never silence. */
export const unhandledFeature = new Composer<BotContext>();

const privateChats = unhandledFeature.chatType("private");

privateChats.on("callback_query", async (ctx) => {
  await answerCallback(ctx, ctx.t("unhandled-callback"));
});

privateChats.on("message", async (ctx) => {
  await ctx.reply(ctx.t("unhandled-text"));
});
