import type { CustomerStatus, PrismaClient } from "../db/client.ts";
import { Fragment, rawArgs } from "../db/sql-fragment.ts";
import { AppError } from "../errors.ts";
import { parsePhone } from "../profile/validation.ts";
import { compileRule } from "../segments/compile.ts";
import { customersInOrder, segmentRule } from "../segments/manage-segments.ts";
import { parseRule, parseRuleJson, type Rule } from "../segments/rule.ts";

/**
 * The customer list: search, a segment rule, a sort and keyset (cursor) pagination. Pages are
 * cut by the sort value and the id, never by OFFSET: walking every page returns each customer
 * exactly once even while customers are added, and page 1,000 costs what page 1 does.
 */

export const CustomerSorts = ["createdAt", "lastPurchaseAt", "totalSpent", "name"] as const;
export type CustomerSort = (typeof CustomerSorts)[number];
export type SortOrder = "asc" | "desc";

/** The sort column and how a cursor's value is cast back (constants: never from input). */
const sortColumns: Record<CustomerSort, { column: Fragment; cast: Fragment }> = {
  createdAt: { column: Fragment.raw(`c."createdAt"`), cast: Fragment.raw("timestamp") },
  lastPurchaseAt: { column: Fragment.raw(`c."lastPurchaseAt"`), cast: Fragment.raw("timestamp") },
  totalSpent: { column: Fragment.raw(`c."totalSpentMinor"`), cast: Fragment.raw("bigint") },
  name: { column: Fragment.raw(`c."name"`), cast: Fragment.raw("text") },
};

export type SearchCustomersOptions = {
  status?: CustomerStatus | undefined;
  source?: string | undefined;
  /** Name, phone in any format, card number (spaces or not) or @username. */
  search?: string | undefined;
  rule?: Rule | undefined;
  sort?: CustomerSort | undefined;
  order?: SortOrder | undefined;
  limit: number;
  /** Opaque, from the previous page's nextCursor. */
  cursor?: string | undefined;
  phoneRegion: string;
  timeZone: string;
  now?: Date;
};

type CursorState = { sort: CustomerSort; order: SortOrder; value: string | null; id: string };

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function badCursor(message: string): AppError {
  return new AppError("invalid_input", `Invalid cursor: ${message}`, {
    issues: [{ field: "cursor", message }],
  });
}

export function encodeCursor(state: CursorState): string {
  return Buffer.from(JSON.stringify([state.sort, state.order, state.value, state.id])).toString(
    "base64url",
  );
}

function decodeCursor(cursor: string): CursorState {
  try {
    const [sort, order, value, id] = JSON.parse(Buffer.from(cursor, "base64url").toString());
    if (
      (CustomerSorts as readonly string[]).includes(sort) &&
      (order === "asc" || order === "desc") &&
      (value === null || typeof value === "string") &&
      typeof id === "string" &&
      UUID.test(id)
    )
      return { sort, order, value, id };
  } catch {}
  throw badCursor("not a cursor this API gave out");
}

/** The sort value of a row as a cursor keeps it. */
function sortValue(row: Record<string, unknown>, sort: CustomerSort): string | null {
  const value = row[sort === "totalSpent" ? "totalSpentMinor" : sort];
  if (value === null || value === undefined) return null;
  return value instanceof Date ? value.toISOString() : String(value);
}

/** Earlier versions handed out the last customer's id as the cursor (newest first). */
async function legacyCursor(db: PrismaClient, id: string): Promise<CursorState> {
  const row = await db.customer.findUnique({ where: { id }, select: { createdAt: true } });
  if (!row) throw badCursor("no customer with this id");
  return { sort: "createdAt", order: "desc", value: row.createdAt.toISOString(), id };
}

