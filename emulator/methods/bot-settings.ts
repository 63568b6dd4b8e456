import type { BotCommand, BotCommandScope, MenuButton } from "grammy/types";
import { badRequest } from "../api-error.ts";
import type { Params } from "../params.ts";
import type { EmulatorState } from "../state.ts";
import type { MethodContext } from "./context.ts";

export function getMe({ state }: MethodContext) {
  return state.botUser;
}

export function setMyCommands({ state, params }: MethodContext) {
  const commands = params.json<unknown>("commands") ?? [];
  if (!Array.isArray(commands)) throw badRequest("expected an Array of BotCommand");
  if (commands.length > 100) throw badRequest("BOT_COMMANDS_TOO_MUCH");
  const validated = commands.map(parseCommand);
  const key = commandsKey(state, params);
  if (validated.length === 0) state.commands.delete(key);
  else state.commands.set(key, validated);
  return true;
}

/** Like Telegram, only the exact scope + language is returned; there is no fallback. */
export function getMyCommands({ state, params }: MethodContext) {
  return state.commands.get(commandsKey(state, params)) ?? [];
}

export function deleteMyCommands({ state, params }: MethodContext) {
  state.commands.delete(commandsKey(state, params));
  return true;
}

export function setChatMenuButton({ state, params }: MethodContext) {
  const button = params.json<MenuButton>("menu_button", "menu button") ?? { type: "default" };
  if (!["default", "commands", "web_app"].includes(button.type)) {
    throw badRequest("can't parse menu button: MenuButton has unsupported type");
  }
  state.menuButtons.set(menuButtonChat(state, params), button);
  return true;
}

export function getChatMenuButton({ state, params }: MethodContext) {
  return (
    state.menuButtons.get(menuButtonChat(state, params)) ??
    state.menuButtons.get("") ?? { type: "default" }
  );
}

function parseCommand(value: unknown): BotCommand {
  const { command, description } = (value ?? {}) as Partial<BotCommand>;
  if (typeof command !== "string" || typeof description !== "string") {
    throw badRequest('can\'t parse BotCommand: Field "command" must be of type String');
  }
  const name = command.startsWith("/") ? command.slice(1) : command;
  // Telegram's rule: 1-32 characters, lowercase latin letters, digits and underscores.
  if (!/^[a-z0-9_]{1,32}$/.test(name)) throw badRequest("BOT_COMMAND_INVALID");
  if (description.trim() === "" || description.length > 256) {
    throw badRequest("BOT_COMMAND_DESCRIPTION_INVALID");
  }
  return { command: name, description };
}

const SCOPE_TYPES = new Set([
  "default",
  "all_private_chats",
  "all_group_chats",
  "all_chat_administrators",
  "chat",
  "chat_administrators",
  "chat_member",
]);

function commandsKey(state: EmulatorState, params: Params): string {
  const scope = params.json<BotCommandScope>("scope", "BotCommandScope") ?? { type: "default" };
  if (!SCOPE_TYPES.has(scope.type)) throw badRequest("unsupported bot command scope type");
  const chatId = "chat_id" in scope ? String(scope.chat_id) : undefined;
  if (chatId !== undefined && !state.chats.get(Number(chatId))) throw badRequest("chat not found");
  const userId = "user_id" in scope ? String(scope.user_id) : undefined;
  const language = params.string("language_code") ?? "";
  return JSON.stringify([scope.type, chatId, userId, language]);
}

function menuButtonChat(state: EmulatorState, params: Params): string {
  const chatId = params.string("chat_id");
  if (chatId === undefined || chatId === "") return "";
  if (!state.chats.get(Number(chatId))) throw badRequest("chat not found");
  return chatId;
}
