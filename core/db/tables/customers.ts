import type { EventType } from "../../events.ts";
import type { Customer, LoyaltyCard, StaffMember } from "../client.ts";
import type { Sql } from "../sql.ts";
import { dateParam, jsonParam } from "../sql-values.ts";
import { eventFrom } from "./customer-events.ts";
import { cardFromRow, cardSelectList } from "./loyalty-cards.ts";

/** "Customer": the people behind the cards. */

/** Columns a use case may change; the rest are keys or kept by this module. */
export type CustomerPatch = Partial<Omit<Customer, "id" | "createdAt" | "updatedAt">>;

/** The customer with their card, and another row of "BotState" read by the same statement. */
/** A staff member as an update needs them: enough to check what they may do. */
export type StaffSnapshot = Pick<StaffMember, "id" | "name" | "role" | "active">;

export type CustomerForUpdate = {
  customer: Customer | null;
  card: LoyaltyCard | null;
  /** The staff member behind the same Telegram account (active or disabled), if any. */
  staff: StaffSnapshot | null;
  /** The "BotState" value asked for (undefined when there is none). */
  state: unknown;
};

/**
 * Everything one bot update needs about its sender, in one statement: the customer, their
 * card, "last seen" moved to `seenAt` when it is older than `seenBefore`, the staff member
 * behind the same account, and the "BotState" row `stateKey` (the chat's conversation state,
 * which grammY's conversations read on every update). A stranger gets `customer: null` and
 * still the rest.
 */
export async function selectCustomerForUpdate(
  sql: Sql,
  options: { telegramId: number; seenAt: Date; seenBefore: Date; stateKey: string | null },
): Promise<CustomerForUpdate> {
  const [row] = await sql.query<Record<string, unknown>>(
    `WITH seen AS (
       UPDATE "Customer" SET "lastSeenAt" = $2
       WHERE "telegramId" = $1 AND "lastSeenAt" < $3
       RETURNING "id", "lastSeenAt"
     )
     SELECT c.*, seen."lastSeenAt" AS "x.seenAt", ${cardSelectList("k")},
            (SELECT "value" FROM "BotState" WHERE "key" = $4) AS "x.state",
            s."id" AS "staff.id", s."name" AS "staff.name", s."role" AS "staff.role",
            s."active" AS "staff.active"
     FROM (VALUES (1)) AS one
     LEFT JOIN "Customer" c ON c."telegramId" = $1
     LEFT JOIN seen ON seen."id" = c."id"
     LEFT JOIN "LoyaltyCard" k ON k."customerId" = c."id"
     LEFT JOIN "StaffMember" s ON s."telegramId" = $1`,
    [options.telegramId, options.seenAt, options.seenBefore, options.stateKey],
  );
  if (!row) return { customer: null, card: null, staff: null, state: undefined };
  const state = row["x.state"] ?? undefined;
  const staff =
    row["staff.id"] == null
      ? null
      : ({
          id: row["staff.id"],
          name: row["staff.name"],
          role: row["staff.role"],
          active: row["staff.active"],
        } as StaffSnapshot);
  if (row.id == null) return { customer: null, card: null, staff, state };
  const card = cardFromRow(row);
  const customer: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(row)) {
    if (!key.includes(".")) customer[key] = value;
  }
  if (row["x.seenAt"]) customer.lastSeenAt = row["x.seenAt"];
  return { customer: customer as Customer, card, staff, state };
}

export async function selectCustomerById(sql: Sql, id: string): Promise<Customer | null> {
  const [row] = await sql.query<Customer>(`SELECT * FROM "Customer" WHERE "id" = $1`, [id]);
  return row ?? null;
}

export async function selectCustomerByTelegramId(
  sql: Sql,
  telegramId: number | bigint,
): Promise<Customer | null> {
  const [row] = await sql.query<Customer>(`SELECT * FROM "Customer" WHERE "telegramId" = $1`, [
    telegramId,
  ]);
  return row ?? null;
}

/**
 * A new customer from their first /start, with the "bot.started" event. The referrer is
 * resolved in the same statement (linked only when ACTIVE). Returns null when the Telegram id
 * is already there (two /starts at once) or, very rarely, the drawn referral code is taken.
 */
