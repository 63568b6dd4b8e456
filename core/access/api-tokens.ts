import type { ApiToken, PrismaClient, StaffRole } from "../db/client.ts";
import { AppError } from "../errors.ts";
import { AuditAction, recordAuditWithPrisma } from "./audit.ts";
import { generateToken, hashToken } from "./authenticate.ts";
import type { Actor } from "./permissions.ts";

/** Who issues or revokes, for the audit log (written in the same transaction as the change). */
type TokenAudit = { actor: Actor };

export type ApiTokenView = Omit<ApiToken, "tokenHash">;

function view({ tokenHash: _hidden, ...rest }: ApiToken): ApiTokenView {
  return rest;
}

/** Issues a token. The plain token is returned once, here; only its SHA-256 hash is stored. */
export async function createApiToken(
  db: PrismaClient,
  options: {
    audit: TokenAudit;
    name: string;
    role: StaffRole;
    staffId?: string | undefined;
    expiresAt?: Date | undefined;
  },
): Promise<{ token: string; apiToken: ApiTokenView }> {
  if (options.staffId) {
    const staff = await db.staffMember.findUnique({ where: { id: options.staffId } });
    if (!staff) throw new AppError("not_found", `Staff member ${options.staffId} not found`);
  }
  const token = generateToken();
  const row = await db.$transaction(async (tx) => {
    const created = await tx.apiToken.create({
      data: {
        name: options.name,
        role: options.role,
        staffId: options.staffId ?? null,
        expiresAt: options.expiresAt ?? null,
        tokenHash: hashToken(token),
      },
    });
    await recordAuditWithPrisma(tx, {
      actor: options.audit.actor,
      action: AuditAction.tokenIssued,
      data: {
        tokenId: created.id,
        name: created.name,
        role: created.role,
        staffId: created.staffId,
      },
    });
    return created;
  });
  return { token, apiToken: view(row) };
}

export async function listApiTokens(db: PrismaClient): Promise<ApiTokenView[]> {
  const rows = await db.apiToken.findMany({ orderBy: { createdAt: "desc" } });
  return rows.map(view);
}

/** Revoking twice is harmless: the first revocation time is kept, and logged once. */
export async function revokeApiToken(
  db: PrismaClient,
  options: { id: string; audit: TokenAudit; now?: Date },
): Promise<ApiTokenView> {
  const { id } = options;
  const row = await db.apiToken.findUnique({ where: { id } });
  if (!row) throw new AppError("not_found", `API token ${id} not found`);
  if (row.revokedAt) return view(row);
  const revoked = await db.$transaction(async (tx) => {
    const updated = await tx.apiToken.update({
      where: { id },
      data: { revokedAt: options.now ?? new Date() },
    });
    await recordAuditWithPrisma(tx, {
      actor: options.audit.actor,
      action: AuditAction.tokenRevoked,
      data: { tokenId: id, name: row.name, role: row.role },
    });
    return updated;
  });
  return view(revoked);
}
