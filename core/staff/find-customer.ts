import { AuditAction, recordAudit } from "../access/audit.ts";
import { type Actor, Permission, requirePermission } from "../access/permissions.ts";
import type { Sql } from "../db/sql.ts";
import { type CustomerWithCard, selectCustomerForStaff } from "../db/tables/customers.ts";
import { parseCardNumber } from "../loyalty/card-number.ts";
import { parsePhone } from "../profile/validation.ts";

export type FindCustomerResult =
  | ({ kind: "found" } & CustomerWithCard)
  | { kind: "not_found" }
  /** Twelve digits whose check digit is wrong: a typo, said so rather than "not found". */
  | { kind: "bad_card_number" }
  /** Neither a card number, nor a phone, nor an @username. */
  | { kind: "not_a_query" };

/**
 * How staff find a customer: the card number (as printed, with spaces or dashes, or from the
 * card's QR code), a phone number in any usual format, or a Telegram @username. A lookup that
 * finds someone is audited.
 */
export async function findCustomer(
  sql: Sql,
  options: { actor: Actor; query: string; phoneRegion: string; now?: Date },
): Promise<FindCustomerResult> {
  requirePermission(options.actor, Permission.lookupCustomer);
  const query = options.query.trim();
  let by: { cardNumber: string } | { phone: string } | { username: string };
  const digits = query.replace(/[\s-]/g, "");
  if (/^\d{12}$/.test(digits)) {
    const number = parseCardNumber(digits);
    if (!number) return { kind: "bad_card_number" };
    by = { cardNumber: number };
  } else if (/^@?[A-Za-z][A-Za-z0-9_]{4,31}$/.test(query) && !/^\d/.test(query)) {
    by = { username: query.replace(/^@/, "") };
  } else {
    const phone = parsePhone(query, options.phoneRegion);
    if (!phone.ok) return { kind: "not_a_query" };
    by = { phone: phone.value.e164 };
  }
  const found = await selectCustomerForStaff(sql, by);
  if (!found) return { kind: "not_found" };
  await recordAudit(sql, {
    actor: options.actor,
    action: AuditAction.customerLookup,
    customerId: found.customer.id,
    data: { by: Object.keys(by)[0] as string },
    ...(options.now ? { now: options.now } : {}),
  });
  return { kind: "found", ...found };
}
