import type { Chat, ChatMember, InlineKeyboardButton, Message, Update, User } from "grammy/types";
import type { ChatRecord, StoredMessage } from "./chats.ts";
import { toBotMessage } from "./chats.ts";
import { detectEntities } from "./formatting/index.ts";
import { fakeVoiceNote, solidPng } from "./placeholder-media.ts";
import type { EmulatorState } from "./state.ts";
import type { BotMessage, CallbackAnswer, ChatEvent, ReplyKeyboard, UserProfile } from "./types.ts";

export interface ButtonTarget {
  /** The bot message that carries the keyboard; default: the newest one with a matching button. */
  messageId?: number;
  /** callback_data of the button. */
  data?: string;
  /** Label of the button. */
  text?: string;
}

export interface ContactToShare {
  phone_number: string;
  /** Whose contact it is: default this user; another id, or `null` for a person without Telegram. */
  user_id?: number | null;
  first_name?: string;
  last_name?: string;
}

/** Reply buttons whose client-side dialogs (location picker, chat picker, ...) are not simulated. */
const UNEMULATED_REPLY_BUTTONS = [
  "request_location",
  "request_users",
  "request_chat",
  "request_poll",
  "web_app",
];

let callbackQueryCounter = 0;

/**
 * A Telegram user chatting with the bot in a private chat. Every action becomes an Update;
 * its promise resolves with the Update once the bot received it (webhook: the bot answered
 * the POST; long polling: getUpdates handed it out).
 */
export class SimulatedUser {
  constructor(
    private readonly state: EmulatorState,
    readonly id: number,
  ) {}

  /** The user as Telegram describes them in `from`. */
  get user(): User {
    const profile = this.profile;
    return {
      id: profile.id,
      is_bot: false,
      first_name: profile.first_name,
      ...(profile.last_name ? { last_name: profile.last_name } : {}),
      ...(profile.username ? { username: profile.username } : {}),
      ...(profile.language_code ? { language_code: profile.language_code } : {}),
    };
  }

  get profile(): UserProfile {
    const profile = this.state.users.get(this.id);
    if (!profile) throw new Error(`Unknown simulated user ${this.id}`);
    return profile;
  }

  sendText(text: string): Promise<Update> {
    const entities = detectEntities(text);
    return this.sendMessage({ text, ...(entities.length > 0 ? { entities } : {}) });
  }

  /** Sends "/command payload"; Telegram marks the command with a bot_command entity. */
  sendCommand(command: string, payload?: string): Promise<Update> {
    const name = command.startsWith("/") ? command : `/${command}`;
    return this.sendText(payload ? `${name} ${payload}` : name);
  }

  /**
   * Shares a contact card. Note: real clients send the user's own number without a leading
   * "+" when it comes from a request_contact button; pass it in the form you want to test.
   */
  shareContact(contact: ContactToShare): Promise<Update> {
    const userId = contact.user_id === undefined ? this.id : contact.user_id;
    const own = userId === this.id;
    const lastName = contact.last_name ?? (own ? this.profile.last_name : undefined);
    return this.sendMessage({
      contact: {
        phone_number: contact.phone_number,
        first_name: contact.first_name ?? (own ? this.profile.first_name : "Contact"),
        ...(lastName ? { last_name: lastName } : {}),
        ...(userId !== null ? { user_id: userId } : {}),
      },
    });
  }

  sendSticker(emoji = "👍"): Promise<Update> {
    const file = this.state.files.add("sticker", solidPng(512, 512, [255, 204, 0]), {
      width: 512,
      height: 512,
    });
    return this.sendMessage({
      sticker: {
        file_id: file.file_id,
        file_unique_id: file.file_unique_id,
        type: "regular",
        width: 512,
        height: 512,
        is_animated: false,
        is_video: false,
        emoji,
        file_size: file.bytes.length,
      },
    });
  }