export function searchCondition(search: string, phoneRegion: string): Fragment | null {
  const query = search.trim();
  if (query === "") return null;
  const lowered = query.toLowerCase();
  // "@anna" is a handle: that account exactly; "anna" may be part of a name or a handle.
  if (/^@\w+$/.test(lowered))
    return Fragment.sql`lower(c."telegramUsername") = ${lowered.slice(1)}::text`;
  const conditions = [
    Fragment.sql`strpos(lower(c."name"), ${lowered}::text) > 0`,
    Fragment.sql`strpos(lower(c."telegramUsername"), ${lowered}::text) > 0`,
  ];
  const compact = query.replace(/[\s-]/g, "");
  if (/^\d{4,}$/.test(compact))
    conditions.push(
      Fragment.sql`EXISTS (SELECT 1 FROM "LoyaltyCard" card WHERE card."customerId" = c."id" AND strpos(card."number", ${compact}::text) > 0)`,
    );
  const phone = parsePhone(query, phoneRegion);
  if (phone.ok) conditions.push(Fragment.sql`c."phone" = ${phone.value.e164}::text`);
  const digits = query.replace(/\D/g, "");
  // A fragment of a number: "1234567" finds +79991234567.
  if (digits.length >= 4 && /^[\d\s()+-]+$/.test(query))
    conditions.push(Fragment.sql`strpos(c."phone", ${digits}::text) > 0`);
  return Fragment.sql`(${Fragment.join(conditions, " OR ")})`;
}

/**
 * The rule a list request filters by: a saved segment's, a rule given inline (JSON text in a
 * query string, or already parsed from a body), or both at once.
 */
export async function customerFilter(
  db: PrismaClient,
  request: { segment?: string | undefined; rule?: unknown },
): Promise<Rule | undefined> {
  const rules: Rule[] = [];
  if (request.segment) rules.push(await segmentRule(db, request.segment));
  if (typeof request.rule === "string") rules.push(parseRuleJson(request.rule));
  else if (request.rule !== undefined) rules.push(parseRule(request.rule));
  if (rules.length === 0) return undefined;
  return rules.length === 1 ? rules[0] : { all: rules };
}

export async function searchCustomers(db: PrismaClient, options: SearchCustomersOptions) {
  let sort = options.sort ?? "createdAt";
  let order = options.order ?? "desc";
  let after: CursorState | null = null;
  if (options.cursor) {
    after = UUID.test(options.cursor)
      ? await legacyCursor(db, options.cursor)
      : decodeCursor(options.cursor);
    if (options.sort && options.sort !== after.sort)
      throw badCursor(`it belongs to sort=${after.sort}; ask again without a cursor`);
    if (options.order && options.order !== after.order)
      throw badCursor(`it belongs to order=${after.order}; ask again without a cursor`);
    sort = after.sort;
    order = after.order;
  }

  const where: Fragment[] = [];
  if (options.status) where.push(Fragment.sql`c."status"::text = ${options.status}::text`);
  if (options.source) where.push(Fragment.sql`c."source" = ${options.source}::text`);
  const search = options.search ? searchCondition(options.search, options.phoneRegion) : null;
  if (search) where.push(search);
  if (options.rule)
    where.push(
      compileRule(options.rule, { now: options.now ?? new Date(), timeZone: options.timeZone }),
    );

  const { column, cast } = sortColumns[sort];
  const direction = Fragment.raw(order === "asc" ? "ASC" : "DESC");
  if (after) where.push(afterCursor(column, cast, order, after));
  const rows = await db.$queryRawUnsafe<Array<{ id: string }>>(
    ...rawArgs(
      Fragment.sql`SELECT c."id" FROM "Customer" c
        WHERE ${where.length > 0 ? Fragment.join(where, " AND ") : Fragment.sql`TRUE`}
        ORDER BY (${column} IS NULL), ${column} ${direction}, c."id" ${direction}
        LIMIT ${options.limit + 1}`,
    ),
  );
  const hasMore = rows.length > options.limit;
  const customers = await customersInOrder(
    db,
    rows.slice(0, options.limit).map((row) => row.id),
  );
  const last = customers.at(-1);
  return {
    customers,
    nextCursor:
      hasMore && last
        ? encodeCursor({ sort, order, value: sortValue(last, sort), id: last.id })
        : null,
  };
}

/**
 * Rows after the cursor in the order (value IS NULL), value, id — customers without a value
 * (no purchase yet, no name) come last in either direction.
 */
function afterCursor(
  column: Fragment,
  cast: Fragment,
  order: SortOrder,
  after: CursorState,
): Fragment {
  const beyond = Fragment.raw(order === "asc" ? ">" : "<");
  const id = Fragment.sql`c."id" ${beyond} ${after.id}::uuid`;
  if (after.value === null) return Fragment.sql`(${column} IS NULL AND ${id})`;
  const value = Fragment.sql`${after.value}::${cast}`;
  return Fragment.sql`(${column} IS NULL OR ${column} ${beyond} ${value} OR (${column} = ${value} AND ${id}))`;
}
