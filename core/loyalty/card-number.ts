import { randomInt } from "node:crypto";

/**
 * Card numbers are 12 digits shown as "1234 5678 9012": digits only, so staff can type them on
 * a numeric keypad, with a Luhn check digit last, which catches every single-digit typo and
 * almost every swap of neighbouring digits.
 */
const LENGTH = 12;

export function luhnCheckDigit(digits: string): number {
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let d = Number(digits[digits.length - 1 - i]);
    if (i % 2 === 0) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return (10 - (sum % 10)) % 10;
}

export function generateCardNumber(): string {
  let body = String(randomInt(1, 10)); // never a leading zero
  while (body.length < LENGTH - 1) body += String(randomInt(0, 10));
  return body + luhnCheckDigit(body);
}

/** Accepts what people type ("1234 5678-9012") and returns the bare digits, or null. */
export function parseCardNumber(input: string): string | null {
  const digits = input.replace(/[\s-]/g, "");
  if (!new RegExp(`^\\d{${LENGTH}}$`).test(digits)) return null;
  const body = digits.slice(0, -1);
  return luhnCheckDigit(body) === Number(digits.at(-1)) ? digits : null;
}

export function formatCardNumber(digits: string): string {
  return digits.replace(/(\d{4})(?=\d)/g, "$1 ");
}
