/**
 * Chat with the bot from a terminal through the Telegram emulator: `npm run chat`.
 * Start the bot without BOT_TOKEN first (`npm start`), which makes it serve the emulator.
 *
 * Environment (or `.env`, like `npm start`): EMULATOR_URL, else http://127.0.0.1:$EMULATOR_PORT
 * (8081), CHAT_USER_ID (1001), CHAT_LANG (ru), CHAT_NAME, CHAT_PHONE (shared by contact
 * buttons; asked once if unset).
 */
import { mkdir, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface, type Interface } from "node:readline";
import { loadEnvFile } from "../config.ts";

interface FileJson {
  file_id: string;
  file_name?: string;
  download_url: string;
}
interface ButtonJson {
  text: string;
  callback_data?: string;
  url?: string;
  request_contact?: boolean;
}
interface MessageJson {
  message_id: number;
  text?: string;
  caption?: string;
  photo?: FileJson;
  document?: FileJson;
  reply_markup?: { inline_keyboard?: ButtonJson[][] };
}
interface EventJson {
  seq: number;
  type: "new" | "edit" | "delete";
  message: MessageJson;
}
interface MessagesJson {
  events: EventJson[];
  last_seq: number;
  reply_keyboard: { keyboard: ButtonJson[][] } | null;
}

// The same sources as `npm start`: the environment first, then `.env`.
loadEnvFile();
const baseUrl = (
  process.env.EMULATOR_URL ?? `http://127.0.0.1:${process.env.EMULATOR_PORT?.trim() || "8081"}`
).replace(/\/+$/, "");
const userId = Number(process.env.CHAT_USER_ID ?? 1001);
const profile = {
  first_name: process.env.CHAT_NAME ?? "Тестовый пользователь",
  language_code: process.env.CHAT_LANG ?? "ru",
};
let phone = process.env.CHAT_PHONE;

const HELP = `Type a message to send it. Also:
  1, 2, ...         press that inline button of the latest message with buttons
  a, b, ...         press that reply keyboard button
  /contact [phone]  share your phone number        /sticker, /photo   send media
  /block, /unblock  block or unblock the bot        /help, /quit
  //help            send /help (or any command) to the bot itself
  /anything args    send a bot command`;

/** Latest inline buttons (numbered) and the reply keyboard (lettered) on screen. */
let inline: { messageId: number; buttons: ButtonJson[] } | undefined;
let replyButtons: ButtonJson[] = [];
let lastSeq = 0;

// Created once the emulator answered, so that piped input is not read before anyone listens.
let rl: Interface;

/** Prints above the prompt without mangling what the user is typing. */
function print(text: string): void {
  process.stdout.write(`\r\x1b[K${text}\n`);
  rl.prompt(true);
}

const ask = (question: string) => new Promise<string>((resolve) => rl.question(question, resolve));

