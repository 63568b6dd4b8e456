import { Composer } from "grammy";
import type { CampaignAction } from "../../core/campaigns/message.ts";
import { recordCampaignClick } from "../../core/campaigns/record-click.ts";
import type { Customer } from "../../core/db/client.ts";
import { rewardCatalogue } from "../../core/rewards/catalogue.ts";
import { cbPatterns } from "../callback-data.ts";
import type { BotContext } from "../context.ts";
import { answerCallback } from "../cosmetic.ts";
import { mainMenuKeyboard } from "../keyboards/main-menu.ts";
import { catalogueKeyboard } from "../keyboards/rewards.ts";
import { isActiveStaff } from "../staff.ts";
import { showCard } from "./menu/card.ts";
import { withdrawMarketing } from "./unsubscribe.ts";

/**
 * A callback button under a campaign message (`cmp:<delivery>:<i>`): the press is counted once
 * per delivery and button and the button's action found, in one statement after the update's
 * read (core/campaigns/record-click.ts); the customer gets a short thank-you and what the
 * button promised. A delivery that is not the presser's records nothing and says nothing.
 */
export const campaignButtonsFeature = new Composer<BotContext>();

campaignButtonsFeature.callbackQuery(cbPatterns.campaignButton, async (ctx) => {
  const customer = ctx.customer;
  if (!customer) return answerCallback(ctx);
  const press = await recordCampaignClick(ctx.deps.sql, {
    deliveryId: ctx.match[1] as string,
    index: Number(ctx.match[2]),
    customerId: customer.id,
  });
  if (!press) return answerCallback(ctx);
  if (press.action === "unsubscribe") return withdrawMarketing(ctx, null);
  await answerCallback(ctx, ctx.t("campaign-thanks"));
  await perform(ctx, customer, press.action);
});

async function perform(ctx: BotContext, customer: Customer, action: CampaignAction) {
  if (action === "ok") return;
  // The card, the menu and the rewards are a cardholder's.
  if (customer.status !== "ACTIVE" || !ctx.card) {
    await ctx.reply(ctx.t("card-not-issued"));
    return;
  }
  if (action === "card") return showCard(ctx, customer, ctx.card);
  if (action === "menu") {
    await ctx.reply(ctx.t("campaign-menu"), {
      reply_markup: mainMenuKeyboard(ctx.t, { staff: isActiveStaff(ctx) }),
    });
    return;
  }
  const catalogue = await rewardCatalogue(ctx.deps.sql, await ctx.deps.loyalty.get(), {
    card: ctx.card,
  });
  const text =
    catalogue.items.length === 0
      ? ctx.t("rewards-empty", { count: catalogue.balance })
      : ctx.t("rewards-title", { count: catalogue.balance });
  await ctx.reply(text, { reply_markup: catalogueKeyboard(ctx.t, catalogue.items) });
}
