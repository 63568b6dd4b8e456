import { pipeline, Readable } from "node:stream";
import { stringify } from "csv-stringify";
import { AuditAction, recordAudit } from "../access/audit.ts";
import { Permission, requirePermission } from "../access/permissions.ts";
import { type DeliveryReportRow, selectDeliveryPage } from "../db/tables/campaigns.ts";
import { requireCampaign } from "./campaign-record.ts";
import type { CampaignDeps } from "./types.ts";

/** Deliveries read per query: the memory a report holds at any moment. */
export const REPORT_PAGE_SIZE = 1000;

const columns: Array<{ header: string; value(row: DeliveryReportRow): string | number }> = [
  { header: "Delivery", value: (r) => r.id.toString() },
  { header: "Customer", value: (r) => r.customerId },
  { header: "Name", value: (r) => r.name ?? "" },
  { header: "Telegram", value: (r) => (r.telegramUsername ? `@${r.telegramUsername}` : "") },
  { header: "Variant", value: (r) => r.variant ?? "" },
  { header: "Status", value: (r) => r.status },
  { header: "Not before", value: (r) => r.notBefore.toISOString() },
  { header: "Sent at", value: (r) => r.sentAt?.toISOString() ?? "" },
  { header: "Attempts", value: (r) => r.attempts },
  {
    header: "Possible duplicate",
    value: (r) => (r.reclaims > 0 && r.status === "SENT" ? "yes" : ""),
  },
  { header: "Error", value: (r) => r.lastError ?? "" },
  { header: "Buttons pressed", value: (r) => r.buttons ?? "" },
];

/**
 * Every recipient of a campaign with what became of their message, as CSV (UTF-8 with a BOM,
 * `;`-separated, as the customer export), read a page at a time as the response is read.
 * Audited: it names customers.
 */
export async function deliveryReport(
  deps: CampaignDeps,
  id: string,
  options: { pageSize?: number } = {},
): Promise<{ stream: Readable; fileName: string; contentType: string }> {
  requirePermission(deps.actor, Permission.broadcast);
  await requireCampaign(deps.sql, id);
  const now = deps.now?.() ?? new Date();
  await recordAudit(deps.sql, {
    actor: deps.actor,
    action: AuditAction.campaignReportExported,
    data: { campaignId: id },
    now,
  });
  const pageSize = options.pageSize ?? REPORT_PAGE_SIZE;
  const sql = deps.sql;
  async function* records() {
    yield columns.map((column) => column.header);
    let after = 0n;
    for (;;) {
      const page = await selectDeliveryPage(sql, id, after, pageSize);
      for (const row of page) yield columns.map((column) => column.value(row));
      if (page.length < pageSize) return;
      after = page[page.length - 1]?.id ?? after;
    }
  }
  const csv = stringify({ delimiter: ";", bom: true });
  // pipeline, not pipe: a failed page query must end the file with an error, not stall it.
  pipeline(Readable.from(records()), csv, () => {});
  return {
    stream: csv,
    contentType: "text/csv; charset=utf-8",
    fileName: `campaign-${id}-deliveries.csv`,
  };
}
