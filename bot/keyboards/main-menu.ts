import { Keyboard } from "grammy";

type T = (key: string) => string;

/**
 * The customer's menu: always at hand under the input field. A staff member who is also a
 * customer gets a way back to the staff menu.
 */
export function mainMenuKeyboard(t: T, options: { staff?: boolean } = {}): Keyboard {
  const keyboard = new Keyboard()
    .text(t("menu-card"))
    .text(t("menu-history"))
    .row()
    .text(t("menu-profile"))
    .text(t("menu-invite"))
    .row()
    .text(t("menu-settings"))
    .text(t("menu-data"));
  if (options.staff) keyboard.row().text(t("menu-staff-mode"));
  return keyboard.resized().persistent();
}

/** The staff menu: find a customer, or switch to one's own card. */
export function staffMenuKeyboard(t: T): Keyboard {
  return new Keyboard()
    .text(t("staff-menu-find"))
    .row()
    .text(t("staff-menu-customer-mode"))
    .resized()
    .persistent();
}

export const menuKeys = [
  "menu-card",
  "menu-history",
  "menu-profile",
  "menu-invite",
  "menu-settings",
  "menu-data",
] as const;

/** Every menu button text in every language, to recognise a menu press anywhere. */
export function menuLabels(
  translate: (locale: string, key: string) => string,
  locales: readonly string[],
) {
  return new Set(locales.flatMap((locale) => menuKeys.map((key) => translate(locale, key))));
}
