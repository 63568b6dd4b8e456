import { randomUUID } from "node:crypto";
import { AuditAction, recordAudit } from "../access/audit.ts";
import { type Actor, Permission, requirePermission } from "../access/permissions.ts";
import { generateReferralCode } from "../customers/referral-code.ts";
import type { CustomerImport } from "../db/client.ts";
import { isUniqueViolationSql, type Sql } from "../db/sql.ts";
import {
  insertCustomerImport,
  selectCustomerImport,
  updateCustomerImport,
} from "../db/tables/customer-imports.ts";
import {
  fillImportGaps,
  type ImportGapFill,
  type ImportTarget,
  insertImportedCustomers,
  type NewImportedCustomer,
  selectImportTargets,
  selectTakenCardNumbers,
  selectTakenCodes,
} from "../db/tables/import-batches.ts";
import { AppError } from "../errors.ts";
import { EventType } from "../events.ts";
import { formatCardNumber, generateCardNumber } from "../loyalty/card-number.ts";
import { postLedgerEntry } from "../loyalty/ledger.ts";
import type { Question } from "../questions/types.ts";
import { emitWebhookEvents } from "../webhooks/emit.ts";
import { WebhookEvent } from "../webhooks/events.ts";
import { claimImport, releaseImport } from "./interrupted-imports.ts";
import { type ColumnMapping, guessMapping, isHeaderRow } from "./mapping.ts";
import { type ColumnPlan, type ImportRecord, parseRow, planColumns } from "./parse-row.ts";
import { type FileKind, openRows } from "./read-rows.ts";

/** The acquisition source of imported customers. */
export const IMPORT_SOURCE = "import";
/** Rows written per transaction: big enough to be quick, small enough to keep memory flat. */
export const IMPORT_BATCH_SIZE = 500;
/** Rejected rows kept with their reasons; `rejectedCount` has them all. */
export const REJECTED_KEPT = 1000;
/** The header is looked for among the first rows (a title row or two often sits above it). */
const HEADER_SEARCH_ROWS = 20;
/** One opening balance per customer, whichever import brings it (a re-import credits nothing). */
export const openingBalanceKey = (customerId: string) => `import-opening:${customerId}`;

export type RejectedRow = { row: number; reason: string };
/** Something done differently than the file said, though the row was taken. */
export type ImportNote = { row: number; note: string };

export type PreparedImport = {
  kind: FileKind;
  headerRow: number;
  mapping: ColumnMapping;
  plan: ColumnPlan;
  /** The rows after the header, with their numbers in the file. */
  rows: AsyncGenerator<string[]>;
};

/**
 * Opens the file and finds its header and column mapping, so a wrong file or a file without a
 * phone column is refused before anything is recorded. The caller must consume or close `rows`.
 */
export async function prepareImport(
  path: string,
  options: { questions: Question[]; mapping?: ColumnMapping },
): Promise<PreparedImport> {
  const { kind, rows } = await openRows(path);
  const override = options.mapping ?? {};
  let rowNumber = 0;
  for (;;) {
    const next = await rows.next();
    if (next.done) break;
    rowNumber++;
    if (isHeaderRow(next.value, override)) {
      const mapping = guessMapping(next.value, options.questions, override);
      return { kind, headerRow: rowNumber, mapping, plan: planColumns(next.value, mapping), rows };
    }
    if (rowNumber >= HEADER_SEARCH_ROWS) break;
  }
  await rows.return(undefined);
  throw new AppError(
    "invalid_input",
    `No phone column in the first ${HEADER_SEARCH_ROWS} rows: name it "Телефон" or "Phone", or map it with the mapping field`,
    { field: "file" },
  );
}

export type ImportCounts = {
  rows: number;
  processed: number;
  created: number;
  updated: number;
  /** Customers found in the base with nothing the file could add. */
  unchanged: number;
  rejected: RejectedRow[];
  rejectedCount: number;
  notes: ImportNote[];
};

