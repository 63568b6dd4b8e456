import { once } from "node:events";
import { PassThrough, pipeline, Readable } from "node:stream";
import { stringify } from "csv-stringify";
import ExcelJS from "exceljs";
import { AuditAction, recordAudit } from "../access/audit.ts";
import { type Actor, Permission, requirePermission } from "../access/permissions.ts";
import type { Sql } from "../db/sql.ts";
import type { Fragment } from "../db/sql-fragment.ts";
import { type ExportedCustomer, selectExportPage } from "../db/tables/customer-export.ts";
import { formatCardNumber } from "../loyalty/card-number.ts";
import { isStandardField } from "../questions/standard-fields.ts";
import type { Question } from "../questions/types.ts";

export const ExportFormats = ["csv", "xlsx"] as const;
export type ExportFormat = (typeof ExportFormats)[number];
/** Customers read per query: the memory an export holds at any moment. */
export const EXPORT_PAGE_SIZE = 1000;

/**
 * The columns, headed with the words the import recognises, so an exported file can be
 * edited in Excel and imported back.
 */
const baseColumns: Array<{ header: string; value(c: ExportedCustomer): string | number }> = [
  { header: "Name", value: (c) => c.name ?? "" },
  { header: "Phone", value: (c) => c.phone ?? "" },
  { header: "Email", value: (c) => c.email ?? "" },
  { header: "Birthday", value: (c) => (c.birthday ? dmy(c.birthday) : "") },
  { header: "City", value: (c) => c.city ?? "" },
  { header: "Gender", value: (c) => c.gender?.toLowerCase() ?? "" },
  { header: "Card", value: (c) => (c.cardNumber ? formatCardNumber(c.cardNumber) : "") },
  { header: "Balance", value: (c) => c.balance ?? 0 },
  { header: "Tags", value: (c) => c.tags.join(", ") },
  { header: "Marketing consent", value: (c) => (c.marketingConsent ? "yes" : "no") },
  { header: "Source", value: (c) => c.source ?? "" },
  { header: "Tier", value: (c) => c.tier },
  { header: "Purchases", value: (c) => c.purchaseCount },
  { header: "Total spent", value: (c) => Number(c.totalSpentMinor) / 100 },
  { header: "Last purchase", value: (c) => (c.lastPurchaseAt ? dmy(c.lastPurchaseAt) : "") },
  { header: "Joined", value: (c) => dmy(c.createdAt) },
  { header: "Telegram", value: (c) => (c.telegramUsername ? `@${c.telegramUsername}` : "") },
];

function dmy(date: Date): string {
  const pad = (n: number) => String(n).padStart(2, "0");
  return `${pad(date.getUTCDate())}.${pad(date.getUTCMonth() + 1)}.${date.getUTCFullYear()}`;
}

function attributeText(value: unknown): string {
  if (value === undefined || value === null) return "";
  if (Array.isArray(value)) return value.join(", ");
  if (typeof value === "boolean") return value ? "yes" : "no";
  return String(value);
}

/** Customer pages one after another, read only as the consumer asks for more. */
async function* customerPages(
  sql: Sql,
  pageSize: number,
  where: Fragment | undefined,
): AsyncGenerator<ExportedCustomer[]> {
  let after: string | null = null;
  for (;;) {
    const page = await selectExportPage(sql, {
      after,
      size: pageSize,
      ...(where ? { where } : {}),
    });
    if (page.length === 0) return;
    yield page;
    if (page.length < pageSize) return;
    after = page[page.length - 1]?.id ?? null;
  }
}

export type CustomerExport = {
  stream: Readable;
  contentType: string;
  fileName: string;
};

/**
 * The customer base (those who gave their data) as a CSV or XLSX stream. It is produced as it
 * is read — one page of customers in memory at a time, paused while the reader is slower — so
 * 100,000 customers cost what 1,000 do. Audited when it starts: who exported, in which format.
 * Custom attributes get a column per active question of the bank, headed with its key.
 */
export async function exportCustomers(
  sql: Sql,
  options: {
    actor: Actor;
    format: ExportFormat;
    questions: Question[];
    /** A saved segment: its id (for the audit) and its compiled rule. */
    segment?: { id: string; where: Fragment };
    pageSize?: number;
    now?: Date;
  },
): Promise<CustomerExport> {
  requirePermission(options.actor, Permission.exportCustomers);
  const attributeKeys = options.questions
    .filter((q) => q.active && !isStandardField(q.key))
    .map((q) => q.key);
  const header = [...baseColumns.map((c) => c.header), ...attributeKeys];
  const toRow = (c: ExportedCustomer) => [
    ...baseColumns.map((column) => column.value(c)),
    ...attributeKeys.map((key) => attributeText(c.attributes[key])),
  ];
  await recordAudit(sql, {
    actor: options.actor,
    action: AuditAction.customersExported,
    data: { format: options.format, ...(options.segment ? { segmentId: options.segment.id } : {}) },
    ...(options.now ? { now: options.now } : {}),
  });
  const pages = customerPages(sql, options.pageSize ?? EXPORT_PAGE_SIZE, options.segment?.where);
  const day = (options.now ?? new Date()).toISOString().slice(0, 10);

  if (options.format === "csv") {
    async function* records() {
      yield header;
      for await (const page of pages) for (const customer of page) yield toRow(customer);
    }
    // ";" and a BOM: what Excel with Russian (and most European) settings opens as columns.
    const csv = stringify({ delimiter: ";", bom: true });
    // pipeline, not pipe: a failed page query must end the file with an error, not stall it.
    pipeline(Readable.from(records()), csv, () => {});
    return {
      stream: csv,
      contentType: "text/csv; charset=utf-8",
      fileName: `customers-${day}.csv`,
    };
  }

  const out = new PassThrough();
  void writeXlsx(out, header, pages, toRow).catch((error: Error) => out.destroy(error));
  return {
    stream: out,
    contentType: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    fileName: `customers-${day}.xlsx`,
  };
}

async function writeXlsx(
  out: PassThrough,
  header: string[],
  pages: AsyncGenerator<ExportedCustomer[]>,
  toRow: (c: ExportedCustomer) => Array<string | number>,
): Promise<void> {
  const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({
    stream: out,
    useStyles: false,
    useSharedStrings: false,
  });
  const sheet = workbook.addWorksheet("Customers");
  sheet.addRow(header).commit();
  for await (const page of pages) {
    for (const customer of page) sheet.addRow(toRow(customer)).commit();
    // Wait for the reader before reading the next page.
    if (out.writableNeedDrain) await Promise.race([once(out, "drain"), once(out, "close")]);
    if (out.destroyed) return;
  }
  sheet.commit();
  await workbook.commit();
}
