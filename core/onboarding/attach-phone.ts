import type { Customer } from "../db/client.ts";
import { isUniqueViolationSql, type Sql } from "../db/sql.ts";
import { insertEvents } from "../db/tables/customer-events.ts";
import {
  deleteCustomer,
  lockCustomers,
  moveEvents,
  selectCustomerByPhone,
  updateCustomer,
  updatePhoneIfFree,
} from "../db/tables/customers.ts";
import { AppError } from "../errors.ts";
import { EventType } from "../events.ts";

export type AttachPhoneResult =
  /** Saved on this customer. */
  | { kind: "saved"; customer: Customer }
  /** The number belonged to a record without Telegram (import, staff entry): merged into it. */
  | { kind: "merged"; customer: Customer }
  /** Typed numbers cannot claim an existing record: the contact button must prove ownership. */
  | { kind: "needs_verification" }
  /** Another Telegram account already owns this number. */
  | { kind: "taken" }
  /**
   * The customer already has a card and the number is on a separate record without Telegram:
   * two histories that staff must combine by hand, not something a chat button should decide.
   */
  | { kind: "needs_staff" };

/**
 * Attaches a phone (E.164) to the customer behind a Telegram account. When the same number is
 * already on file from an import or a staff entry, and the number is verified (shared with
 * Telegram's contact button, which proves the account owns it), the two records become one:
 * the older record keeps its history, card and purchases and gains the Telegram identity.
 *
 * The usual case — nobody else has the number — is one statement; the merge is a transaction.
 */
export async function attachPhone(
  sql: Sql,
  options: { customerId: string; phone: string; verified: boolean; now?: Date },
  attempt = 0,
): Promise<AttachPhoneResult> {
  const at = options.now ?? new Date();
  try {
    const customer = await updatePhoneIfFree(sql, {
      customerId: options.customerId,
      phone: options.phone,
      verified: options.verified,
      at,
      verifiedEvent: EventType.phoneVerified,
    });
    if (customer) return { kind: "saved", customer };
  } catch (error) {
    // Someone else took the number a moment ago: decide below like for any other holder.
    if (!isUniqueViolationSql(error)) throw error;
  }
  const holder = await selectCustomerByPhone(sql, options.phone);
  if (!holder || holder.id === options.customerId) {
    // The holder let go of the number meanwhile: try once more. Nothing saved and nobody
    // holding it twice means the customer is gone.
    if (attempt > 0) throw new AppError("not_found", `Customer ${options.customerId} not found`);
    return attachPhone(sql, options, attempt + 1);
  }
  if (holder.telegramId !== null) return { kind: "taken" };
  if (!options.verified) return { kind: "needs_verification" };
  return sql.transaction((tx) => mergeIntoHolder(tx, { ...options, holderId: holder.id, at }));
}

async function mergeIntoHolder(
  tx: Sql,
  options: { customerId: string; holderId: string; at: Date },
): Promise<AttachPhoneResult> {
  const locked = await lockCustomers(tx, [options.customerId, options.holderId]);
  const current = locked.find((c) => c.id === options.customerId);
  const holder = locked.find((c) => c.id === options.holderId);
  if (!current || !holder) return { kind: "taken" };
  if (holder.telegramId !== null) return { kind: "taken" };
  if (current.hasCard) return { kind: "needs_staff" };

  // The Telegram id is unique: release it from the fresh record before the old one takes it.
  await updateCustomer(tx, current.id, { telegramId: null }, { at: options.at });
  await moveEvents(tx, current.id, holder.id);
  const merged = await updateCustomer(
    tx,
    holder.id,
    {
      telegramId: current.telegramId,
      telegramUsername: current.telegramUsername,
      telegramFirstName: current.telegramFirstName,
      telegramLastName: current.telegramLastName,
      telegramLanguage: current.telegramLanguage,
      reachable: true,
      phoneVerified: true,
      name: holder.name ?? current.name,
      dataConsentAt: current.dataConsentAt,
      dataConsentVersion: current.dataConsentVersion,
      marketingConsent: current.marketingConsentAt
        ? current.marketingConsent
        : holder.marketingConsent,
      marketingConsentAt: current.marketingConsentAt ?? holder.marketingConsentAt,
      marketingConsentVersion: current.marketingConsentVersion ?? holder.marketingConsentVersion,
      source: holder.source ?? current.source,
      // Never let a merge make someone their own referrer. A holder with a card (a walk-in
      // registered at the till) was a customer before any ref_ link: not re-referred.
      referrerId: holder.hasCard
        ? holder.referrerId
        : ([holder.referrerId, current.referrerId].find((id) => id && id !== holder.id) ?? null),
      status: holder.status === "ACTIVE" ? "ACTIVE" : "ONBOARDING",
      lastSeenAt: options.at,
    },
    { at: options.at },
  );
  await deleteCustomer(tx, current.id);
  await insertEvents(
    tx,
    [
      {
        customerId: holder.id,
        type: EventType.customerMerged,
        data: { mergedCustomerId: current.id },
      },
      { customerId: holder.id, type: EventType.phoneVerified },
    ],
    options.at,
  );
  if (!merged) return { kind: "taken" };
  return { kind: "merged", customer: merged };
}
