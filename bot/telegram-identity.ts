import type { User } from "grammy/types";
import type { TelegramIdentity } from "../core/customers/telegram-identity.ts";

export function telegramIdentity(user: User): TelegramIdentity {
  return {
    telegramId: user.id,
    firstName: user.first_name,
    lastName: user.last_name,
    username: user.username,
    languageCode: user.language_code,
  };
}