export type RunImportOptions = {
  actor: Actor;
  importId: string;
  dryRun: boolean;
  phoneRegion: string;
  questions: Question[];
  batchSize?: number;
  now?: () => Date;
  /** Called after each batch is committed (the CLI's progress bar). */
  onProgress?: (counts: ImportCounts) => void;
};

/** Records an import about to run, so it can be followed while it does. */
export async function createImportRecord(
  sql: Sql,
  options: { actor: Actor; fileName: string; dryRun: boolean; now?: Date },
): Promise<CustomerImport> {
  requirePermission(options.actor, Permission.importCustomers);
  const id = randomUUID();
  // PENDING until runImport starts: already this process's, not an interrupted import.
  claimImport(id);
  return insertCustomerImport(sql, {
    id,
    fileName: options.fileName.slice(0, 255),
    dryRun: options.dryRun,
    createdById: options.actor.staffId,
    at: options.now ?? new Date(),
  });
}

/**
 * Loads a client base. Rows are validated one by one (a bad row is rejected with its reason,
 * the rest go on), deduplicated on phone within the file (a later duplicate is rejected naming
 * the first) and against the base, and written in batches, each batch one transaction that
 * also records the progress. Customers already in the base keep everything they have: the
 * file only fills empty fields and adds tags, and never changes a marketing consent. New
 * customers are created ACTIVE without Telegram, like walk-ins, with source "import", their
 * plastic card's number when it is ours and free, and their balance as an opening entry. A dry
 * run reads the base to count what would happen and writes nothing but the import record.
 */
export async function runImport(
  sql: Sql,
  prepared: PreparedImport,
  options: RunImportOptions,
): Promise<ImportCounts> {
  requirePermission(options.actor, Permission.importCustomers);
  // Ours while it runs: the sweep of interrupted imports leaves it alone.
  claimImport(options.importId);
  try {
    return await importRows(sql, prepared, options);
  } finally {
    releaseImport(options.importId);
  }
}

async function importRows(
  sql: Sql,
  prepared: PreparedImport,
  options: RunImportOptions,
): Promise<ImportCounts> {
  const now = options.now ?? (() => new Date());
  const batchSize = options.batchSize ?? IMPORT_BATCH_SIZE;
  const context = {
    phoneRegion: options.phoneRegion,
    now: now(),
    questions: new Map(options.questions.filter((q) => q.active).map((q) => [q.key, q])),
  };
  const counts: ImportCounts = {
    rows: 0,
    processed: 0,
    created: 0,
    updated: 0,
    unchanged: 0,
    rejected: [],
    rejectedCount: 0,
    notes: [],
  };
  const reject = (row: number, reason: string) => {
    counts.rejectedCount++;
    if (counts.rejected.length < REJECTED_KEPT) counts.rejected.push({ row, reason });
  };
  const note = (row: number, text: string) => {
    if (counts.notes.length < REJECTED_KEPT) counts.notes.push({ row, note: text });
  };
  const progress = (status: "RUNNING" | "DONE", finishedAt: Date | null = null) => ({
    status,
    mapping: prepared.mapping,
    rows: counts.rows,
    processed: counts.processed,
    created: counts.created,
    updated: counts.updated,
    rejected: [...counts.rejected, ...counts.notes],
    rejectedCount: counts.rejectedCount,
    finishedAt,
  });

  await updateCustomerImport(sql, options.importId, progress("RUNNING"));
  const firstRowOf = new Map<string, number>();
  const cardRowOf = new Map<string, number>();
  let batch: ImportRecord[] = [];
  const flush = async () => {
    if (batch.length === 0) return;
    const records = batch;
    batch = [];
    await writeBatch(sql, records, { ...options, now, counts, reject, note, progress });
    options.onProgress?.(counts);
  };

  let rowNumber = prepared.headerRow;
  for await (const cells of prepared.rows) {
    rowNumber++;
    const parsed = parseRow(cells, rowNumber, prepared.plan, context);
    if (parsed === null) continue;
    counts.rows++;
    if (!parsed.ok) {
      reject(rowNumber, parsed.reason);
      counts.processed++;
      continue;
    }
    const record = parsed.record;
    const first = firstRowOf.get(record.phone);
    if (first !== undefined) {
      reject(rowNumber, `phone: ${record.phone} is already in row ${first}`);
      counts.processed++;
      continue;
    }
    firstRowOf.set(record.phone, rowNumber);
    if (record.card) {
      const cardFirst = cardRowOf.get(record.card);
      if (cardFirst !== undefined) {
        note(
          rowNumber,
          `card: ${formatCardNumber(record.card)} is already in row ${cardFirst}; a new card is issued`,
        );
        record.card = undefined;
      } else cardRowOf.set(record.card, rowNumber);
    }
    batch.push(record);
    if (batch.length >= batchSize) await flush();
  }
  await flush();

  const finishedAt = now();
  await sql.transaction(async (tx) => {
    await updateCustomerImport(tx, options.importId, progress("DONE", finishedAt));
    await recordAudit(tx, {
      actor: options.actor,
      action: AuditAction.customersImported,
      data: {
        importId: options.importId,
        dryRun: options.dryRun,
        rows: counts.rows,
        created: counts.created,
        updated: counts.updated,
        rejected: counts.rejectedCount,
      },
      now: finishedAt,
    });
  });
  return counts;
}

