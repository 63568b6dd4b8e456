import type { MessageEntity } from "grammy/types";
import { badRequest } from "../api-error.ts";
import { parseHtml } from "./html.ts";
import { parseMarkdown } from "./markdown.ts";
import { parseMarkdownV2 } from "./markdown-v2.ts";
import { type EntityType, type FormattedText, sortEntities } from "./shared.ts";

export type { FormattedText } from "./shared.ts";

/**
 * parse_mode handling, ported from TDLib's parse_html / parse_markdown_v2 / parse_markdown
 * (td/telegram/MessageEntity.cpp). Bots break in production on exactly these rules (an
 * unescaped "." in MarkdownV2, a user name containing "<" in HTML), so the emulator rejects
 * the same texts with the same "can't parse entities" errors and returns the same plain text
 * and entities. Offsets are UTF-16 code units, like in the Bot API; the byte offsets in error
 * messages are UTF-8 bytes, like Telegram reports them.
 *
 * Not ported: custom emoji ids and tg-time are accepted without validation, and links are
 * only checked roughly (Telegram drops links it considers invalid).
 */

interface FormatOptions {
  /** Captions may be empty; message texts may not. */
  allowEmpty?: boolean;
}

/**
 * Applies `parse_mode` (or explicit `entities`) to a text the bot sends, then trims it like
 * Telegram. Throws the Bot API error Telegram would answer with.
 */
export function formatText(
  text: string,
  parseMode: string | undefined,
  entities: MessageEntity[] | undefined,
  options: FormatOptions = {},
): FormattedText {
  const mode = (parseMode ?? "").toLowerCase();
  let parsed: FormattedText;
  if (text === "" || mode === "" || mode === "none") {
    parsed = { text, entities: Array.isArray(entities) ? entities : [] };
  } else if (mode === "html") {
    parsed = parseHtml(text);
  } else if (mode === "markdownv2") {
    parsed = parseMarkdownV2(text);
  } else if (mode === "markdown") {
    parsed = parseMarkdown(text);
  } else {
    throw badRequest("unsupported parse_mode");
  }

  const trimmed = trim(parsed);
  if (trimmed.text === "" && !options.allowEmpty) throw badRequest("text must be non-empty");
  return trimmed;
}

/**
 * Telegram strips trailing whitespace, and leading spaces/newlines that precede the first
 * entity; entities are cut to the remaining text.
 */
function trim({ text, entities }: FormattedText): FormattedText {
  const end = text.trimEnd().length;
  const firstEntity = entities.reduce((min, e) => Math.min(min, e.offset), end);
  let start = 0;
  while (start < firstEntity && (text[start] === " " || text[start] === "\n")) start++;

  const kept: MessageEntity[] = [];
  for (const entity of entities) {
    const from = Math.max(entity.offset, start);
    const to = Math.min(entity.offset + entity.length, end);
    if (to > from) kept.push({ ...entity, offset: from - start, length: to - from });
  }
  return { text: text.slice(start, end), entities: kept };
}

/**
 * The entities Telegram adds to texts that users type: commands, mentions, hashtags and
 * links. grammY's command filter relies on the bot_command entity at offset 0.
 */
export function detectEntities(text: string): MessageEntity[] {
  const entities: MessageEntity[] = [];
  const patterns: [EntityType, RegExp][] = [
    ["bot_command", /(?<=^|[\s(])\/[A-Za-z0-9_]{1,64}(?:@[A-Za-z0-9_]{3,32})?(?![\w/])/g],
    ["mention", /(?<=^|[^\w@])@[A-Za-z0-9_]{5,32}\b/g],
    ["hashtag", /(?<=^|[^\w#])#[\p{L}\p{N}_]*\p{L}[\p{L}\p{N}_]*/gu],
    ["url", /\bhttps?:\/\/[^\s<>"]+[^\s<>".,;:!?)\]'"]/g],
  ];
  for (const [type, pattern] of patterns) {
    for (const match of text.matchAll(pattern)) {
      entities.push({ type, offset: match.index, length: match[0].length } as MessageEntity);
    }
  }
  return sortEntities(entities);
}
