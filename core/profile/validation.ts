import { type CountryCode, parsePhoneNumberFromString } from "libphonenumber-js/max";

/**
 * Parsers for what customers type. Each returns the clean value or a reason that the bot turns
 * into a specific hint (`invalid-<reason>` in bot/locales).
 */
export type Parsed<T, Reason extends string> =
  | { ok: true; value: T }
  | { ok: false; reason: Reason };

export const NAME_MAX_LENGTH = 64;

export function parseName(
  input: string,
): Parsed<string, "name_empty" | "name_too_long" | "name_no_letters"> {
  // Control and invisible formatting characters are dropped; letters of any script, emoji,
  // spaces, hyphens and apostrophes stay: "Анна-Мария", "O'Neil", "李小龙", "Ника 🌸".
  const cleaned = input
    .normalize("NFC")
    .replace(/[\p{Cc}\p{Cf}]/gu, (c) => (c === "\u200d" ? c : ""))
    .replace(/\s+/g, " ")
    .trim();
  if (cleaned.length === 0) return { ok: false, reason: "name_empty" };
  if ([...cleaned].length > NAME_MAX_LENGTH) return { ok: false, reason: "name_too_long" };
  if (!/\p{L}/u.test(cleaned)) return { ok: false, reason: "name_no_letters" };
  return { ok: true, value: cleaned };
}

export function parsePhone(
  input: string,
  defaultRegion: string,
): Parsed<{ e164: string; country: string | undefined }, "phone_invalid"> {
  const trimmed = input.trim();
  // Telegram contacts sometimes arrive without the leading "+": "79991234567".
  const candidates = /^\d{11,15}$/.test(trimmed) ? [trimmed, `+${trimmed}`] : [trimmed];
  for (const candidate of candidates) {
    if (candidate.length > 32) break;
    const phone = parsePhoneNumberFromString(candidate, defaultRegion as CountryCode);
    if (phone?.isValid())
      return { ok: true, value: { e164: phone.number, country: phone.country } };
  }
  return { ok: false, reason: "phone_invalid" };
}

/** "25.12.1990", "25/12/1990", "1990-12-25": a real calendar day, as midnight UTC. */
export function parseDate(input: string): Parsed<Date, "date_invalid"> {
  const text = input.trim();
  let day: number;
  let month: number;
  let year: number;
  const dmy = /^(\d{1,2})[./\-\s](\d{1,2})[./\-\s](\d{4})$/.exec(text);
  const iso = /^(\d{4})-(\d{1,2})-(\d{1,2})$/.exec(text);
  if (dmy) [day, month, year] = [Number(dmy[1]), Number(dmy[2]), Number(dmy[3])];
  else if (iso) [year, month, day] = [Number(iso[1]), Number(iso[2]), Number(iso[3])];
  else return { ok: false, reason: "date_invalid" };
  const date = new Date(Date.UTC(year, month - 1, day));
  if (
    date.getUTCFullYear() !== year ||
    date.getUTCMonth() !== month - 1 ||
    date.getUTCDate() !== day
  ) {
    return { ok: false, reason: "date_invalid" };
  }
  return { ok: true, value: date };
}

/** The oldest birthday taken as real; an older year is a typo. */
export const BIRTHDAY_MAX_AGE_YEARS = 120;

export function parseBirthday(
  input: string,
  now: Date,
): Parsed<Date, "date_invalid" | "date_in_future" | "date_too_old"> {
  const parsed = parseDate(input);
  if (!parsed.ok) return parsed;
  const date = parsed.value;
  if (date.getTime() > now.getTime()) return { ok: false, reason: "date_in_future" };
  if (now.getUTCFullYear() - date.getUTCFullYear() > BIRTHDAY_MAX_AGE_YEARS)
    return { ok: false, reason: "date_too_old" };
  return { ok: true, value: date };
}

export function parseCity(input: string): Parsed<string, "city_invalid"> {
  const cleaned = input.replace(/\s+/g, " ").trim();
  if (cleaned.length < 2 || cleaned.length > 64 || !/\p{L}/u.test(cleaned)) {
    return { ok: false, reason: "city_invalid" };
  }
  return { ok: true, value: cleaned };
}

export function parseEmail(input: string): Parsed<string, "email_invalid"> {
  const cleaned = input.trim().toLowerCase();
  if (cleaned.length > 254 || !/^[^\s@]+@[^\s@]+\.[^\s@]{2,}$/.test(cleaned)) {
    return { ok: false, reason: "email_invalid" };
  }
  return { ok: true, value: cleaned };
}
