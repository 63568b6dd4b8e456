import { I18n } from "@grammyjs/i18n";
import type { Context } from "grammy";
import type { Customer } from "../core/db/client.ts";
import { fromProjectRoot } from "../project-root.ts";

export const supportedLanguages = ["ru", "en"] as const;
export type Language = (typeof supportedLanguages)[number];

/**
 * The language to speak to someone: the one they chose in Settings, otherwise Telegram's
 * language_code (any Russian-speaking region → ru, any English one → en), otherwise the default.
 */
export function pickLanguage(
  chosen: string | null | undefined,
  telegramLanguageCode: string | null | undefined,
  fallback: Language,
): Language {
  for (const candidate of [chosen, telegramLanguageCode]) {
    const base = candidate?.toLowerCase().split(/[-_]/)[0];
    if (base && (supportedLanguages as readonly string[]).includes(base)) return base as Language;
  }
  return fallback;
}

/** What the locale is negotiated from: the customer, or inside a conversation their language. */
export type LocaleSource = Context & {
  customer?: Customer | null;
  /** Set inside conversations, whose contexts carry no customer (see conversations/locale.ts). */
  conversationLanguage?: string;
};

export function createI18n<C extends LocaleSource>(defaultLanguage: Language) {
  return new I18n<C>({
    defaultLocale: defaultLanguage,
    directory: fromProjectRoot("bot", "locales"),
    useSession: false,
    // Fluent wraps interpolations in Unicode isolation marks by default; Telegram shows them
    // as-is and they break copy-paste of card numbers and links.
    fluentBundleOptions: { useIsolating: false },
    localeNegotiator: (ctx) =>
      pickLanguage(
        ctx.conversationLanguage ?? ctx.customer?.language,
        ctx.from?.language_code,
        defaultLanguage,
      ),
  });
}
