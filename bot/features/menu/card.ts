import { hears } from "@grammyjs/i18n";
import { Composer } from "grammy";
import { getCardSummary } from "../../../core/loyalty/card-summary.ts";
import type { BotContext } from "../../context.ts";
import { sendCard } from "../../views/card.ts";
import { withCard } from "./require-card.ts";

export const cardFeature = new Composer<BotContext>();

cardFeature.chatType("private").filter(
  hears("menu-card"),
  withCard(async (ctx) => {
    const card = await getCardSummary(ctx.deps.db, ctx.customer.id);
    if (!card) {
      await ctx.reply(ctx.t("card-not-issued"));
      return;
    }
    await sendCard(ctx, ctx.t, card);
  }),
);
