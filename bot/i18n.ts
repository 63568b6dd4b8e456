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
  const i18n = new I18n<C>({
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
  rememberBundleMatches(i18n.fluent);
  return i18n;
}

/**
 * @grammyjs/i18n negotiates languages (@fluent/langneg) inside every single translation, to
 * pick the bundles for the locale; an update makes dozens of translations (every button label,
 * and again for each step a conversation replays). The answer only depends on the locale and
 * the bundles, which are all loaded when the I18n is created, so it is computed once per
 * locale. Guarded: should a later version of the plugin rename the method, translations keep
 * working, only without the shortcut.
 */
function rememberBundleMatches(fluent: object): void {
  const target = fluent as { matchBundles?: (locales: string[]) => unknown };
  const match = target.matchBundles;
  if (typeof match !== "function") return;
  const known = new Map<string, unknown>();
  target.matchBundles = (locales: string[]) => {
    const key = locales.join(",");
    let bundles = known.get(key);
    if (bundles === undefined) {
      bundles = match.call(fluent, locales);
      known.set(key, bundles);
    }
    return bundles;
  };
}
