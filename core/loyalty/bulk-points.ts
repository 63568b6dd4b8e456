import { randomUUID } from "node:crypto";
import { AuditAction, recordAudit } from "../access/audit.ts";
import { type Actor, Permission, requirePermission } from "../access/permissions.ts";
import type { Sql } from "../db/sql.ts";
import {
  insertRun,
  type RunSummary,
  selectRunById,
  selectRunByKey,
} from "../db/tables/bulk-points-runs.ts";
import { type CustomerRefMatch, selectCustomersByRefs } from "../db/tables/customers.ts";
import { AppError } from "../errors.ts";
import { parsePhone } from "../profile/validation.ts";
import { parseCardNumber } from "./card-number.ts";

/**
 * Bulk points (POST /api/points/bulk): one list of customers, each credited or debited, with
 * one reason. Here: matching the list, the dry run, and starting a run; bulk-points-processing.ts
 * applies a run in batches.
 */

/** One line of the list: a reference and its points (the list's default already applied). */
export type BulkLine = {
  /** As the caller wrote it: an id, a card number or a phone. */
  ref: string;
  /** What the reference is; without it, it is told by its shape. */
  by?: "customerId" | "card" | "phone" | undefined;
  points: number;
};

/** A customer the run will credit or debit, once. */
export type BulkEntry = { customerId: string; ref: string; points: number };

export type UnmatchedReason =
  /** Neither a customer id, nor a card number, nor a phone. */
  | "unrecognised"
  /** Twelve digits whose check digit is wrong: a typo. */
  | "bad_card_number"
  | "invalid_phone"
  | "not_found"
  /** The customer has no active card to move points on. */
  | "no_card"
  /** The caller's own card: nobody moves points on their own card. */
  | "own_card";

export type Unmatched = { ref: string; reason: UnmatchedReason };
/** A line naming a customer an earlier line already named: applied once, by the first. */
export type Duplicate = { ref: string; customerId: string; duplicateOf: string };

export type BulkMatch = {
  entries: BulkEntry[];
  unmatched: Unmatched[];
  duplicates: Duplicate[];
  /** The balances of the matched customers now (for the dry run's shortfalls). */
  balances: Map<string, number>;
};

const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

type Parsed =
  | { kind: "id"; value: string }
  | { kind: "card"; value: string }
  | { kind: "phone"; value: string }
  | { kind: "bad"; reason: UnmatchedReason };

function parseRef(line: BulkLine, phoneRegion: string): Parsed {
  const ref = line.ref.trim();
  const by =
    line.by ??
    (uuidPattern.test(ref)
      ? "customerId"
      : /^\d{12}$/.test(ref.replace(/[\s-]/g, ""))
        ? "card"
        : "phone");
  if (by === "customerId") {
    return uuidPattern.test(ref)
      ? { kind: "id", value: ref.toLowerCase() }
      : { kind: "bad", reason: "unrecognised" };
  }
  if (by === "card") {
    const number = parseCardNumber(ref);
    return number ? { kind: "card", value: number } : { kind: "bad", reason: "bad_card_number" };
  }
  const phone = parsePhone(ref, phoneRegion);
  if (phone.ok) return { kind: "phone", value: phone.value.e164 };
  return { kind: "bad", reason: line.by === "phone" ? "invalid_phone" : "unrecognised" };
}

/**
 * Finds the customers a list names: ids, card numbers (spaces and dashes allowed, check digit
 * checked) and phones in any usual format (read with the configured default region), in one
 * statement. Each customer is taken once, by the first line that names them; later lines
 * naming them again (by another reference, or the same one twice) are reported as duplicates.
 */
export async function matchBulkLines(
  sql: Sql,
  options: { lines: readonly BulkLine[]; phoneRegion: string; ownCustomerId?: string | null },
): Promise<BulkMatch> {
  const parsed = options.lines.map((line) => parseRef(line, options.phoneRegion));
  const pick = (kind: "id" | "card" | "phone") => [
    ...new Set(parsed.flatMap((p) => (p.kind === kind ? [p.value] : []))),
  ];
  const found = await selectCustomersByRefs(sql, {
    ids: pick("id"),
    cardNumbers: pick("card"),
    phones: pick("phone"),
  });
  const byId = new Map<string, CustomerRefMatch>();
  const byCard = new Map<string, CustomerRefMatch>();
  const byPhone = new Map<string, CustomerRefMatch>();
  for (const customer of found) {
    byId.set(customer.id, customer);
    if (customer.cardNumber) byCard.set(customer.cardNumber, customer);
    if (customer.phone) byPhone.set(customer.phone, customer);
  }

  const match: BulkMatch = { entries: [], unmatched: [], duplicates: [], balances: new Map() };
  const firstRef = new Map<string, string>();
  options.lines.forEach((line, index) => {
    const ref = line.ref;
    const p = parsed[index] as Parsed;
    if (p.kind === "bad") {
      match.unmatched.push({ ref, reason: p.reason });
      return;
    }
    const customer = (p.kind === "id" ? byId : p.kind === "card" ? byCard : byPhone).get(p.value);
    if (!customer) {
      match.unmatched.push({ ref, reason: "not_found" });
      return;
    }
    const seen = firstRef.get(customer.id);
    if (seen !== undefined) {
      match.duplicates.push({ ref, customerId: customer.id, duplicateOf: seen });
      return;
    }
    if (customer.id === options.ownCustomerId) {
      match.unmatched.push({ ref, reason: "own_card" });
      return;
    }
    if (customer.balance === null) {
      match.unmatched.push({ ref, reason: "no_card" });
      return;
    }
    firstRef.set(customer.id, ref);
    match.entries.push({ customerId: customer.id, ref, points: line.points });
    match.balances.set(customer.id, customer.balance);
  });
  return match;
}