export async function insertCustomerOnFirstStart(
  sql: Sql,
  options: {
    id: string;
    telegramId: number;
    telegramLanguage: string | null;
    source: string | null;
    referralCode: string;
    /** The code from a ref_ link, if the person came through one. */
    referredByCode: string | null;
    at: Date;
    event: { type: EventType; data: Record<string, unknown> };
  },
): Promise<Customer | null> {
  const [row] = await sql.query<Customer>(
    `WITH referrer AS (
       SELECT "id", "status" FROM "Customer" WHERE "referralCode" = $6
     ), created AS (
       INSERT INTO "Customer"
         ("id", "telegramId", "telegramLanguage", "source", "referralCode", "referrerId",
          "createdAt", "updatedAt", "lastSeenAt")
       VALUES ($1, $2, $3, $4, $5, (SELECT "id" FROM referrer WHERE "status" = 'ACTIVE'),
               $7, $7, $7)
       ON CONFLICT DO NOTHING
       RETURNING *
     ), event AS (
       INSERT INTO "CustomerEvent" ("customerId", "type", "data", "createdAt")
       SELECT "id", $8,
              $9::jsonb || CASE WHEN $6::text IS NULL THEN '{}'::jsonb ELSE jsonb_build_object(
                'referralCode', $6::text, 'referrerFound', EXISTS (SELECT 1 FROM referrer)) END,
              $7
       FROM created
     )
     SELECT * FROM created`,
    [
      options.id,
      options.telegramId,
      options.telegramLanguage,
      options.source,
      options.referralCode,
      options.referredByCode,
      options.at,
      options.event.type,
      jsonParam(options.event.data),
    ],
  );
  return row ?? null;
}

/** Columns whose values need a conversion or a cast on their way in. */
const columnCasts: Partial<Record<keyof CustomerPatch, (param: string) => string>> = {
  attributes: (param) => `${param}::jsonb`,
  openQuestion: (param) => `${param}::jsonb`,
  questionSkips: (param) => `${param}::jsonb`,
  birthday: (param) => `${param}::date`,
};

function patchParam(column: keyof CustomerPatch, value: unknown): unknown {
  // A JSON null would be a value; no open question is SQL NULL.
  if (column === "attributes" || column === "openQuestion" || column === "questionSkips")
    return value === null ? null : jsonParam(value);
  if (column === "birthday" && value instanceof Date) return dateParam(value);
  return value;
}

/** `"column" = $n` for each field of `patch`, its value pushed onto `params`. */
export function patchAssignments(patch: CustomerPatch, params: unknown[]): string[] {
  const assignments: string[] = [];
  for (const [column, value] of Object.entries(patch) as Array<[keyof CustomerPatch, unknown]>) {
    if (value === undefined) continue;
    params.push(patchParam(column, value));
    const param = `$${params.length}`;
    assignments.push(`"${column}" = ${columnCasts[column]?.(param) ?? param}`);
  }
  return assignments;
}

/**
 * Changes a customer and, when `event` is given, appends it to their timeline: one statement,
 * so both happen or neither. Returns the customer as saved, or null when there is no such id.
 */
export async function updateCustomer(
  sql: Sql,
  id: string,
  patch: CustomerPatch,
  options: { at: Date; event?: { type: EventType; data?: Record<string, unknown> } },
): Promise<Customer | null> {
  const params: unknown[] = [id, options.at];
  const assignments = ['"updatedAt" = $2', ...patchAssignments(patch, params)];
  let event = "";
  if (options.event) {
    params.push(options.event.type, jsonParam(options.event.data ?? {}));
    const n = params.length;
    event = `, event AS (${eventFrom("changed", { type: `$${n - 1}`, data: `$${n}`, at: "$2" })})`;
  }
  const [row] = await sql.query<Customer>(
    `WITH changed AS (
       UPDATE "Customer" SET ${assignments.join(", ")} WHERE "id" = $1 RETURNING *
     )${event}
     SELECT * FROM changed`,
    params,
  );
  return row ?? null;
}

