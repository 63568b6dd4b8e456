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

const HTML_TAGS = new Set([
  "a",
  "b",
  "strong",
  "i",
  "em",
  "s",
  "strike",
  "del",
  "u",
  "ins",
  "tg-spoiler",
  "tg-emoji",
  "tg-time",
  "span",
  "pre",
  "code",
  "blockquote",
]);

const SIMPLE_HTML_ENTITIES: Record<string, EntityType> = {
  b: "bold",
  strong: "bold",
  i: "italic",
  em: "italic",
  s: "strikethrough",
  strike: "strikethrough",
  del: "strikethrough",
  u: "underline",
  ins: "underline",
  "tg-spoiler": "spoiler",
  span: "spoiler",
};

/** Telegram's HTML parse mode (TDLib parse_html). */
export function parseHtml(source: string): FormattedText {
  const length = source.length;
  const entities: MessageEntity[] = [];
  const open: (OpenEntity & { tag: string })[] = [];
  const codeLanguages: CodeLanguages = new WeakMap();
  let out = "";

  for (let i = 0; i < length; i++) {
    const c = source[i];
    if (c === "&") {
      const decoded = decodeHtmlEntity(source, i);
      if (decoded) {
        out += decoded.char;
        i = decoded.end - 1;
        continue;
      }
    }
    if (c !== "<") {
      out += c;
      continue;
    }

    const begin = i++;
    const at = () => byteOffset(source, begin);
    if (source[i] !== "/") {
      while (i < length && !isSpace(source[i]) && source[i] !== ">") i++;
      if (i >= length) throw parseError(`Unclosed start tag at byte offset ${at()}`);
      const tag = source.slice(begin + 1, i).toLowerCase();
      if (!HTML_TAGS.has(tag)) {
        throw parseError(`Unsupported start tag "${tag}" at byte offset ${at()}`);
      }

      let argument = "";
      while (source[i] !== ">") {
        while (i < length && isSpace(source[i])) i++;
        if (source[i] === ">") break;
        const nameBegin = i;
        while (i < length && !isSpace(source[i]) && !"=>/\"'".includes(source[i] ?? "")) i++;
        const attribute = source.slice(nameBegin, i);
        if (attribute === "") {
          throw parseError(`Empty attribute name in the tag "${tag}" at byte offset ${at()}`);
        }
        while (i < length && isSpace(source[i])) i++;
        if (source[i] !== "=") {
          if (i >= length) throw parseError(`Unclosed start tag "${tag}" at byte offset ${at()}`);
          if (tag === "blockquote" && attribute === "expandable") argument = "1";
          continue;
        }
        i++;
        while (i < length && isSpace(source[i])) i++;
        if (i >= length) throw parseError(`Unclosed start tag "${tag}" at byte offset ${at()}`);

        let value = "";
        if (source[i] !== "'" && source[i] !== '"') {
          const tokenBegin = i;
          while (i < length && /[A-Za-z0-9.-]/.test(source[i] ?? "")) i++;
          value = source.slice(tokenBegin, i).toLowerCase();
          if (i >= length || (!isSpace(source[i]) && source[i] !== ">")) {
            throw parseError(
              `Unexpected end of name token at byte offset ${byteOffset(source, tokenBegin)}`,
            );
          }
        } else {
          const quote = source[i++];
          while (i < length && source[i] !== quote) {
            const decoded = source[i] === "&" ? decodeHtmlEntity(source, i) : undefined;
            if (decoded) {
              value += decoded.char;
              i = decoded.end;
            } else {
              value += source[i++];
            }
          }
          if (source[i] === quote) i++;
        }
        if (i >= length) throw parseError(`Unclosed start tag at byte offset ${at()}`);

        if (tag === "a" && attribute === "href") argument = value;
        else if (tag === "code" && attribute === "class" && value.startsWith("language-")) {
          argument = value.slice("language-".length);
        } else if (tag === "span" && attribute === "class" && value.startsWith("tg-")) {
          argument = value.slice(3);
        } else if (tag === "tg-emoji" && attribute === "emoji-id") argument = value;
        else if (tag === "blockquote" && attribute === "expandable") argument = "1";
      }

      if (tag === "span" && argument !== "spoiler") {
        throw parseError(`Tag "span" must have class "tg-spoiler" at byte offset ${at()}`);
      }
      open.push({ tag, type: "bold", argument, offset: out.length, sourceIndex: begin });
    } else {
      const top = open.at(-1);
      if (!top) throw parseError(`Unexpected end tag at byte offset ${at()}`);
      while (i < length && !isSpace(source[i]) && source[i] !== ">") i++;
      const endTag = source.slice(begin + 2, i).toLowerCase();
      while (i < length && isSpace(source[i])) i++;
      if (source[i] !== ">") throw parseError(`Unclosed end tag at byte offset ${at()}`);
      if (endTag !== "" && endTag !== top.tag) {
        throw parseError(
          `Unmatched end tag at byte offset ${at()}, expected "</${top.tag}>", found "</${endTag}>"`,
        );
      }
      open.pop();
      if (out.length > top.offset) addHtmlEntity(entities, top, out, codeLanguages);
    }
  }

  const unclosed = open.at(-1);
  if (unclosed) {
    throw parseError(`Can't find end tag corresponding to start tag "${unclosed.tag}"`);
  }
  return { text: out, entities: sortEntities(entities) };
}

