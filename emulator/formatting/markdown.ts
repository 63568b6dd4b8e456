import type { MessageEntity } from "grammy/types";
import {
  byteOffset,
  checkLink,
  type FormattedText,
  isSpace,
  parseError,
  sortEntities,
} from "./shared.ts";

/** Telegram's legacy Markdown parse mode (TDLib parse_markdown): no escaping rules, no nesting. */
export function parseMarkdown(source: string): FormattedText {
  const length = source.length;
  const entities: MessageEntity[] = [];
  let out = "";

  for (let i = 0; i < length; i++) {
    const c = source[i] ?? "";
    const next = source[i + 1];
    if (c === "\\" && (next === "_" || next === "*" || next === "`" || next === "[")) {
      out += next;
      i++;
      continue;
    }
    if (c !== "_" && c !== "*" && c !== "`" && c !== "[") {
      out += c;
      continue;
    }

    const begin = i;
    const endChar = c === "[" ? "]" : c;
    let isPre = false;
    let language = "";
    i++;
    if (c === "`" && source[i] === "`" && source[i + 1] === "`") {
      i += 2;
      isPre = true;
      let languageEnd = i;
      while (languageEnd < length && !isSpace(source[languageEnd]) && source[languageEnd] !== "`") {
        languageEnd++;
      }
      if (i !== languageEnd && languageEnd < length && source[languageEnd] !== "`") {
        language = source.slice(i, languageEnd);
        i = languageEnd;
      }
      if (source[i] === "\n" || source[i] === "\r") {
        const after = source[i + 1];
        i += (after === "\n" || after === "\r") && after !== source[i] ? 2 : 1;
      }
    }

    const offset = out.length;
    while (
      i < length &&
      (source[i] !== endChar || (isPre && !(source[i + 1] === "`" && source[i + 2] === "`")))
    ) {
      out += source[i++];
    }
    if (i >= length) {
      throw parseError(
        `Can't find end of the entity starting at byte offset ${byteOffset(source, begin)}`,
      );
    }

    const entityLength = out.length - offset;
    if (entityLength > 0) {
      if (c === "_") entities.push({ type: "italic", offset, length: entityLength });
      else if (c === "*") entities.push({ type: "bold", offset, length: entityLength });
      else if (c === "[") {
        let url = source.slice(begin + 1, i);
        if (source[i + 1] === "(") {
          i += 2;
          url = "";
          while (i < length && source[i] !== ")") url += source[i++];
        }
        const checked = checkLink(url);
        if (checked)
          entities.push({ type: "text_link", offset, length: entityLength, url: checked });
      } else if (isPre) {
        entities.push({
          type: "pre",
          offset,
          length: entityLength,
          ...(language ? { language } : {}),
        });
      } else {
        entities.push({ type: "code", offset, length: entityLength });
      }
    }
    if (isPre) i += 2;
  }
  return { text: out, entities: sortEntities(entities) };
}