/**
 * Puts a phone on the customer unless another record holds it; keeps it verified once it was.
 * With `verified`, a "phone.verified" event goes with it. Returns the customer as saved, or
 * null when the number belongs to someone else.
 */
export async function updatePhoneIfFree(
  sql: Sql,
  options: {
    customerId: string;
    phone: string;
    verified: boolean;
    at: Date;
    verifiedEvent: EventType;
  },
): Promise<Customer | null> {
  const [row] = await sql.query<Customer>(
    `WITH holder AS (
       SELECT "id", "phoneVerified" FROM "Customer" WHERE "phone" = $2
     ), changed AS (
       UPDATE "Customer"
       SET "phone" = $2,
           "phoneVerified" = $3 OR COALESCE((SELECT "phoneVerified" FROM holder WHERE "id" = $1), false),
           "updatedAt" = $4
       WHERE "id" = $1 AND NOT EXISTS (SELECT 1 FROM holder WHERE "id" <> $1)
       RETURNING *
     ), event AS (
       ${eventFrom("changed", { type: "$5", data: "'{}'", at: "$4" })} WHERE $3
     )
     SELECT * FROM changed`,
    [options.customerId, options.phone, options.verified, options.at, options.verifiedEvent],
  );
  return row ?? null;
}

export async function selectCustomerByPhone(sql: Sql, phone: string): Promise<Customer | null> {
  const [row] = await sql.query<Customer>(`SELECT * FROM "Customer" WHERE "phone" = $1`, [phone]);
  return row ?? null;
}

/** Locks the given customers until the transaction ends; returns them with whether they hold a card. */
export async function lockCustomers(
  tx: Sql,
  ids: readonly string[],
): Promise<Array<Customer & { hasCard: boolean }>> {
  return tx.query<Customer & { hasCard: boolean }>(
    `SELECT c.*, EXISTS (SELECT 1 FROM "LoyaltyCard" k WHERE k."customerId" = c."id") AS "hasCard"
     FROM "Customer" c WHERE c."id" = ANY($1::uuid[]) FOR UPDATE OF c`,
    [ids],
  );
}

/** A customer as a list of references (ids, card numbers, phones) finds them. */
export type CustomerRefMatch = {
  id: string;
  phone: string | null;
  cardNumber: string | null;
  /** Null when there is no card or it is not ACTIVE: no points can move on it. */
  balance: number | null;
};

/** Everyone (not deleted) any of the ids, card numbers or E.164 phones names, in one statement. */
export async function selectCustomersByRefs(
  sql: Sql,
  refs: { ids: readonly string[]; cardNumbers: readonly string[]; phones: readonly string[] },
): Promise<CustomerRefMatch[]> {
  return sql.query<CustomerRefMatch>(
    `SELECT c."id", c."phone", k."number" AS "cardNumber",
            CASE WHEN k."status" = 'ACTIVE' THEN k."balance" END AS "balance"
     FROM "Customer" c LEFT JOIN "LoyaltyCard" k ON k."customerId" = c."id"
     WHERE c."status" <> 'DELETED'
       AND (c."id" = ANY($1::uuid[]) OR k."number" = ANY($2::text[]) OR c."phone" = ANY($3::text[]))`,
    [refs.ids, refs.cardNumbers, refs.phones],
  );
}

/** Moves a customer's timeline to another customer (a merge). */
export async function moveEvents(tx: Sql, from: string, to: string): Promise<void> {
  await tx.query(`UPDATE "CustomerEvent" SET "customerId" = $2 WHERE "customerId" = $1`, [
    from,
    to,
  ]);
}

export async function deleteCustomer(tx: Sql, id: string): Promise<void> {
  await tx.query(`DELETE FROM "Customer" WHERE "id" = $1`, [id]);
}

/**
 * Marks whether the bot can message a customer, with a "bot.blocked"/"bot.unblocked" event.
 * Returns false when nothing changed (unknown person, or already in that state).
 */
