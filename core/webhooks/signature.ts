import { createHmac, randomBytes, timingSafeEqual } from "node:crypto";

/** The X-Webhook-Signature value of a body: `sha256=<hex HMAC-SHA256 with the secret>`. */
export function signWebhookBody(secret: string, body: string): string {
  return `sha256=${createHmac("sha256", secret).update(body).digest("hex")}`;
}

/** For receivers (and tests): compares in constant time. */
export function verifyWebhookSignature(secret: string, body: string, header: string): boolean {
  const expected = Buffer.from(signWebhookBody(secret, body));
  const given = Buffer.from(header);
  return expected.length === given.length && timingSafeEqual(expected, given);
}

/** A fresh endpoint secret: 32 random bytes, hex. */
export function newWebhookSecret(): string {
  return `whsec_${randomBytes(32).toString("hex")}`;
}
