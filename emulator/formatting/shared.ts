import type { MessageEntity } from "grammy/types";
import { badRequest } from "../api-error.ts";

export interface FormattedText {
  text: string;
  entities: MessageEntity[];
}

export type EntityType = MessageEntity["type"];

export interface OpenEntity {
  type: EntityType;
  argument: string;
  /** UTF-16 offset in the output where the entity starts. */
  offset: number;
  /** Index in the source where its opening markup starts. */
  sourceIndex: number;
}

export const parseError = (message: string) => badRequest(`can't parse entities: ${message}`);

/** UTF-8 byte offset of a UTF-16 index, for error messages. */
export const byteOffset = (source: string, index: number) =>
  Buffer.byteLength(source.slice(0, index));

export const isSpace = (c: string | undefined) =>
  c === " " || c === "\t" || c === "\n" || c === "\r" || c === "\f" || c === "\v";

/**
 * Roughly TDLib's get_checked_link: known schemes pass, bare domains get "http://", anything
 * else makes Telegram silently drop the link.
 */
export function checkLink(url: string): string | undefined {
  const trimmed = url.trim();
  if (/^(https?|tg|ton):/i.test(trimmed)) return trimmed;
  if (/^[a-z][a-z0-9+.-]*:/i.test(trimmed)) return undefined;
  if (/^[\p{L}\p{N}-]+(\.[\p{L}\p{N}-]+)+([/?#:].*)?$/u.test(trimmed)) return `http://${trimmed}`;
  return undefined;
}

export function sortEntities(entities: MessageEntity[]): MessageEntity[] {
  return entities.sort((a, b) => a.offset - b.offset || b.length - a.length);
}
