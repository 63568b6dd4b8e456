import type { MessageEntity } from "grammy/types";
import { badRequest } from "../api-error.ts";
import type { StoredFile } from "../files.ts";
import { mimeTypeOf } from "../files.ts";
import { type FormattedText, formatText } from "../formatting/index.ts";
import type { Params } from "../params.ts";
import { solidPng } from "../placeholder-media.ts";
import { parseReplyMarkup } from "../reply-markup.ts";
import type { EmulatorState } from "../state.ts";
import { postBotMessage, targetChat } from "./common.ts";
import type { MethodContext } from "./context.ts";

const MAX_TEXT_LENGTH = 4096;
const MAX_CAPTION_LENGTH = 1024;

export function sendMessage({ state, params }: MethodContext) {
  const chat = targetChat(state, params);
  const text = params.string("text") ?? "";
  if (text === "") throw badRequest("message text is empty");
  const parseMode = params.string("parse_mode");
  const formatted = formatText(text, parseMode, params.json<MessageEntity[]>("entities"));
  if (formatted.text.length > MAX_TEXT_LENGTH) throw badRequest("message is too long");
  const replyMarkup = parseReplyMarkup(params.json("reply_markup", "reply keyboard markup"));
  return postBotMessage(state, chat, params, {
    fields: { text: formatted.text, ...entitiesField("entities", formatted) },
    ...(replyMarkup ? { replyMarkup } : {}),
    ...(parseMode ? { parseMode } : {}),
  });
}

export function sendPhoto({ state, params }: MethodContext) {
  const chat = targetChat(state, params);
  const input = params.file("photo");
  if (input === undefined) throw badRequest("there is no photo in the request");
  const caption = captionOf(params);
  const replyMarkup = parseReplyMarkup(params.json("reply_markup", "reply keyboard markup"));

  let sizes: ReturnType<EmulatorState["files"]["addPhoto"]>;
  if (typeof input !== "string") sizes = state.files.addPhoto(input.bytes);
  else if (isUrl(input)) {
    // Telegram downloads the URL; one it cannot fetch fails the call. The reserved top-level
    // domain ".invalid" (RFC 2606) stands for such a URL here.
    if (unfetchable(input)) throw badRequest("failed to get HTTP URL content");
    sizes = state.files.addPhoto(solidPng(320, 320, [200, 200, 200]), input);
  } else sizes = knownPhoto(state, input);

  const largest = sizes.at(-1);
  const parseMode = params.string("parse_mode");
  return postBotMessage(state, chat, params, {
    fields: { photo: sizes, ...caption },
    ...(replyMarkup ? { replyMarkup } : {}),
    ...(parseMode ? { parseMode } : {}),
    ...(largest ? { photo: state.files.get(largest.file_id) } : {}),
  });
}

export function sendDocument({ state, params }: MethodContext) {
  const chat = targetChat(state, params);
  const input = params.file("document");
  if (input === undefined) throw badRequest("there is no document in the request");
  const caption = captionOf(params);
  const replyMarkup = parseReplyMarkup(params.json("reply_markup", "reply keyboard markup"));

  let file: StoredFile;
  if (typeof input !== "string") {
    const mimeType = mimeTypeOf(input.filename);
    file = state.files.add("document", input.bytes, {
      file_name: input.filename,
      ...(mimeType ? { mime_type: mimeType } : {}),
    });
  } else if (isUrl(input)) {
    const fileName = decodeURIComponent(new URL(input).pathname.split("/").at(-1) || "file");
    file = state.files.add("document", Buffer.alloc(0), { file_name: fileName, url: input });
  } else {
    file = knownFile(state, input, "document");
  }

  const parseMode = params.string("parse_mode");
  return postBotMessage(state, chat, params, {
    fields: {
      document: {
        file_id: file.file_id,
        file_unique_id: file.file_unique_id,
        file_size: file.bytes.length,
        ...(file.file_name ? { file_name: file.file_name } : {}),
        ...(file.mime_type ? { mime_type: file.mime_type } : {}),
      },
      ...caption,
    },
    ...(replyMarkup ? { replyMarkup } : {}),
    ...(parseMode ? { parseMode } : {}),
    document: file,
  });
}

const CHAT_ACTIONS = new Set([
  "typing",
  "upload_photo",
  "record_video",
  "upload_video",
  "record_voice",
  "upload_voice",
  "upload_document",
  "choose_sticker",
  "find_location",
  "record_video_note",
  "upload_video_note",
]);

export function sendChatAction({ state, params }: MethodContext) {
  const action = params.string("action") ?? "";
  if (!CHAT_ACTIONS.has(action)) throw badRequest("wrong parameter action in request");
  targetChat(state, params);
  return true;
}

/** caption / parse_mode / caption_entities of media messages; an empty caption is allowed. */
export function captionOf(params: Params) {
  const caption = params.string("caption") ?? "";
  const formatted = formatText(
    caption,
    params.string("parse_mode"),
    params.json<MessageEntity[]>("caption_entities"),
    { allowEmpty: true },
  );
  if (formatted.text.length > MAX_CAPTION_LENGTH) throw badRequest("message caption is too long");
  if (formatted.text === "") return {};
  return { caption: formatted.text, ...entitiesField("caption_entities", formatted) };
}

export function entitiesField(name: "entities" | "caption_entities", formatted: FormattedText) {
  return formatted.entities.length > 0 ? { [name]: formatted.entities } : {};
}

const isUrl = (value: string) => /^https?:\/\//i.test(value);

function unfetchable(url: string): boolean {
  try {
    return new URL(url).hostname.endsWith(".invalid");
  } catch {
    return true;
  }
}

function knownPhoto(state: EmulatorState, fileId: string) {
  const sizes = state.files.photoSizes(fileId);
  if (sizes) return sizes;
  knownFile(state, fileId, "photo");
  throw badRequest("wrong file identifier/HTTP URL specified");
}

/** A file_id the bot re-sends; it must exist and be of the right kind. */
function knownFile(state: EmulatorState, fileId: string, kind: StoredFile["kind"]): StoredFile {
  const file = state.files.get(fileId);
  if (!file) throw badRequest("wrong file identifier/HTTP URL specified");
  if (file.kind !== kind) {
    const typeName = (k: string) => k.charAt(0).toUpperCase() + k.slice(1);
    throw badRequest(`can't use file of type ${typeName(file.kind)} as ${typeName(kind)}`);
  }
  return file;
}