type BatchContext = RunImportOptions & {
  now: () => Date;
  counts: ImportCounts;
  reject(row: number, reason: string): void;
  note(row: number, text: string): void;
  progress(status: "RUNNING"): Parameters<typeof updateCustomerImport>[2];
};

async function writeBatch(sql: Sql, records: ImportRecord[], ctx: BatchContext): Promise<void> {
  for (let attempt = 0; ; attempt++) {
    // Counted on a copy: a transaction retried after a collision starts from the same numbers.
    const before = {
      ...ctx.counts,
      rejected: [...ctx.counts.rejected],
      notes: [...ctx.counts.notes],
    };
    try {
      await sql.transaction(async (tx) => {
        await applyBatch(tx, records, ctx);
        await updateCustomerImport(tx, ctx.importId, ctx.progress("RUNNING"));
      });
      return;
    } catch (error) {
      Object.assign(ctx.counts, before);
      // A random card number or referral code collided: draw again.
      if (isUniqueViolationSql(error) && attempt < 3) continue;
      throw error;
    }
  }
}

/** What the file adds to a customer in the base: only their empty fields and new tags. */
function gapFill(target: ImportTarget, record: ImportRecord): ImportGapFill | null {
  const fill: ImportGapFill = {
    id: target.id,
    name: target.name === null ? (record.name ?? null) : null,
    email: target.email === null ? (record.email ?? null) : null,
    birthday: target.birthday === null ? (record.birthday ?? null) : null,
    city: target.city === null ? (record.city ?? null) : null,
    gender: target.gender === null ? (record.gender ?? null) : null,
    tags: (record.tags ?? []).filter((tag) => !target.tags.includes(tag)),
    attributes: Object.fromEntries(
      Object.entries(record.attributes ?? {}).filter(([key]) => !(key in target.attributes)),
    ),
  };
  const changes = fill.name ?? fill.email ?? fill.birthday ?? fill.city ?? fill.gender ?? null;
  return changes !== null || fill.tags.length > 0 || Object.keys(fill.attributes).length > 0
    ? fill
    : null;
}

const drawn = (into: Set<string>, value: string) => {
  into.add(value);
  return value;
};

/**
 * Random referral codes and card numbers drawn for new customers can, rarely, be taken (by the
 * base or by another row of the batch): the batch's INSERT would then skip that customer as if
 * its phone were taken. Such codes are drawn again before the INSERT (one statement per round).
 */
