import { Keyboard } from "grammy";

type T = (key: string) => string;

/** The customer's menu: always at hand under the input field. */
export function mainMenuKeyboard(t: T): Keyboard {
  return new Keyboard()
    .text(t("menu-card"))
    .text(t("menu-history"))
    .row()
    .text(t("menu-profile"))
    .text(t("menu-invite"))
    .row()
    .text(t("menu-settings"))
    .text(t("menu-data"))
    .resized()
    .persistent();
}
