import type { MessageEntity } from "grammy/types";
import {
  byteOffset,
  checkLink,
  type EntityType,
  type FormattedText,
  isSpace,
  type OpenEntity,
  parseError,
  sortEntities,
} from "./shared.ts";

const ENTITY_NAMES: Partial<Record<EntityType, string>> = {
  bold: "Bold",
  italic: "Italic",
  underline: "Underline",
  strikethrough: "Strikethrough",
  spoiler: "Spoiler",
  code: "Code",
  pre: "Pre",
  text_link: "TextUrl",
  custom_emoji: "CustomEmoji",
  blockquote: "BlockQuote",
};

/** Telegram's MarkdownV2 parse mode (TDLib parse_markdown_v2). */
export function parseMarkdownV2(source: string): FormattedText {
  const length = source.length;
  const entities: MessageEntity[] = [];
  const open: OpenEntity[] = [];
  let out = "";
  let haveBlockquote = false;
  let canStartBlockquote = true;

  const reservedError = (c: string) =>
    parseError(`Character '${c}' is reserved and must be escaped with the preceding '\\'`);
  const entityName = (entity: OpenEntity) =>
    entity.type === "pre" && entity.argument
      ? "PreCode"
      : (ENTITY_NAMES[entity.type] ?? entity.type);
  const missingEnd = (entity: OpenEntity) =>
    parseError(
      `Can't find end of ${entityName(entity)} entity at byte offset ${byteOffset(source, entity.sourceIndex)}`,
    );
  const isEscapable = (c: string | undefined) =>
    c !== undefined && c.charCodeAt(0) > 0 && c.charCodeAt(0) <= 126;

  for (let i = 0; i < length; i++) {
    const c = source[i] ?? "";
    if (c === "\\" && isEscapable(source[i + 1])) {
      i++;
      out += source[i];
      if (source[i] !== "\r") canStartBlockquote = source[i] === "\n";
      continue;
    }

    const top = open.at(-1);
    const inCode = top?.type === "code" || top?.type === "pre";
    const reserved = inCode ? "`" : "_*[]()~`>#+-=|{}.!\n";
    if (!reserved.includes(c)) {
      out += c;
      if (c !== "\r") canStartBlockquote = false;
      continue;
    }

    const next = source[i + 1];
    const isEndOfEntity = (() => {
      if (!top) return false;
      if (haveBlockquote && c === "\n" && (i + 1 === length || next !== ">")) return true;
      switch (top.type) {
        case "bold":
          return c === "*";
        case "italic":
          return c === "_" && next !== "_";
        case "code":
          return c === "`";
        case "pre":
          return c === "`" && next === "`" && source[i + 2] === "`";
        case "text_link":
        case "custom_emoji":
          return c === "]";
        case "underline":
          return c === "_" && next === "_";
        case "strikethrough":
          return c === "~";
        case "spoiler":
          return c === "|" && next === "|";
        default:
          return false;
      }
    })();

    if (!isEndOfEntity) {
      const sourceIndex = i;
      let type: EntityType;
      let argument = "";
      switch (c) {
        case "_":
          if (next === "_") {
            type = "underline";
            i++;
          } else {
            type = "italic";
          }
          break;
        case "*":
          type = "bold";
          break;
        case "~":
          type = "strikethrough";
          break;
        case "|":
          if (next !== "|") throw reservedError(c);
          i++;
          type = "spoiler";
          break;
        case "[":
          type = "text_link";
          break;
        case "`":
          if (next === "`" && source[i + 2] === "`") {
            i += 3;
            type = "pre";
            let languageEnd = i;
            while (
              languageEnd < length &&
              !isSpace(source[languageEnd]) &&
              source[languageEnd] !== "`"
            ) {
              languageEnd++;
            }
            if (i !== languageEnd && languageEnd < length && source[languageEnd] !== "`") {
              argument = source.slice(i, languageEnd);
              i = languageEnd;
            }
            // One line break right after the opening fence is not part of the code.
            if (source[i] === "\n" || source[i] === "\r") {
              const after = source[i + 1];
              i += (after === "\n" || after === "\r") && after !== source[i] ? 2 : 1;
            }
            i--;
          } else {
            type = "code";
          }
          break;
        case "!":
          if (next !== "[") throw reservedError(c);
          i++;
          type = "custom_emoji";
          break;
        case "\n":
          out += "\n";
          canStartBlockquote = true;
          continue;
        case ">":
          if (!canStartBlockquote) throw reservedError(c);
          if (haveBlockquote) continue;
          type = "blockquote";
          haveBlockquote = true;
          break;
        default:
          throw reservedError(c);
      }
      open.push({ type, argument, offset: out.length, sourceIndex });
      continue;
    }

    // End of an entity.
    let closing = top as OpenEntity;
    let type = closing.type;
    if (c === "\n" && type !== "blockquote") {
      // Only "**>...||" may end a line inside a blockquote: it makes the quote expandable.
      const endsSpoilerMark =
        type === "spoiler" &&
        (closing.sourceIndex === i - 2 || (closing.sourceIndex === i - 3 && out.endsWith("\r")));
      if (!endsSpoilerMark) throw missingEnd(closing);
      open.pop();
      closing = open.at(-1) as OpenEntity;
      if (closing.type !== "blockquote") throw missingEnd(closing);
      type = "expandable_blockquote";
    }

    let argument = closing.argument;
    let skip = out.length === closing.offset;
    switch (type) {
      case "underline":
      case "spoiler":
        i++;
        break;
      case "pre":
        i += 2;
        break;
      case "text_link": {
        let url = "";
        if (source[i + 1] !== "(") {
          url = out.slice(closing.offset);
        } else {
          i += 2;
          const urlBegin = i;
          ({ url, end: i } = readMarkdownUrl(source, i));
          if (source[i] !== ")") {
            throw parseError(
              `Can't find end of a URL at byte offset ${byteOffset(source, urlBegin)}`,
            );
          }
        }
        const checked = checkLink(url);
        if (checked) argument = checked;
        else skip = true;
        break;
      }
      case "custom_emoji": {
        if (source[i + 1] !== "(") {
          throw parseError("The entity must contain a tg://emoji or tg://time URL");
        }
        i += 2;
        const urlBegin = i;
        let url: string;
        ({ url, end: i } = readMarkdownUrl(source, i));
        if (source[i] !== ")") {
          throw parseError(
            `Can't find end of a URL at byte offset ${byteOffset(source, urlBegin)}`,
          );
        }
        const id = /^tg:\/\/emoji\?id=(\d+)$/.exec(url)?.[1];
        if (!id) throw parseError("Invalid tg://emoji or tg://time URL specified");
        argument = id;
        break;
      }
      case "blockquote":
      case "expandable_blockquote":
        haveBlockquote = false;
        out += c;
        canStartBlockquote = true;
        skip = false;
        break;
      default:
        break;
    }

    if (!skip) {
      const entityLength = out.length - closing.offset;
      entities.push(markdownEntity(type, closing.offset, entityLength, argument));
    }
    open.pop();
  }

  if (haveBlockquote) {
    let quote = open.at(-1);
    let type: EntityType = "blockquote";
    if (quote?.type === "spoiler" && quote.sourceIndex === length - 2) {
      open.pop();
      quote = open.at(-1);
      type = "expandable_blockquote";
    }
    if (quote?.type === "blockquote") {
      const entityLength = out.length - quote.offset;
      if (entityLength !== 0) entities.push({ type, offset: quote.offset, length: entityLength });
      open.pop();
    }
  }
  const unclosed = open.at(-1);
  if (unclosed) throw missingEnd(unclosed);
  return { text: out, entities: sortEntities(entities) };
}

function readMarkdownUrl(source: string, start: number): { url: string; end: number } {
  let url = "";
  let i = start;
  while (i < source.length && source[i] !== ")") {
    const next = source[i + 1];
    if (source[i] === "\\" && next !== undefined && next.charCodeAt(0) <= 126) {
      url += next;
      i += 2;
      continue;
    }
    url += source[i++];
  }
  return { url, end: i };
}

function markdownEntity(type: EntityType, offset: number, length: number, argument: string) {
  switch (type) {
    case "text_link":
      return { type, offset, length, url: argument } as MessageEntity;
    case "custom_emoji":
      return { type, offset, length, custom_emoji_id: argument } as MessageEntity;
    case "pre":
      return { type, offset, length, ...(argument ? { language: argument } : {}) } as MessageEntity;
    default:
      return { type, offset, length } as MessageEntity;
  }
}