/** Languages of <code class="language-x"> until a surrounding <pre> claims them. */
type CodeLanguages = WeakMap<MessageEntity, string>;

function addHtmlEntity(
  entities: MessageEntity[],
  open: OpenEntity & { tag: string },
  out: string,
  codeLanguages: CodeLanguages,
) {
  const offset = open.offset;
  const length = out.length - offset;
  const last = entities.at(-1);
  const sameRange = last !== undefined && last.offset === offset && last.length === length;
  const simple = SIMPLE_HTML_ENTITIES[open.tag];

  if (simple) {
    entities.push({ type: simple, offset, length } as MessageEntity);
  } else if (open.tag === "a") {
    const url = checkLink(open.argument || out.slice(offset));
    if (url) entities.push({ type: "text_link", offset, length, url });
  } else if (open.tag === "code") {
    if (sameRange && last.type === "pre" && open.argument) {
      Object.assign(last, { language: open.argument });
    } else {
      const entity: MessageEntity = { type: "code", offset, length };
      if (open.argument) codeLanguages.set(entity, open.argument);
      entities.push(entity);
    }
  } else if (open.tag === "pre") {
    const language = sameRange && last.type === "code" ? codeLanguages.get(last) : undefined;
    if (language) entities.pop();
    entities.push({ type: "pre", offset, length, ...(language ? { language } : {}) });
  } else if (open.tag === "blockquote") {
    entities.push({ type: open.argument ? "expandable_blockquote" : "blockquote", offset, length });
  } else if (open.tag === "tg-emoji") {
    if (!/^[1-9]\d*$/.test(open.argument)) {
      throw parseError("Invalid custom emoji identifier specified");
    }
    entities.push({ type: "custom_emoji", offset, length, custom_emoji_id: open.argument });
  }
  // tg-time produces no entity the emulator models.
}

function decodeHtmlEntity(source: string, pos: number): { char: string; end: number } | undefined {
  let end = pos + 1;
  let code = 0;
  if (source[end] === "#") {
    end++;
    const hex = source[end] === "x";
    if (hex) end++;
    const digits = hex ? /[0-9a-fA-F]/ : /[0-9]/;
    const start = end;
    while (end < source.length && digits.test(source[end] ?? "")) end++;
    code = Number.parseInt(source.slice(start, end) || "0", hex ? 16 : 10);
    if (code === 0 || code >= 0x10ffff || end - pos >= 10) return undefined;
  } else {
    while (end < source.length && /[A-Za-z]/.test(source[end] ?? "")) end++;
    const named: Record<string, number> = { lt: 60, gt: 62, amp: 38, quot: 34 };
    code = named[source.slice(pos + 1, end)] ?? 0;
    if (code === 0) return undefined;
  }
  if (source[end] === ";") end++;
  return { char: String.fromCodePoint(code), end };
}