  /** Sends a photo: the given image bytes (PNG/JPEG/GIF/WebP) or a generated 640x480 PNG. */
  sendPhoto(options: { bytes?: Buffer; caption?: string } = {}): Promise<Update> {
    return attempt(() => {
      const photo = this.state.files.addPhoto(options.bytes ?? solidPng(640, 480, [70, 130, 180]));
      return this.sendMessage({ photo, ...(options.caption ? { caption: options.caption } : {}) });
    });
  }

  sendVoice(options: { duration?: number } = {}): Promise<Update> {
    const file = this.state.files.add("voice", fakeVoiceNote(), { mime_type: "audio/ogg" });
    return this.sendMessage({
      voice: {
        file_id: file.file_id,
        file_unique_id: file.file_unique_id,
        duration: options.duration ?? 3,
        mime_type: "audio/ogg",
        file_size: file.bytes.length,
      },
    });
  }

  sendLocation(latitude: number, longitude: number): Promise<Update> {
    return this.sendMessage({ location: { latitude, longitude } });
  }

  /**
   * Another user forwards one of the bot's messages from their chat to this user. As in
   * Telegram, the copy keeps its inline buttons, and pressing one reaches the bot as a
   * callback_query from this user (so a bot must check who presses, not whose message it was).
   * Returns the copy's message id in this user's chat.
   */
  receiveForwarded(from: SimulatedUser, messageId: number): number {
    const source = this.state.chats.get(from.id)?.messages.get(messageId);
    if (source?.sender !== "bot") {
      throw new Error(`${from.label} has no bot message ${messageId} to forward`);
    }
    const chat = this.chat();
    const message = {
      ...source.message,
      message_id: this.state.chats.nextMessageId(chat),
      chat: chat.chat,
      forward_origin: { type: "user", sender_user: from.user, date: source.message.date },
    } as Message;
    this.state.chats.add(chat, { ...source, message, edited: false, deleted: false });
    return message.message_id;
  }

  /** Presses an inline button (by label, or by `data`/`messageId`), producing a callback_query. */
  pressButton(target: string | ButtonTarget): Promise<Update> {
    return attempt(() => {
      const spec = typeof target === "string" ? { text: target } : target;
      const chat = this.existingChat();
      const { stored, button } = this.findInlineButton(chat, spec);
      if (!("callback_data" in button) || button.callback_data === undefined) {
        const kind = Object.keys(button).find((key) => key !== "text") ?? "unknown";
        throw new Error(`Button "${button.text}" is a ${kind} button; pressing it sends no update`);
      }
      if (chat.blocked) throw this.blockedError();

      callbackQueryCounter += 1;
      const id = `${BigInt(Date.now()) * 1000n + BigInt(callbackQueryCounter % 1000)}`;
      this.state.callbackQueries.set(id, {
        id,
        userId: this.id,
        chatId: chat.id,
        messageId: stored.message.message_id,
        data: button.callback_data,
      });
      return this.state.updates.enqueue({
        callback_query: {
          id,
          from: this.user,
          message: stored.message,
          chat_instance: String(BigInt(chat.id) * 7919n + 1_000_000_007n),
          data: button.callback_data,
        },
      });
    });
  }

  /**
   * Taps a button of the reply keyboard currently shown: its text is sent as a message, a
   * request_contact button shares the profile's `phone_number`.
   */
  pressReplyButton(text: string): Promise<Update> {
    return attempt(() => {
      const keyboard = this.currentReplyKeyboard();
      if (!keyboard) throw new Error(`${this.label} has no reply keyboard from the bot`);
      const buttons = keyboard.keyboard.flat();
      const button = buttons.find((candidate) => candidate.text === text);
      if (!button) {
        const labels = buttons.map((candidate) => `"${candidate.text}"`).join(", ");
        throw new Error(`No reply button "${text}" for ${this.label}. Buttons: ${labels}`);
      }
      if ("request_contact" in button && button.request_contact) {
        const phone = this.profile.phone_number;
        if (!phone) {
          throw new Error(
            `"${text}" requests the phone number: create the user with phone_number, or call shareContact()`,
          );
        }
        return this.shareContact({ phone_number: phone });
      }
      const kind = UNEMULATED_REPLY_BUTTONS.find((key) => key in button);
      if (kind) {
        throw new Error(
          `Reply button "${text}" (${kind}) is not emulated; send the result directly`,
        );
      }
      return this.sendText(button.text);
    });
  }