async function redrawTakenCodes(
  tx: Sql,
  customers: NewImportedCustomer[],
  generatedCards: Set<string>,
): Promise<void> {
  for (let round = 0; round < 5; round++) {
    const taken = await selectTakenCodes(tx, {
      referralCodes: customers.map((c) => c.referralCode),
      cardNumbers: customers
        .filter((c) => generatedCards.has(c.cardNumber))
        .map((c) => c.cardNumber),
    });
    const seenCodes = new Set<string>();
    const seenCards = new Set<string>();
    let redrawn = false;
    for (const customer of customers) {
      if (taken.referralCodes.has(customer.referralCode) || seenCodes.has(customer.referralCode)) {
        customer.referralCode = generateReferralCode();
        redrawn = true;
      }
      seenCodes.add(customer.referralCode);
      // A number the file gives twice in one batch is kept by its first row only.
      if (
        seenCards.has(customer.cardNumber) ||
        (generatedCards.has(customer.cardNumber) && taken.cardNumbers.has(customer.cardNumber))
      ) {
        customer.cardNumber = drawn(generatedCards, generateCardNumber());
        redrawn = true;
      }
      seenCards.add(customer.cardNumber);
    }
    if (!redrawn) return;
  }
}

async function applyBatch(tx: Sql, records: ImportRecord[], ctx: BatchContext): Promise<void> {
  const { counts } = ctx;
  const at = ctx.now();
  const targets = new Map(
    (
      await selectImportTargets(
        tx,
        records.map((r) => r.phone),
      )
    ).map((t) => [t.phone, t]),
  );
  const fresh = records.filter((r) => !targets.has(r.phone));
  const taken = await selectTakenCardNumbers(
    tx,
    fresh.flatMap((r) => (r.card ? [r.card] : [])),
  );

  const fills: ImportGapFill[] = [];
  const openings: Array<{ record: ImportRecord; customerId: string }> = [];
  for (const record of records) {
    const target = targets.get(record.phone);
    if (!target) continue;
    if (target.status === "DELETED" || target.status === "DECLINED") {
      ctx.reject(
        record.row,
        `phone: ${record.phone} belongs to a customer who withdrew their data`,
      );
      continue;
    }
    const fill = gapFill(target, record);
    if (fill) {
      fills.push(fill);
      counts.updated++;
    } else counts.unchanged++;
    if (record.balance) openings.push({ record, customerId: target.id });
  }

  const newCustomers: Array<NewImportedCustomer & { row: number }> = [];
  // Card numbers drawn here rather than carried over from the file: redrawn if taken.
  const generatedCards = new Set<string>();
  for (const record of fresh) {
    let cardNumber = record.card;
    if (cardNumber && taken.has(cardNumber)) {
      ctx.note(
        record.row,
        `card: ${formatCardNumber(cardNumber)} belongs to another customer; a new card is issued`,
      );
      cardNumber = undefined;
    }
    if (!cardNumber && record.foreignCard) {
      ctx.note(
        record.row,
        `card: "${record.foreignCard}" is not a card number of this program; a new card is issued`,
      );
    }
    newCustomers.push({
      row: record.row,
      id: randomUUID(),
      phone: record.phone,
      name: record.name ?? null,
      email: record.email ?? null,
      birthday: record.birthday ?? null,
      city: record.city ?? null,
      gender: record.gender ?? null,
      tags: record.tags ?? [],
      attributes: record.attributes ?? {},
      // Only for a new customer, only when the file says yes in so many words: the business
      // vouches the customer gave it (on the paper form), recorded as "import:<id>".
      marketingConsent: record.marketingConsent === true,
      referralCode: generateReferralCode(),
      cardId: randomUUID(),
      cardNumber: cardNumber ?? drawn(generatedCards, generateCardNumber()),
      balance: record.balance ?? 0,
    });
  }

  if (ctx.dryRun) {
    counts.created += newCustomers.length;
    counts.processed += records.length;
    return;
  }

  await redrawTakenCodes(tx, newCustomers, generatedCards);
  await fillImportGaps(tx, fills, at);
  const createdIds = new Set(
    await insertImportedCustomers(tx, newCustomers, {
      source: IMPORT_SOURCE,
      consentVersion: `import:${ctx.importId}`,
      staffId: ctx.actor.staffId,
      eventType: EventType.customerRegistered,
      cardEventType: EventType.cardIssued,
      eventData: { source: IMPORT_SOURCE, importId: ctx.importId },
      ledgerKeyPrefix: "import-opening:",
      note: "Opening balance from an imported card",
      at,
    }),
  );
  // customer.created for each, as for a walk-in (one statement for the batch; none when no
  // endpoint listens). Opening balances are not sent as points.changed: they are the customer's
  // points from before, not a change.
  await emitWebhookEvents(
    tx,
    newCustomers
      .filter((customer) => createdIds.has(customer.id))
      .map((customer) => ({
        event: WebhookEvent.customerCreated,
        dedupeKey: `customer:${customer.id}`,
        data: {
          customerId: customer.id,
          name: customer.name,
          phone: customer.phone,
          source: IMPORT_SOURCE,
          language: null,
          marketingConsent: customer.marketingConsent,
          cardNumber: customer.cardNumber,
          balance: customer.balance,
          createdAt: at.toISOString(),
          importId: ctx.importId,
        },
        now: at,
      })),
  );
  for (const customer of newCustomers) {
    if (createdIds.has(customer.id)) counts.created++;
    else
      ctx.reject(
        customer.row,
        `phone: ${customer.phone} was registered by someone else during the import`,
      );
  }
  for (const { record, customerId } of openings) {
    const target = targets.get(record.phone);
    if (target?.cardStatus !== "ACTIVE") {
      ctx.note(record.row, "balance: the customer has no active card; not credited");
      continue;
    }
    const posted = await postLedgerEntry(tx, {
      card: { activeCardOfCustomer: customerId },
      kind: "ADJUSTMENT",
      delta: record.balance as number,
      idempotencyKey: openingBalanceKey(customerId),
      ...(ctx.actor.staffId ? { staffId: ctx.actor.staffId } : {}),
      note: "Opening balance from an imported card",
      now: at,
    });
    if (posted.duplicate) {
      ctx.note(
        record.row,
        "balance: an opening balance was carried over before; not credited again",
      );
    }
  }
  counts.processed += records.length;
}

