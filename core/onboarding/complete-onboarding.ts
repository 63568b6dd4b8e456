import { randomUUID } from "node:crypto";
import type { Customer, LoyaltyCard } from "../db/client.ts";
import { isUniqueViolationSql, type Sql } from "../db/sql.ts";
import { insertEvents, type NewEvent } from "../db/tables/customer-events.ts";
import {
  activateCustomer,
  type CustomerContact,
  selectCustomerById,
} from "../db/tables/customers.ts";
import { findCardByCustomer, insertCardIfMissing } from "../db/tables/loyalty-cards.ts";
import { insertEntryMovingBalance } from "../db/tables/points-entries.ts";
import { AppError } from "../errors.ts";
import { EventType } from "../events.ts";
import { generateCardNumber } from "../loyalty/card-number.ts";

export type CompleteOnboardingOptions = {
  customerId: string;
  welcomeBonus: number;
  referralBonus: number;
  now?: Date;
};

export type CompleteOnboardingResult = {
  customer: Customer;
  /** The card with its balance after the welcome bonus. */
  card: LoyaltyCard;
  /** False when the card already existed (a double tap, a retry): nothing was credited again. */
  issued: boolean;
  welcomeCredited: number;
  /** The referrer's customer id when their bonus was credited by this call. */
  referrerCredited: string | null;
  /** How to tell the referrer, when they were credited. */
  referrer: CustomerContact | null;
};

/**
 * Finishes onboarding: activates the customer, issues the card, credits the welcome bonus and
 * the referrer's bonus, all in one transaction. Safe to call twice: the card is one per customer
 * and each bonus has its own idempotency key, so a repeated call returns the same card and
 * credits nothing. Runs in the caller's transaction when given one.
 */
export async function completeOnboarding(
  sql: Sql,
  options: CompleteOnboardingOptions,
): Promise<CompleteOnboardingResult> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await sql.transaction((tx) => completeInTransaction(tx, options));
    } catch (error) {
      // A colliding random card number (or a concurrent double tap) rolls back; run again and
      // the second pass finds the card or draws a new number.
      if (isUniqueViolationSql(error) && attempt < 5) continue;
      throw error;
    }
  }
}

async function completeInTransaction(
  tx: Sql,
  options: CompleteOnboardingOptions,
): Promise<CompleteOnboardingResult> {
  const now = options.now ?? new Date();
  const activated = await activateCustomer(tx, options.customerId, now);
  if (!activated) {
    const customer = await selectCustomerById(tx, options.customerId);
    if (!customer) throw new AppError("not_found", "Customer not found");
    throw new AppError("forbidden", "No consent to data processing");
  }
  const { customer, referrer } = activated;
  const events: NewEvent[] = [];

  const fresh = await insertCardIfMissing(tx, {
    id: randomUUID(),
    number: generateCardNumber(),
    customerId: customer.id,
    issuedAt: now,
  });
  let card = fresh ?? (await findCardByCustomer(tx, customer.id));
  if (!card) throw new AppError("not_found", "Card not found");
  if (fresh) {
    events.push({
      customerId: customer.id,
      type: EventType.cardIssued,
      data: { cardNumber: card.number },
    });
  }

  // The ledger statement returns nothing when the key was used before: then nothing is credited.
  let welcomeCredited = 0;
  if (options.welcomeBonus > 0) {
    const welcome = await insertEntryMovingBalance(tx, {
      card: { id: card.id },
      kind: "WELCOME",
      delta: options.welcomeBonus,
      idempotencyKey: `welcome:${customer.id}`,
      at: now,
    });
    if (welcome) {
      welcomeCredited = options.welcomeBonus;
      card = { ...card, balance: welcome.balanceAfter };
      events.push({
        customerId: customer.id,
        type: EventType.pointsCredited,
        data: { kind: "WELCOME", points: options.welcomeBonus },
      });
    }
  }

  let referrerCredited: string | null = null;
  if (referrer && referrer.id !== customer.id && options.referralBonus > 0) {
    // Nothing when the referrer's card is not active (blocked, closed) or was credited before.
    const bonus = await insertEntryMovingBalance(tx, {
      card: { activeCardOfCustomer: referrer.id },
      kind: "REFERRAL",
      delta: options.referralBonus,
      idempotencyKey: `referral:${customer.id}`,
      note: "Friend joined",
      at: now,
    });
    if (bonus) {
      referrerCredited = referrer.id;
      events.push({
        customerId: referrer.id,
        type: EventType.referralCredited,
        data: { points: options.referralBonus, referredCustomerId: customer.id },
      });
    }
  }
  await insertEvents(tx, events, now);
  return {
    customer,
    card,
    issued: fresh !== null,
    welcomeCredited,
    referrerCredited,
    referrer: referrerCredited ? referrer : null,
  };
}
