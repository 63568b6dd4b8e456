import { hears } from "@grammyjs/i18n";
import { Composer } from "grammy";
import { referralLink } from "../../../core/customers/deep-link.ts";
import type { BotContext } from "../../context.ts";
import { requireCard } from "./require-card.ts";

export const inviteFeature = new Composer<BotContext>();

inviteFeature.chatType("private").filter(hears("menu-invite"), requireCard, async (ctx) => {
  const code = ctx.customer?.referralCode ?? "";
  await ctx.reply(
    ctx.t("invite-text", {
      count: ctx.deps.config.loyalty.referralBonus,
      link: referralLink(ctx.me.username, code),
    }),
    { link_preview_options: { is_disabled: true } },
  );
});
