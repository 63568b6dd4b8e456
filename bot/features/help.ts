import { Composer } from "grammy";
import type { BotContext } from "../context.ts";
import { mainMenuKeyboard } from "../keyboards/main-menu.ts";
import { isActiveStaff } from "../staff.ts";

export const helpFeature = new Composer<BotContext>();

helpFeature.chatType("private").command("help", async (ctx) => {
  const hasCard = ctx.customer?.status === "ACTIVE";
  await ctx.reply(ctx.t(hasCard ? "help-customer" : "help-newcomer"), {
    ...(hasCard ? { reply_markup: mainMenuKeyboard(ctx.t, { staff: isActiveStaff(ctx) }) } : {}),
  });
});