export async function updateReachability(
  sql: Sql,
  options: {
    telegramId: number;
    reachable: boolean;
    at: Date;
    event: { type: EventType; data: Record<string, unknown> };
  },
): Promise<boolean> {
  const [row] = await sql.query<{ changed: number }>(
    `WITH changed AS (
       UPDATE "Customer"
       SET "reachable" = $2, "unreachableSince" = CASE WHEN $2 THEN NULL ELSE $3::timestamp END,
           "updatedAt" = $3
       WHERE "telegramId" = $1 AND "reachable" <> $2
       RETURNING "id"
     ), event AS (
       ${eventFrom("changed", { type: "$4", data: "$5", at: "$3" })}
     )
     SELECT count(*)::int AS "changed" FROM changed`,
    [
      options.telegramId,
      options.reachable,
      options.at,
      options.event.type,
      jsonParam(options.event.data),
    ],
  );
  return (row?.changed ?? 0) > 0;
}

/** A customer with their card, found by staff. */
export type CustomerWithCard = { customer: Customer; card: LoyaltyCard | null };

/**
 * The customer a staff member is looking for, by exactly one of: the card number, the phone
 * (E.164), or the Telegram username (case-insensitive, without "@"). Deleted customers are not
 * found.
 */
export async function selectCustomerForStaff(
  sql: Sql,
  by: { cardNumber: string } | { phone: string } | { username: string } | { id: string },
): Promise<CustomerWithCard | null> {
  const [where, value] =
    "id" in by
      ? [`c."id" = $1::uuid`, by.id]
      : "cardNumber" in by
        ? [`k."number" = $1`, by.cardNumber]
        : "phone" in by
          ? [`c."phone" = $1`, by.phone]
          : [`lower(c."telegramUsername") = lower($1)`, by.username];
  const [row] = await sql.query<Record<string, unknown>>(
    `SELECT c.*, ${cardSelectList("k")}
     FROM "Customer" c LEFT JOIN "LoyaltyCard" k ON k."customerId" = c."id"
     WHERE ${where} AND c."status" <> 'DELETED'
     LIMIT 1`,
    [value],
  );
  if (!row) return null;
  const customer: Record<string, unknown> = {};
  for (const [key, value_] of Object.entries(row)) if (!key.includes(".")) customer[key] = value_;
  return { customer: customer as Customer, card: cardFromRow(row) };
}

/**
 * A customer registered by staff at the till (no Telegram account yet) with their consent as
 * staff recorded it and the "customer.registered" event, in one statement. Returns null when
 * the phone is taken (or, very rarely, the drawn referral code is): the caller looks again.
 */
export async function insertWalkInCustomer(
  sql: Sql,
  options: {
    id: string;
    phone: string;
    name: string | null;
    referralCode: string;
    source: string;
    consentVersion: string;
    staffId: string | null;
    at: Date;
    event: { type: EventType; data: Record<string, unknown> };
  },
): Promise<Customer | null> {
  const [row] = await sql.query<Customer>(
    `WITH created AS (
       INSERT INTO "Customer"
         ("id", "phone", "name", "referralCode", "source", "dataConsentAt", "dataConsentVersion",
          "createdAt", "updatedAt", "lastSeenAt")
       VALUES ($1, $2, $3, $4, $5, $6, $7, $6, $6, $6)
       ON CONFLICT DO NOTHING
       RETURNING *
     ), event AS (
       INSERT INTO "CustomerEvent" ("customerId", "type", "data", "staffId", "createdAt")
       SELECT "id", $8, $9::jsonb, $10::uuid, $6 FROM created
     )
     SELECT * FROM created`,
    [
      options.id,
      options.phone,
      options.name,
      options.referralCode,
      options.source,
      options.at,
      options.consentVersion,
      options.event.type,
      jsonParam(options.event.data),
      options.staffId,
    ],
  );
  return row ?? null;
}

/** The next batch of customer ids after `after`, in id order (the review walks the table). */
export async function selectCustomerIdBatch(
  sql: Sql,
  after: string | null,
  size: number,
): Promise<string[]> {
  const rows = await sql.query<{ id: string }>(
    `SELECT "id" FROM "Customer" WHERE $1::uuid IS NULL OR "id" > $1::uuid ORDER BY "id" LIMIT $2`,
    [after, size],
  );
  return rows.map((row) => row.id);
}
