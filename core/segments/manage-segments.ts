import { AuditAction, recordAuditWithPrisma } from "../access/audit.ts";
import { type Actor, Permission, requirePermission } from "../access/permissions.ts";
import type { Customer, LoyaltyCard, Prisma, PrismaClient } from "../db/client.ts";
import { isUniqueViolationSql, type Sql } from "../db/sql.ts";
import { Fragment, rawArgs } from "../db/sql-fragment.ts";
import { AppError, isUniqueViolation } from "../errors.ts";
import { compileRule } from "./compile.ts";
import type { CompileContext } from "./fields.ts";
import { parseRule, type Rule } from "./rule.ts";

/** How many customers a preview shows. */
export const PREVIEW_SIZE = 20;

export type SegmentDeps = { db: PrismaClient; sql: Sql; timeZone: string; now?: () => Date };

const context = (deps: SegmentDeps): CompileContext => ({
  now: deps.now?.() ?? new Date(),
  timeZone: deps.timeZone,
});

/** How many customers match the rule now. */
export async function countRule(deps: SegmentDeps, rule: Rule): Promise<number> {
  const where = compileRule(rule, context(deps));
  const [row] = await deps.db.$queryRawUnsafe<Array<{ count: number }>>(
    ...rawArgs(Fragment.sql`SELECT count(*)::int AS "count" FROM "Customer" c WHERE ${where}`),
  );
  return row?.count ?? 0;
}

/** The count and the newest matching customers, saving nothing. */
export async function previewRule(
  deps: SegmentDeps & { actor: Actor },
  rule: Rule,
): Promise<{ count: number; customers: Array<Customer & { card: LoyaltyCard | null }> }> {
  requirePermission(deps.actor, Permission.viewCustomers);
  const where = compileRule(rule, context(deps));
  const [count, ids] = await Promise.all([
    countRule(deps, rule),
    deps.db.$queryRawUnsafe<Array<{ id: string }>>(
      ...rawArgs(
        Fragment.sql`SELECT c."id" FROM "Customer" c WHERE ${where}
          ORDER BY c."createdAt" DESC, c."id" DESC LIMIT ${PREVIEW_SIZE}`,
      ),
    ),
  ]);
  return {
    count,
    customers: await customersInOrder(
      deps.db,
      ids.map((row) => row.id),
    ),
  };
}

/** Customers by id with their cards, in the order of `ids`. */
export async function customersInOrder(db: PrismaClient, ids: string[]) {
  if (ids.length === 0) return [];
  const rows = await db.customer.findMany({ where: { id: { in: ids } }, include: { card: true } });
  const byId = new Map(rows.map((row) => [row.id, row]));
  return ids.flatMap((id) => byId.get(id) ?? []);
}

export type SegmentInput = {
  name: string;
  description?: string | null | undefined;
  /** As received: parseRule checks it and names each bad part by its path. */
  rule: unknown;
};

export type SegmentView = {
  id: string;
  name: string;
  description: string | null;
  rule: Rule;
  count: number | null;
  countedAt: Date | null;
  createdAt: Date;
  updatedAt: Date;
};

type SegmentRow = Awaited<ReturnType<PrismaClient["segment"]["findFirstOrThrow"]>>;

function view(row: SegmentRow): SegmentView {
  return {
    id: row.id,
    name: row.name,
    description: row.description,
    rule: row.definition as Rule,
    count: row.cachedCount,
    countedAt: row.countedAt,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
  };
}

const notFound = (id: string) =>
  new AppError("not_found", "No segment with this id", { segmentId: id });
const nameTaken = (name: string) =>
  new AppError("conflict", `A segment named "${name}" exists`, { name });

export async function listSegments(deps: SegmentDeps & { actor: Actor }): Promise<SegmentView[]> {
  requirePermission(deps.actor, Permission.viewCustomers);
  const rows = await deps.db.segment.findMany({ orderBy: [{ name: "asc" }] });
  return rows.map(view);
}

export async function getSegment(
  deps: SegmentDeps & { actor: Actor },
  id: string,
): Promise<SegmentView> {
  requirePermission(deps.actor, Permission.viewCustomers);
  const row = await deps.db.segment.findUnique({ where: { id } });
  if (!row) throw notFound(id);
  return view(row);
}