export type BulkPointsOptions = {
  actor: Actor;
  lines: readonly BulkLine[];
  reason: string;
  phoneRegion: string;
};

/**
 * An entry not applied in full: a debit larger than the balance (what is there is taken), or
 * a card closed since the run was matched (nothing moves).
 */
export type Shortfall = {
  customerId: string;
  ref: string;
  /** The points the line asked to move, as a positive number. */
  wanted: number;
  /** The points moved: the balance there was for a debit; 0 when nothing moved. */
  applied: number;
  reason: "insufficient_points" | "no_card";
};

export type BulkPreview = {
  matched: BulkEntry[];
  unmatched: Unmatched[];
  duplicates: Duplicate[];
  /** How many customers a run would credit or debit. */
  total: number;
  /** The sum of their points, debits negative. */
  pointsTotal: number;
  /** Debits that would find fewer points than asked, at today's balances. */
  shortfalls: Shortfall[];
};

const sumPoints = (entries: readonly BulkEntry[]) =>
  entries.reduce((sum, entry) => sum + entry.points, 0);

/** The dry run: what a run would do with this list, writing nothing. */
export async function previewBulkPoints(
  sql: Sql,
  options: BulkPointsOptions,
): Promise<BulkPreview> {
  requirePermission(options.actor, Permission.bulkPoints);
  const match = await matchBulkLines(sql, {
    lines: options.lines,
    phoneRegion: options.phoneRegion,
    ownCustomerId: options.actor.ownCustomerId ?? null,
  });
  const shortfalls: Shortfall[] = [];
  for (const entry of match.entries) {
    const balance = match.balances.get(entry.customerId) ?? 0;
    if (entry.points < 0 && -entry.points > balance) {
      shortfalls.push({
        customerId: entry.customerId,
        ref: entry.ref,
        wanted: -entry.points,
        applied: balance,
        reason: "insufficient_points",
      });
    }
  }
  return {
    matched: match.entries,
    unmatched: match.unmatched,
    duplicates: match.duplicates,
    total: match.entries.length,
    pointsTotal: sumPoints(match.entries),
    shortfalls,
  };
}

/** A run as it is reported: where it is and what it could not do. */
export type BulkRunView = {
  id: string;
  status: string;
  reason: string;
  total: number;
  processed: number;
  pointsTotal: number;
  unmatched: Unmatched[];
  duplicates: Duplicate[];
  shortfalls: Shortfall[];
  createdAt: Date;
  finishedAt: Date | null;
};

/** Duplicates are stored among the unmatched lines (the run has one column for both). */
type StoredUnmatched = Unmatched | (Duplicate & { reason: "duplicate" });

function view(run: RunSummary): BulkRunView {
  const stored = run.unmatched as StoredUnmatched[];
  return {
    id: run.id,
    status: run.status,
    reason: run.reason,
    total: run.total,
    processed: run.processed,
    pointsTotal: run.pointsTotal,
    unmatched: stored.filter((u): u is Unmatched => u.reason !== "duplicate"),
    duplicates: stored.flatMap((u) =>
      u.reason === "duplicate"
        ? [{ ref: u.ref, customerId: u.customerId, duplicateOf: u.duplicateOf }]
        : [],
    ),
    shortfalls: run.shortfalls as Shortfall[],
    createdAt: run.createdAt,
    finishedAt: run.finishedAt,
  };
}

/**
 * Starts a run: the list is matched now and the run stored with its entries; the points move
 * in the background (bulk-points-processing.ts), each entry once whatever happens. The same
 * idempotency key again returns the run it started, without matching the list again.
 * Audited as "points.bulk".
 */
export async function startBulkPointsRun(
  sql: Sql,
  options: BulkPointsOptions & { idempotencyKey: string; now?: Date },
): Promise<{ run: BulkRunView; created: boolean }> {
  const { actor } = options;
  requirePermission(actor, Permission.bulkPoints);
  const existing = await selectRunByKey(sql, options.idempotencyKey);
  if (existing) return { run: view(existing), created: false };

  const match = await matchBulkLines(sql, {
    lines: options.lines,
    phoneRegion: options.phoneRegion,
    ownCustomerId: actor.ownCustomerId ?? null,
  });
  const now = options.now ?? new Date();
  const pointsTotal = sumPoints(match.entries);
  return sql.transaction(async (tx) => {
    const run = await insertRun(tx, {
      id: randomUUID(),
      idempotencyKey: options.idempotencyKey,
      reason: options.reason,
      entries: match.entries,
      unmatched: [
        ...match.unmatched,
        ...match.duplicates.map((duplicate) => ({ ...duplicate, reason: "duplicate" })),
      ],
      pointsTotal,
      createdById: actor.staffId,
      at: now,
    });
    // The same key sent twice at once: the other request stored the run.
    if (!run) {
      const other = await selectRunByKey(tx, options.idempotencyKey);
      if (!other) throw new AppError("conflict", "The run is being created; try again");
      return { run: view(other), created: false };
    }
    await recordAudit(tx, {
      actor,
      action: AuditAction.pointsBulk,
      data: {
        runId: run.id,
        reason: options.reason,
        total: run.total,
        pointsTotal,
        unmatched: match.unmatched.length,
        duplicates: match.duplicates.length,
      },
      now,
    });
    return { run: view(run), created: true };
  });
}

export async function getBulkPointsRun(
  sql: Sql,
  options: { actor: Actor; id: string },
): Promise<BulkRunView> {
  requirePermission(options.actor, Permission.bulkPoints);
  const run = await selectRunById(sql, options.id);
  if (!run) throw new AppError("not_found", "Bulk run not found");
  return view(run);
}
