import { badRequest } from "../api-error.ts";
import type { MethodContext } from "./context.ts";

/** Telegram's getFile limit for bots on the public Bot API server. */
const MAX_DOWNLOAD_SIZE = 20 * 1024 * 1024;

export function answerCallbackQuery({ state, params }: MethodContext) {
  const id = params.string("callback_query_id") ?? "";
  const query = state.callbackQueries.get(id);
  // Each query can be answered once; unknown and repeated answers get the same error.
  if (!query || query.answer) {
    throw badRequest("query is too old and response timeout expired or query ID is invalid");
  }
  const text = params.string("text");
  const url = params.string("url");
  const cacheTime = params.int("cache_time");
  query.answer = {
    callback_query_id: id,
    ...(query.data !== undefined ? { data: query.data } : {}),
    message_id: query.messageId,
    ...(text ? { text } : {}),
    show_alert: params.bool("show_alert"),
    ...(url ? { url } : {}),
    ...(cacheTime !== undefined ? { cache_time: cacheTime } : {}),
    at: new Date(),
  };
  return true;
}

export function getFile({ state, params }: MethodContext) {
  const fileId = params.string("file_id") ?? "";
  if (fileId === "") throw badRequest("file_id not specified");
  const file = state.files.get(fileId);
  if (!file) throw badRequest("invalid file_id");
  if (file.bytes.length > MAX_DOWNLOAD_SIZE) throw badRequest("file is too big");
  return {
    file_id: file.file_id,
    file_unique_id: file.file_unique_id,
    file_size: file.bytes.length,
    file_path: file.file_path,
  };
}
