import { hears } from "@grammyjs/i18n";
import { Composer } from "grammy";
import type { Customer, LoyaltyCard } from "../../../core/db/client.ts";
import { rememberCardQrPhoto } from "../../../core/loyalty/card-qr.ts";
import { cardSummary } from "../../../core/loyalty/card-summary.ts";
import type { BotContext } from "../../context.ts";
import { sendCard } from "../../views/card.ts";
import { withCard } from "./require-card.ts";

/** Sends the customer's card; a first upload of its picture is kept for next time. */
export async function showCard(
  ctx: BotContext,
  customer: Customer,
  card: LoyaltyCard,
): Promise<void> {
  const uploaded = await sendCard(ctx, cardSummary(await ctx.deps.loyalty.get(), customer, card));
  if (!uploaded) return;
  await rememberCardQrPhoto(ctx.deps.sql, { cardId: card.id, ...uploaded });
  ctx.card = { ...card, qrFileId: uploaded.fileId, qrLink: uploaded.link };
}

export const cardFeature = new Composer<BotContext>();

cardFeature.chatType("private").filter(
  hears("menu-card"),
  withCard(async (ctx) => {
    if (!ctx.card) {
      await ctx.reply(ctx.t("card-not-issued"));
      return;
    }
    await showCard(ctx, ctx.customer, ctx.card);
  }),
);
