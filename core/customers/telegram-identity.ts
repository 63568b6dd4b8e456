/** What core needs to know about a Telegram user; bot/ maps grammY's User onto this. */
export type TelegramIdentity = {
  telegramId: number;
  firstName: string;
  lastName?: string | undefined;
  username?: string | undefined;
  languageCode?: string | undefined;
};
