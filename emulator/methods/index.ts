import {
  deleteMyCommands,
  getChatMenuButton,
  getMe,
  getMyCommands,
  setChatMenuButton,
  setMyCommands,
} from "./bot-settings.ts";
import type { MethodHandler } from "./context.ts";
import {
  deleteMessage,
  editMessageCaption,
  editMessageReplyMarkup,
  editMessageText,
} from "./editing.ts";
import { answerCallbackQuery, getFile } from "./queries-and-files.ts";
import { sendChatAction, sendDocument, sendMessage, sendPhoto } from "./sending.ts";
import { deleteWebhook, getUpdates, getWebhookInfo, setWebhook } from "./updates.ts";

export type { MethodContext, MethodHandler } from "./context.ts";

/** The emulated subset of the Bot API, by canonical method name. */
const METHODS: Record<string, MethodHandler> = {
  getMe,
  getUpdates,
  setWebhook,
  deleteWebhook,
  getWebhookInfo,
  sendMessage,
  sendPhoto,
  sendDocument,
  sendChatAction,
  editMessageText,
  editMessageCaption,
  editMessageReplyMarkup,
  deleteMessage,
  answerCallbackQuery,
  getFile,
  setMyCommands,
  getMyCommands,
  deleteMyCommands,
  setChatMenuButton,
  getChatMenuButton,
};

const BY_LOWERCASE_NAME = new Map(
  Object.entries(METHODS).map(([name, handler]) => [name.toLowerCase(), { name, handler }]),
);

/** Bot API method names are case-insensitive. */
export function findMethod(name: string): { name: string; handler: MethodHandler } | undefined {
  return BY_LOWERCASE_NAME.get(name.toLowerCase());
}
