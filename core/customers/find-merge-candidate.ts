import { type Actor, Permission, requirePermission } from "../access/permissions.ts";
import type { Sql } from "../db/sql.ts";
import { type CustomerWithCard, selectCustomerById } from "../db/tables/customers.ts";
import { findCardByCustomer } from "../db/tables/loyalty-cards.ts";
import { findCustomer } from "../staff/find-customer.ts";
import { type MergeRefusal, mergeRefusal } from "./merge-customers.ts";

export type MergeCandidate =
  | { kind: "found"; kept: CustomerWithCard; other: CustomerWithCard }
  | { kind: "not_found" | "bad_card_number" | "not_a_query" | "same_customer" }
  | { kind: "refused"; reason: MergeRefusal | "own_card" };

/**
 * The second card of a merge, found the way staff find anyone (card number, phone, @username;
 * an audited lookup), with both customers for a side-by-side preview — or why these two cannot
 * be merged, said before anyone presses Confirm. The merge itself checks everything again.
 */
export async function findMergeCandidate(
  sql: Sql,
  options: { actor: Actor; keepId: string; query: string; phoneRegion: string; now?: Date },
): Promise<MergeCandidate> {
  const { actor, keepId } = options;
  requirePermission(actor, Permission.mergeCustomers);
  const found = await findCustomer(sql, {
    actor,
    query: options.query,
    phoneRegion: options.phoneRegion,
    ...(options.now ? { now: options.now } : {}),
  });
  if (found.kind !== "found") return { kind: found.kind };
  if (found.customer.id === keepId) return { kind: "same_customer" };
  if (actor.ownCustomerId && [keepId, found.customer.id].includes(actor.ownCustomerId)) {
    return { kind: "refused", reason: "own_card" };
  }
  const customer = await selectCustomerById(sql, keepId);
  if (!customer) return { kind: "not_found" };
  const kept = { customer, card: await findCardByCustomer(sql, keepId) };
  const other = { customer: found.customer, card: found.card };
  const refusal = mergeRefusal(kept, other);
  if (refusal) return { kind: "refused", reason: refusal };
  return { kind: "found", kept, other };
}
