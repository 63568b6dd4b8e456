import type { Gender } from "../client.ts";
import type { Sql } from "../sql.ts";
import { Fragment } from "../sql-fragment.ts";

export type ExportedCustomer = {
  id: string;
  name: string | null;
  phone: string | null;
  email: string | null;
  birthday: Date | null;
  city: string | null;
  gender: Gender | null;
  tags: string[];
  attributes: Record<string, unknown>;
  marketingConsent: boolean;
  source: string | null;
  tier: string;
  purchaseCount: number;
  totalSpentMinor: bigint;
  lastPurchaseAt: Date | null;
  createdAt: Date;
  telegramUsername: string | null;
  cardNumber: string | null;
  balance: number | null;
};

/**
 * The next page of the customers who gave their data (ACTIVE), in id order after `after`:
 * an export walks the base page by page, so it never holds more than one page. `where` is a
 * compiled segment rule over `"Customer" c` (core/segments/compile.ts), all values bound.
 */
export function selectExportPage(
  sql: Sql,
  options: { after: string | null; size: number; where?: Fragment },
): Promise<ExportedCustomer[]> {
  const statement = Fragment.sql`SELECT c."id", c."name", c."phone", c."email", c."birthday",
       c."city", c."gender", c."tags", c."attributes", c."marketingConsent", c."source", c."tier",
       c."purchaseCount", c."totalSpentMinor", c."lastPurchaseAt", c."createdAt",
       c."telegramUsername", k."number" AS "cardNumber", k."balance"
     FROM "Customer" c LEFT JOIN "LoyaltyCard" k ON k."customerId" = c."id"
     WHERE c."status" = 'ACTIVE' AND (${options.after}::uuid IS NULL OR c."id" > ${options.after}::uuid)
       AND ${options.where ?? Fragment.sql`TRUE`}
     ORDER BY c."id" LIMIT ${options.size}`;
  return sql.query<ExportedCustomer>(statement.text, statement.values);
}
