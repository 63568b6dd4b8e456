import { createHash, randomBytes, timingSafeEqual } from "node:crypto";
import type { PrismaClient, StaffRole } from "../db/client.ts";

export type Principal = {
  role: StaffRole;
  /** "admin-token" for the bootstrap ADMIN_TOKEN, otherwise the ApiToken id. */
  tokenId: string;
  staffId: string | null;
};

export function hashToken(token: string): string {
  return createHash("sha256").update(token).digest("hex");
}

/** A new random API token; only its hash is ever stored. */
export function generateToken(): string {
  return `lt_${randomBytes(24).toString("base64url")}`;
}

function sameHash(a: string, b: string): boolean {
  const left = Buffer.from(a, "hex");
  const right = Buffer.from(b, "hex");
  return left.length === right.length && timingSafeEqual(left, right);
}

/**
 * Resolves a bearer token to who is calling. The bootstrap ADMIN_TOKEN from configuration acts
 * as the owner; every other token is looked up by its SHA-256 hash.
 */
export async function authenticate(
  db: PrismaClient,
  options: { token: string; adminToken: string | undefined; now?: Date },
): Promise<Principal | null> {
  const hash = hashToken(options.token);
  if (options.adminToken && sameHash(hash, hashToken(options.adminToken))) {
    return { role: "OWNER", tokenId: "admin-token", staffId: null };
  }
  const now = options.now ?? new Date();
  const stored = await db.apiToken.findUnique({ where: { tokenHash: hash } });
  if (!stored || stored.revokedAt || (stored.expiresAt && stored.expiresAt <= now)) return null;
  if (stored.staffId) {
    const staff = await db.staffMember.findUnique({ where: { id: stored.staffId } });
    if (!staff?.active) return null;
  }
  // Bookkeeping only; losing this write must not fail the request.
  await db.apiToken.update({ where: { id: stored.id }, data: { lastUsedAt: now } }).catch(() => {});
  return { role: stored.role, tokenId: stored.id, staffId: stored.staffId };
}
