import type { Api } from "grammy";

/** The command menu Telegram shows next to the input field, in each language. */
export async function setBotCommands(api: Api): Promise<void> {
  await api.setMyCommands([{ command: "start", description: "Начать / главное меню" }], {
    language_code: "ru",
  });
  await api.setMyCommands([{ command: "start", description: "Start / main menu" }], {
    language_code: "en",
  });
  // Default for every other language: the business speaks Russian first.
  await api.setMyCommands([{ command: "start", description: "Начать / главное меню" }]);
}
