import { Keyboard } from "grammy";
import { can, Permission } from "../../core/access/permissions.ts";
import type { StaffRole } from "../../core/db/client.ts";

type T = (key: string) => string;

/**
 * The customer's menu: always at hand under the input field, two buttons a row, what is used
 * at the till (card, rewards) first. A staff member who is also a customer gets a way back to
 * the staff menu, next to "My data".
 */
export function mainMenuKeyboard(t: T, options: { staff?: boolean } = {}): Keyboard {
  const keyboard = new Keyboard()
    .text(t("menu-card"))
    .text(t("menu-rewards"))
    .row()
    .text(t("menu-history"))
    .text(t("menu-profile"))
    .row()
    .text(t("menu-questions"))
    .text(t("menu-invite"))
    .row()
    .text(t("menu-settings"))
    .text(t("menu-data"));
  if (options.staff) keyboard.text(t("menu-staff-mode"));
  return keyboard.resized().persistent();
}

/**
 * The staff menu: find a customer, register one at the till (every role may), broadcast (the
 * roles that may, by `role`), or switch to one's own card.
 */
export function staffMenuKeyboard(t: T, role?: StaffRole | null): Keyboard {
  const keyboard = new Keyboard()
    .text(t("staff-menu-find"))
    .text(t("staff-menu-new-customer"))
    .row();
  if (role && can(role, Permission.broadcast)) keyboard.text(t("staff-menu-broadcast"));
  return keyboard.text(t("staff-menu-customer-mode")).resized().persistent();
}

export const menuKeys = [
  "menu-card",
  "menu-rewards",
  "menu-history",
  "menu-profile",
  "menu-questions",
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
