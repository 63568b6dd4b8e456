import { hears } from "@grammyjs/i18n";
import { Composer, InlineKeyboard } from "grammy";
import { referralLink } from "../../../core/customers/deep-link.ts";
import type { BotContext } from "../../context.ts";
import { withCard } from "./require-card.ts";

export const inviteFeature = new Composer<BotContext>();

inviteFeature.chatType("private").filter(
  hears("menu-invite"),
  withCard(async (ctx) => {
    const link = referralLink(ctx.me.username, ctx.customer.referralCode);
    // Telegram's share dialog lets the customer pick a friend's chat in one tap.
    const share = `https://t.me/share/url?${new URLSearchParams({ url: link, text: ctx.t("invite-share-text", { business: ctx.deps.config.businessName }) })}`;
    await ctx.reply(
      ctx.t("invite-text", { count: (await ctx.deps.loyalty.get()).referralBonus, link }),
      {
        link_preview_options: { is_disabled: true },
        reply_markup: new InlineKeyboard().url(ctx.t("btn-invite-share"), share),
      },
    );
  }),
);
