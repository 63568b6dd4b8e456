import type { Conversation } from "@grammyjs/conversations";
import type { I18nFlavor } from "@grammyjs/i18n";
import type { Context, MiddlewareFn } from "grammy";
import type { BotContext } from "../context.ts";
import type { LocaleSource } from "../i18n.ts";

/**
 * Inside a conversation the i18n plugin sees fresh context objects without the customer, so on
 * its own it would speak Telegram's language instead of the one chosen in Settings. Each
 * conversation asks the outside context for the negotiated locale once (`adoptLocale`), and the
 * plugin below hands it to i18n for every context the conversation creates afterwards.
 */
const localeByConversation = new WeakMap<object, string>();

type InsideContext = Context & I18nFlavor;

/** The customer's locale for the rest of this conversation, applied to `ctx` right away. */
export async function adoptLocale(
  conversation: Conversation<BotContext, InsideContext>,
  ctx: InsideContext,
): Promise<string> {
  const locale = await conversation.external((outside) => outside.i18n.getLocale());
  localeByConversation.set(conversation, locale);
  ctx.i18n.useLocale(locale);
  return locale;
}

/** Installed before i18n in the conversations' plugins, so it negotiates once, rightly. */
export function conversationLocale(conversation: object): MiddlewareFn<LocaleSource> {
  return (ctx, next) => {
    const locale = localeByConversation.get(conversation);
    if (locale) ctx.conversationLanguage = locale;
    return next();
  };
}