  /** The user blocks the bot: a my_chat_member update; sends to this chat fail with 403 after it. */
  blockBot(): Promise<Update | undefined> {
    const chat = this.chat();
    if (chat.blocked) return Promise.resolve(undefined);
    chat.blocked = true;
    return this.memberUpdate(chat, "member", "kicked");
  }

  unblockBot(): Promise<Update | undefined> {
    const chat = this.chat();
    if (!chat.blocked) return Promise.resolve(undefined);
    chat.blocked = false;
    return this.memberUpdate(chat, "kicked", "member");
  }

  /** Bot messages in this chat, oldest first, including edited and deleted ones. */
  messages(): BotMessage[] {
    const chat = this.state.chats.get(this.id);
    return chat ? this.state.chats.botMessages(chat).map(toBotMessage) : [];
  }

  /** The newest bot message that was not deleted. */
  lastMessage(): BotMessage | undefined {
    return this.messages()
      .filter((message) => !message.deleted)
      .at(-1);
  }

  currentReplyKeyboard(): ReplyKeyboard | undefined {
    return this.state.chats.get(this.id)?.replyKeyboard;
  }

  /** How the bot answered this user's button presses, in order. */
  callbackAnswers(): CallbackAnswer[] {
    return [...this.state.callbackQueries.values()]
      .filter((query) => query.userId === this.id && query.answer)
      .map((query) => query.answer as CallbackAnswer)
      .sort((a, b) => a.at.getTime() - b.at.getTime());
  }

  /**
   * Resolves with the first bot message sent or edited in this chat after the call that
   * satisfies `predicate`. Messages that arrived before the call do not count, so with a
   * webhook start waiting before the action: `const reply = u.waitForMessage(); await u.sendText("hi");`.
   */
  async waitForMessage(
    predicate: (message: BotMessage) => boolean = () => true,
    options: { timeoutMs?: number } = {},
  ): Promise<BotMessage> {
    const timeoutMs = options.timeoutMs ?? 5000;
    const startSeq = this.state.chats.lastSeq;
    const seen: ChatEvent[] = [];
    const event = await this.state.chats.nextEvent(
      (candidate) => {
        if (candidate.chatId !== this.id || candidate.type === "delete") return false;
        seen.push(candidate);
        try {
          return predicate(candidate.message);
        } catch {
          return false;
        }
      },
      timeoutMs,
      this.state.lifetime.signal,
    );
    if (event) return event.message;
    if (this.state.lifetime.signal.aborted) {
      throw new Error(`The Telegram emulator stopped while ${this.label} waited for a message`);
    }
    throw new Error(this.describeTimeout(timeoutMs, predicate, seen, startSeq));
  }

  private get label(): string {
    return `${this.profile.first_name} (${this.id})`;
  }

  /** The private chat with the bot; creating it means the user "wrote to the bot". */
  private chat(): ChatRecord {
    const profile = this.profile;
    const chat: Chat.PrivateChat = {
      id: profile.id,
      type: "private",
      first_name: profile.first_name,
      ...(profile.last_name ? { last_name: profile.last_name } : {}),
      ...(profile.username ? { username: profile.username } : {}),
    };
    return this.state.chats.upsert(chat);
  }

  private existingChat(): ChatRecord {
    const chat = this.state.chats.get(this.id);
    if (!chat) throw new Error(`${this.label} has not talked to the bot yet`);
    return chat;
  }

  private blockedError(): Error {
    return new Error(`${this.label} has blocked the bot; call unblockBot() first`);
  }

  private sendMessage(content: Partial<Message>): Promise<Update> {
    const chat = this.chat();
    if (chat.blocked) return Promise.reject(this.blockedError());
    const message = {
      message_id: this.state.chats.nextMessageId(chat),
      from: this.user,
      chat: chat.chat,
      date: Math.floor(Date.now() / 1000),
      ...content,
    } as Message;
    this.state.chats.add(chat, { sender: "user", message, edited: false, deleted: false });
    return this.state.updates.enqueue({ message } as Omit<Update, "update_id">);
  }

