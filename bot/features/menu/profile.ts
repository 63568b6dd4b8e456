import { hears } from "@grammyjs/i18n";
import { Composer, InlineKeyboard } from "grammy";
import { cb, cbPatterns, type EditableField } from "../../callback-data.ts";
import type { BotContext } from "../../context.ts";
import { EDIT_PROFILE } from "../../conversations/edit-profile.ts";
import { answerCallback } from "../../cosmetic.ts";
import { withCard } from "./require-card.ts";

export const profileFeature = new Composer<BotContext>();
const chats = profileFeature.chatType("private");

function profileText(ctx: BotContext): string {
  const c = ctx.customer;
  const none = ctx.t("not-set");
  return ctx.t("profile-view", {
    name: c?.name ?? none,
    phone: c?.phone ?? none,
    birthday: c?.birthday
      ? `${String(c.birthday.getUTCDate()).padStart(2, "0")}.${String(c.birthday.getUTCMonth() + 1).padStart(2, "0")}.${c.birthday.getUTCFullYear()}`
      : none,
    gender: c?.gender ? ctx.t(`gender-${c.gender}`) : none,
    city: c?.city ?? none,
    email: c?.email ?? none,
  });
}

function editKeyboard(ctx: BotContext): InlineKeyboard {
  return new InlineKeyboard()
    .text(ctx.t("btn-edit-name"), cb.editField("name"))
    .text(ctx.t("btn-edit-phone"), cb.editField("phone"))
    .row()
    .text(ctx.t("btn-edit-birthday"), cb.editField("birthday"))
    .text(ctx.t("btn-edit-gender"), cb.editField("gender"))
    .row()
    .text(ctx.t("btn-edit-city"), cb.editField("city"))
    .text(ctx.t("btn-edit-email"), cb.editField("email"));
}

chats.filter(
  hears("menu-profile"),
  withCard(async (ctx) => {
    await ctx.reply(`${profileText(ctx)}\n\n${ctx.t("profile-edit-hint")}`, {
      reply_markup: editKeyboard(ctx),
    });
  }),
);

chats.callbackQuery(
  cbPatterns.editField,
  withCard(async (ctx) => {
    await answerCallback(ctx);
    await ctx.conversation.exitAll();
    await ctx.conversation.enter(EDIT_PROFILE, ctx.match[1] as EditableField);
  }),
);
