import { randomInt } from "node:crypto";

// No 0/O, 1/I/L: codes get read aloud and typed from screenshots.
const alphabet = "23456789ABCDEFGHJKMNPQRSTUVWXYZ";

export function generateReferralCode(length = 8): string {
  let code = "";
  for (let i = 0; i < length; i++) code += alphabet[randomInt(alphabet.length)];
  return code;
}
