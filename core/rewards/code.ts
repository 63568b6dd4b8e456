import { randomInt } from "node:crypto";

/**
 * Reward codes: what a customer shows at the till and a cashier may have to type. Eight
 * characters from an alphabet without look-alikes (no 0/O, 1/I/L), shown as ABCD-2345, read back
 * whatever the case, spaces or dash. 31⁸ ≈ 8.5·10¹¹ codes: guessing one is hopeless, and only
 * staff can use them anyway. Every code mixes letters and digits, so a typed code is never
 * mistaken for a word or an @username, nor a card number or phone for a code.
 */
export const CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ";
const LENGTH = 8;
const valid = new RegExp(`^[${CODE_ALPHABET}]{${LENGTH}}$`);

function mixed(code: string): boolean {
  return /[A-Z]/.test(code) && /\d/.test(code);
}

export function generateRewardCode(): string {
  for (;;) {
    let code = "";
    for (let i = 0; i < LENGTH; i++) code += CODE_ALPHABET[randomInt(CODE_ALPHABET.length)];
    if (mixed(code)) return code;
  }
}

/** ABCD2345 → ABCD-2345. */
export function formatRewardCode(code: string): string {
  return `${code.slice(0, 4)}-${code.slice(4)}`;
}

/** A code as typed or scanned ("abcd-2345", "ABCD 2345"), or null if it cannot be one. */
export function parseRewardCode(text: string): string | null {
  const trimmed = text.trim().toUpperCase();
  if (!/^[A-Z0-9]{4}[\s-]?[A-Z0-9]{4}$/.test(trimmed)) return null;
  const code = trimmed.replace(/[\s-]/g, "");
  return valid.test(code) && mixed(code) ? code : null;
}

/** What the code's QR picture encodes: staff's phone camera opens the bot on the code. */
export function rewardDeepLink(botUsername: string, code: string): string {
  return `https://t.me/${botUsername}?start=reward_${code}`;
}