/** An import as the API shows it. */
export function describeImport(row: CustomerImport) {
  const kept = (row.rejected ?? []) as Array<RejectedRow | ImportNote>;
  return {
    id: row.id,
    status: row.status,
    dryRun: row.dryRun,
    fileName: row.fileName,
    mapping: row.mapping as Record<string, string | null>,
    rows: row.rows,
    processed: row.processed,
    created: row.created,
    updated: row.updated,
    rejectedCount: row.rejectedCount,
    rejected: kept.filter((item): item is RejectedRow => "reason" in item),
    notes: kept.filter((item): item is ImportNote => "note" in item),
    error: row.error,
    createdAt: row.createdAt,
    finishedAt: row.finishedAt,
  };
}

export async function getImport(sql: Sql, actor: Actor, id: string) {
  requirePermission(actor, Permission.importCustomers);
  const row = await selectCustomerImport(sql, id);
  if (!row) throw new AppError("not_found", "Import not found");
  return describeImport(row);
}

/** Marks an import that stopped on an error, so whoever follows it sees why. */
export async function failImport(sql: Sql, id: string, error: unknown, counts?: ImportCounts) {
  releaseImport(id);
  await sql.query(
    `UPDATE "CustomerImport" SET "status" = 'FAILED', "error" = $2, "finishedAt" = $3,
       "processed" = COALESCE($4, "processed") WHERE "id" = $1`,
    [
      id,
      (error as Error).message?.slice(0, 500) ?? String(error),
      new Date(),
      counts?.processed ?? null,
    ],
  );
}