/** A saved segment's rule, for filtering customers by it. */
export async function segmentRule(db: PrismaClient, id: string, path = "segment"): Promise<Rule> {
  const row = await db.segment.findUnique({ where: { id }, select: { definition: true } });
  if (!row)
    throw new AppError("invalid_input", `No segment with id ${id}`, {
      issues: [{ field: path, message: "no segment with this id" }],
    });
  return row.definition as Rule;
}

export async function createSegment(
  deps: SegmentDeps & { actor: Actor },
  input: SegmentInput,
): Promise<SegmentView> {
  requirePermission(deps.actor, Permission.manageSegments);
  const rule = parseRule(input.rule);
  await requireFreeName(deps.db, input.name);
  const count = await countRule(deps, rule);
  try {
    const row = await deps.db.$transaction(async (tx) => {
      const created = await tx.segment.create({
        data: {
          name: input.name,
          description: input.description ?? null,
          definition: rule as Prisma.InputJsonValue,
          cachedCount: count,
          countedAt: new Date(),
          createdById: deps.actor.staffId,
        },
      });
      await audit(tx, deps.actor, "created", created);
      return created;
    });
    return view(row);
  } catch (error) {
    if (isUniqueViolation(error) || isUniqueViolationSql(error)) throw nameTaken(input.name);
    throw error;
  }
}

export async function updateSegment(
  deps: SegmentDeps & { actor: Actor },
  id: string,
  input: SegmentInput,
): Promise<SegmentView> {
  requirePermission(deps.actor, Permission.manageSegments);
  const rule = parseRule(input.rule);
  await requireFreeName(deps.db, input.name, id);
  const count = await countRule(deps, rule);
  try {
    const row = await deps.db.$transaction(async (tx) => {
      const updated = await tx.segment.update({
        where: { id },
        data: {
          name: input.name,
          description: input.description ?? null,
          definition: rule as Prisma.InputJsonValue,
          cachedCount: count,
          countedAt: new Date(),
        },
      });
      await audit(tx, deps.actor, "updated", updated);
      return updated;
    });
    return view(row);
  } catch (error) {
    if (isUniqueViolation(error) || isUniqueViolationSql(error)) throw nameTaken(input.name);
    if (isRecordMissing(error)) throw notFound(id);
    throw error;
  }
}

export async function deleteSegment(
  deps: SegmentDeps & { actor: Actor },
  id: string,
): Promise<void> {
  requirePermission(deps.actor, Permission.manageSegments);
  try {
    await deps.db.$transaction(async (tx) => {
      const row = await tx.segment.delete({ where: { id } });
      await audit(tx, deps.actor, "deleted", row);
    });
  } catch (error) {
    if (isRecordMissing(error)) throw notFound(id);
    throw error;
  }
}

/** Recounts every saved segment (the scheduled job); a broken one does not stop the rest. */
export async function refreshSegmentCounts(
  deps: SegmentDeps,
): Promise<{ refreshed: number; failed: string[] }> {
  const rows = await deps.db.segment.findMany({ select: { id: true, definition: true } });
  const failed: string[] = [];
  for (const row of rows) {
    try {
      // Saved rules were checked when saved; checking again keeps a hand-edited row harmless.
      const count = await countRule(deps, parseRule(row.definition));
      await deps.db.segment.update({
        where: { id: row.id },
        data: { cachedCount: count, countedAt: new Date() },
      });
    } catch {
      failed.push(row.id);
    }
  }
  return { refreshed: rows.length - failed.length, failed };
}

/** Checked first for a clear 409; the unique index still settles two saves at once. */
async function requireFreeName(db: PrismaClient, name: string, exceptId?: string) {
  const taken = await db.segment.findFirst({
    where: { name, ...(exceptId ? { id: { not: exceptId } } : {}) },
    select: { id: true },
  });
  if (taken) throw nameTaken(name);
}

function isRecordMissing(error: unknown): boolean {
  return (
    typeof error === "object" && error !== null && (error as { code?: unknown }).code === "P2025"
  );
}

function audit(
  tx: Parameters<typeof recordAuditWithPrisma>[0],
  actor: Actor,
  change: "created" | "updated" | "deleted",
  row: SegmentRow,
) {
  return recordAuditWithPrisma(tx, {
    actor,
    action: AuditAction.segmentChanged,
    data: { change, segmentId: row.id, name: row.name },
  });
}