  private memberUpdate(chat: ChatRecord, from: "member" | "kicked", to: "member" | "kicked") {
    const member = (status: "member" | "kicked") =>
      (status === "kicked"
        ? { status, user: this.state.bot, until_date: 0 }
        : { status, user: this.state.bot }) as ChatMember;
    return this.state.updates.enqueue({
      my_chat_member: {
        chat: chat.chat,
        from: this.user,
        date: Math.floor(Date.now() / 1000),
        old_chat_member: member(from),
        new_chat_member: member(to),
      },
    });
  }

  private findInlineButton(chat: ChatRecord, spec: ButtonTarget) {
    const visible = this.state.chats
      .botMessages(chat)
      .filter((stored) => !stored.deleted)
      .reverse();
    const candidates =
      spec.messageId === undefined
        ? visible
        : visible.filter((stored) => stored.message.message_id === spec.messageId);
    for (const stored of candidates) {
      const button = inlineButtons(stored).find(
        (candidate) =>
          (spec.text === undefined || candidate.text === spec.text) &&
          (spec.data === undefined ||
            ("callback_data" in candidate && candidate.callback_data === spec.data)),
      );
      if (button) return { stored, button };
    }

    const available = candidates
      .filter((stored) => inlineButtons(stored).length > 0)
      .slice(0, 5)
      .map(
        (stored) =>
          `  message ${stored.message.message_id}: ${inlineButtons(stored)
            .map((b) => `"${b.text}"${"callback_data" in b ? ` (data: ${b.callback_data})` : ""}`)
            .join(", ")}`,
      );
    throw new Error(
      `No inline button ${JSON.stringify(spec)} in the bot's messages to ${this.label}.\n${
        available.length > 0
          ? `Buttons on screen:\n${available.join("\n")}`
          : "No message has inline buttons."
      }`,
    );
  }

  private describeTimeout(
    timeoutMs: number,
    predicate: (message: BotMessage) => boolean,
    seen: ChatEvent[],
    startSeq: number,
  ): string {
    const describe = (message: BotMessage) => {
      const content = message.text ?? message.caption ?? (message.photo ? "[photo]" : "[document]");
      const buttons = message.raw.reply_markup?.inline_keyboard
        .flat()
        .map((button) => `[${button.text}]`)
        .join(" ");
      return `#${message.message_id} ${JSON.stringify(content)}${buttons ? ` ${buttons}` : ""}`;
    };
    const received = seen.map((event) => `  ${event.type}: ${describe(event.message)}`);
    const earlier = (this.state.chats.get(this.id)?.events ?? [])
      .filter((event) => event.seq <= startSeq && event.type === "new")
      .slice(-3)
      .map((event) => `  ${describe(event.message)}`);
    const filter = predicate.toString().replace(/\s+/g, " ").slice(0, 160);
    return [
      `Timed out after ${timeoutMs} ms waiting for a bot message to ${this.label} matching ${filter}`,
      received.length > 0
        ? `Received meanwhile:\n${received.join("\n")}`
        : "Nothing received meanwhile.",
      ...(earlier.length > 0
        ? [
            `Arrived before waiting started (not considered):\n${earlier.join("\n")}`,
            "Tip: start waiting before the action: const reply = user.waitForMessage(); await user.sendText(...);",
          ]
        : []),
    ].join("\n");
  }
}

function inlineButtons(stored: StoredMessage): InlineKeyboardButton[] {
  return stored.message.reply_markup?.inline_keyboard.flat() ?? [];
}

/**
 * Runs an action so that its validation errors become rejections, like every other failure.
 * The queue's promise is passed through untouched: it is marked as handled, so callers that
 * fire and forget (`void user.sendText()`) get no unhandled rejection when the emulator stops.
 */
function attempt(action: () => Promise<Update>): Promise<Update> {
  try {
    return action();
  } catch (error) {
    return Promise.reject(error);
  }
}
