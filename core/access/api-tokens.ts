import type { ApiToken, PrismaClient, StaffRole } from "../db/client.ts";
import { AppError } from "../errors.ts";
import { generateToken, hashToken } from "./authenticate.ts";

export type ApiTokenView = Omit<ApiToken, "tokenHash">;

function view({ tokenHash: _hidden, ...rest }: ApiToken): ApiTokenView {
  return rest;
}

/** Issues a token. The plain token is returned once, here; only its SHA-256 hash is stored. */
export async function createApiToken(
  db: PrismaClient,
  options: {
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
  const row = await db.apiToken.create({
    data: {
      name: options.name,
      role: options.role,
      staffId: options.staffId ?? null,
      expiresAt: options.expiresAt ?? null,
      tokenHash: hashToken(token),
    },
  });
  return { token, apiToken: view(row) };
}

export async function listApiTokens(db: PrismaClient): Promise<ApiTokenView[]> {
  const rows = await db.apiToken.findMany({ orderBy: { createdAt: "desc" } });
  return rows.map(view);
}

/** Revoking twice is harmless: the first revocation time is kept. */
export async function revokeApiToken(
  db: PrismaClient,
  id: string,
  now = new Date(),
): Promise<ApiTokenView> {
  const row = await db.apiToken.findUnique({ where: { id } });
  if (!row) throw new AppError("not_found", `API token ${id} not found`);
  if (row.revokedAt) return view(row);
  return view(await db.apiToken.update({ where: { id }, data: { revokedAt: now } }));
}