async function api<T>(path: string, body?: unknown): Promise<T> {
  const response = await fetch(`${baseUrl}${path}`, {
    method: body === undefined ? "GET" : "POST",
    headers: { "content-type": "application/json" },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return (await response.json()) as T;
}

/** Performs a user action; tells the user when it failed or the bot did not pick it up. */
async function act(action: string, body: Record<string, unknown> = {}): Promise<void> {
  const result = await api<{ ok: boolean; delivered?: boolean; error?: string }>(
    `/control/users/${userId}/${action}`,
    { ...profile, ...body },
  );
  if (!result.ok) print(`! ${result.error}`);
  else if (!result.delivered) print("… the bot has not picked this up yet; is it running?");
}

async function showEvent({ type, message }: EventJson): Promise<void> {
  const id = message.message_id;
  if (type === "delete") return print(`bot deleted message #${id}`);
  const label = type === "edit" ? `bot (edited #${id})> ` : "bot> ";
  const lines: string[] = [];
  if (message.photo) lines.push(`[photo saved to ${await download(message.photo, "png")}]`);
  if (message.document) {
    lines.push(
      `[document ${message.document.file_name ?? ""} saved to ${await download(message.document, "")}]`,
    );
  }
  const text = message.text ?? message.caption;
  if (text) lines.push(text);

  const buttons = message.reply_markup?.inline_keyboard?.flat() ?? [];
  if (buttons.length > 0) {
    inline = { messageId: id, buttons };
    lines.push(buttons.map((button, i) => `[${i + 1}] ${button.text}`).join("  "));
  } else if (inline?.messageId === id) {
    inline = undefined; // an edit removed the buttons
  }
  print(label + lines.join("\n     "));
}

async function download(file: FileJson, extension: string): Promise<string> {
  const dir = join(tmpdir(), "tg-emulator-chat");
  await mkdir(dir, { recursive: true });
  const name = file.file_name ?? `${file.file_id}.${extension}`;
  const path = join(dir, name);
  const response = await fetch(`${baseUrl}${file.download_url}`);
  await writeFile(path, Buffer.from(await response.arrayBuffer()));
  return path;
}

function showReplyKeyboard(keyboard: MessagesJson["reply_keyboard"]): void {
  const buttons = keyboard?.keyboard.flat() ?? [];
  if (JSON.stringify(buttons) === JSON.stringify(replyButtons)) return;
  replyButtons = buttons;
  const letter = (i: number) => String.fromCharCode(97 + i);
  print(
    buttons.length > 0
      ? `     keyboard: ${buttons.map((b, i) => `(${letter(i)}) ${b.text}`).join("  ")}`
      : "     (keyboard removed)",
  );
}

/** Long-polls the emulator for what the bot sends to this chat. */
async function receiveForever(): Promise<never> {
  for (;;) {
    try {
      const result = await api<MessagesJson>(
        `/control/chats/${userId}/messages?after=${lastSeq}&wait=25`,
      );
      for (const event of result.events) await showEvent(event);
      lastSeq = result.last_seq;
      showReplyKeyboard(result.reply_keyboard);
    } catch {
      print("! lost the emulator, retrying…");
      await new Promise((resolve) => setTimeout(resolve, 2000));
    }
  }
}

async function shareContact(number?: string): Promise<void> {
  phone = number ?? phone ?? (await ask("Your phone number: ")).trim();
  await act("contact", { phone_number: phone });
}

function sendCommand(line: string): Promise<void> {
  const [command = ""] = line.split(/\s+/);
  const payload = line.slice(command.length).trim();
  return act("command", { command, ...(payload ? { payload } : {}) });
}

async function handle(line: string): Promise<void> {
  if (line === "") return;
  // "//help" sends /help to the bot: the chat's own commands would otherwise shadow it.
  if (line.startsWith("//")) return sendCommand(line.slice(1));
  const [command = "", ...args] = line.split(/\s+/);
  const rest = line.slice(command.length).trim();

  if (/^\d+$/.test(line)) {
    const button = inline?.buttons[Number(line) - 1];
    if (!inline || !button) return print("! no such inline button");
    if (button.url) return print(`(opens ${button.url})`);
    return act("press", { messageId: inline.messageId, data: button.callback_data });
  }
  if (/^[a-z]$/.test(line) && replyButtons.length > 0) {
    const button = replyButtons[line.charCodeAt(0) - 97];
    if (!button) return print("! no such keyboard button");
    return button.request_contact ? shareContact() : act("text", { text: button.text });
  }
  switch (command) {
    case "/help":
      return print(HELP);
    case "/quit":
      return process.exit(0);
    case "/contact":
      return shareContact(args[0]);
    case "/sticker":
      return act("sticker");
    case "/photo":
      return act("photo", rest ? { caption: rest } : {});
    case "/block":
    case "/unblock":
      await act(command.slice(1));
      return print(`(you ${command.slice(1)}ed the bot)`);
  }
  if (command.startsWith("/")) return sendCommand(line);
  return act("text", { text: line });
}

async function main(): Promise<void> {
  let bot: string;
  try {
    const health = await api<{ bot: { username: string } }>("/control/health");
    bot = health.bot.username;
  } catch {
    console.error(
      `Cannot reach the Telegram emulator at ${baseUrl}. Is \`npm start\` running without BOT_TOKEN?`,
    );
    process.exit(1);
  }
  console.log(`Chatting with @${bot} as ${profile.first_name} (id ${userId}). /help for commands.`);
  rl = createInterface({ input: process.stdin, output: process.stdout, prompt: "you> " });

  // Lines are handled one at a time, in order, even when an action takes a while.
  let queue = Promise.resolve();
  rl.on("line", (line) => {
    queue = queue
      .then(() => handle(line.trim()))
      .catch((error: Error) => print(`! ${error.message}`))
      .then(() => rl.prompt());
  });
  rl.on("close", () => process.exit(0));
  rl.prompt();
  await receiveForever();
}

await main();
