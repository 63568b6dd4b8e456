import type { Customer } from "../db/client.ts";
import type { Sql } from "../db/sql.ts";
import { setMarketingConsent } from "../onboarding/consent.ts";
import { recordUnsubscribeClick } from "./record-click.ts";

/**
 * Unsubscribing, by the button under a marketing message, /stop or Settings: marketing consent
 * withdrawn exactly as Settings does it (with its consent.marketing_changed event), and the
 * press counted for the delivery it was under, if any. Service messages (receipts, points) go
 * on. Already unsubscribed: nothing to record but the press. Returns the customer as saved.
 */
export async function unsubscribe(
  sql: Sql,
  input: { customer: Customer; deliveryId?: string | null; version: string; now?: Date },
): Promise<{ customer: Customer; changed: boolean }> {
  const now = input.now ?? new Date();
  let customer = input.customer;
  const changed = customer.marketingConsent;
  if (changed) {
    customer = await setMarketingConsent(sql, {
      customerId: customer.id,
      granted: false,
      version: input.version,
      now,
    });
  }
  if (input.deliveryId) {
    await recordUnsubscribeClick(sql, {
      deliveryId: input.deliveryId,
      customerId: customer.id,
      now,
    });
  }
  return { customer, changed };
}

/** "Subscribe again", one tap after unsubscribing: the consent given back, with its event. */
export async function resubscribe(
  sql: Sql,
  input: { customer: Customer; version: string; now?: Date },
): Promise<{ customer: Customer; changed: boolean }> {
  if (input.customer.marketingConsent) return { customer: input.customer, changed: false };
  const customer = await setMarketingConsent(sql, {
    customerId: input.customer.id,
    granted: true,
    version: input.version,
    ...(input.now ? { now: input.now } : {}),
  });
  return { customer, changed: true };
}
