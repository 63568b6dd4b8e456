import { badRequest } from "./api-error.ts";
import { multipartBoundary, parseMultipart } from "./multipart.ts";
import type { UploadedFile } from "./types.ts";

/** Bot API parameters after transport decoding: what handlers read and `calls` records. */
export type RawParams = Record<string, unknown>;

/**
 * Parameters that are JSON-serialized when sent as form fields or query strings (grammY does
 * this for multipart requests, e.g. `reply_markup` next to an uploaded photo).
 */
const JSON_PARAMS = new Set([
  "reply_markup",
  "reply_parameters",
  "link_preview_options",
  "entities",
  "caption_entities",
  "allowed_updates",
  "commands",
  "scope",
  "menu_button",
  "media",
]);

const INTEGER_PARAMS = new Set([
  "chat_id",
  "message_id",
  "reply_to_message_id",
  "message_thread_id",
  "offset",
  "limit",
  "timeout",
  "max_connections",
  "cache_time",
  "user_id",
]);

const BOOLEAN_PARAMS = new Set([
  "drop_pending_updates",
  "show_alert",
  "disable_notification",
  "protect_content",
  "has_spoiler",
  "show_caption_above_media",
  "allow_sending_without_reply",
  "disable_web_page_preview",
  "disable_content_type_detection",
]);

/**
 * Reads Bot API parameters from any transport Telegram accepts: the query string, JSON,
 * x-www-form-urlencoded and multipart/form-data. Form values arrive as strings, so known
 * parameters are converted back to the types a JSON request would have had; uploaded files
 * referenced as `attach://<name>` are substituted into the parameter that references them.
 */
export async function readRequestParams(req: Request): Promise<RawParams> {
  const params: RawParams = {};
  for (const [key, value] of new URL(req.url).searchParams)
    params[key] = decodeFormValue(key, value);
  if (req.method === "GET" || req.method === "HEAD") return params;

  const body = Buffer.from(await req.arrayBuffer());
  if (body.length === 0) return params;
  const contentType = req.headers.get("content-type")?.toLowerCase() ?? "";

  if (contentType.startsWith("application/json")) {
    Object.assign(params, parseJsonBody(body));
  } else if (contentType.startsWith("application/x-www-form-urlencoded")) {
    for (const [key, value] of new URLSearchParams(body.toString("utf8"))) {
      params[key] = decodeFormValue(key, value);
    }
  } else if (contentType.startsWith("multipart/form-data")) {
    Object.assign(params, parseMultipartBody(body, req.headers.get("content-type") ?? ""));
  }
  return params;
}

function parseJsonBody(body: Buffer): RawParams {
  let value: unknown;
  try {
    value = JSON.parse(body.toString("utf8"));
  } catch {
    throw badRequest("can't parse JSON request body");
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw badRequest("JSON request body must be an object");
  }
  return value as RawParams;
}

function parseMultipartBody(body: Buffer, contentType: string): RawParams {
  const boundary = multipartBoundary(contentType);
  if (!boundary) throw badRequest("multipart boundary is missing");
  let parts: ReturnType<typeof parseMultipart>;
  try {
    parts = parseMultipart(body, boundary);
  } catch (error) {
    throw badRequest(`can't parse multipart/form-data: ${(error as Error).message}`);
  }

  const fields: RawParams = {};
  const files = new Map<string, UploadedFile>();
  for (const part of parts) {
    if (part.filename === undefined) {
      fields[part.name] = decodeFormValue(part.name, part.data.toString("utf8"));
    } else {
      files.set(part.name, {
        filename: part.filename,
        size: part.data.length,
        bytes: part.data,
        ...(part.contentType ? { contentType: part.contentType } : {}),
      });
    }
  }

  const attached = substituteAttachments(fields, files) as RawParams;
  // A file sent directly under the parameter name (no attach:// indirection) is valid too.
  for (const [name, file] of files) if (!(name in attached)) attached[name] = file;
  return attached;
}

/** Replaces every `attach://<name>` string (at any depth) with the uploaded file `<name>`. */
function substituteAttachments(value: unknown, files: Map<string, UploadedFile>): unknown {
  if (typeof value === "string" && value.startsWith("attach://")) {
    const name = value.slice("attach://".length);
    const file = files.get(name);
    if (!file) return value;
    files.delete(name);
    return file;
  }
  if (Array.isArray(value)) return value.map((item) => substituteAttachments(item, files));
  if (typeof value === "object" && value !== null) {
    return Object.fromEntries(
      Object.entries(value).map(([key, item]) => [key, substituteAttachments(item, files)]),
    );
  }
  return value;
}

function decodeFormValue(key: string, value: string): unknown {
  if (JSON_PARAMS.has(key)) {
    try {
      return JSON.parse(value);
    } catch {
      return value; // left as a string; the handler reports it like Telegram would
    }
  }
  if (INTEGER_PARAMS.has(key) && /^-?\d+$/.test(value)) return Number(value);
  if (BOOLEAN_PARAMS.has(key)) return value === "true" || value === "1";
  return value;
}
