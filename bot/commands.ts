import type { Api } from "grammy";

/** The command menu Telegram shows next to the input field, in each language. */
export async function setBotCommands(api: Api): Promise<void> {
  const ru = [
    { command: "start", description: "Начать / главное меню" },
    { command: "help", description: "Что умеет бот" },
    { command: "stop", description: "Отписаться от рассылок" },
  ];
  const en = [
    { command: "start", description: "Start / main menu" },
    { command: "help", description: "What the bot can do" },
    { command: "stop", description: "Unsubscribe from offers" },
  ];
  await api.setMyCommands(ru, { language_code: "ru" });
  await api.setMyCommands(en, { language_code: "en" });
  // Default for every other language: the business speaks Russian first.
  await api.setMyCommands(ru);
}
