import { randomUUID } from "node:crypto";
import type { Customer, LoyaltyCard } from "../db/client.ts";
import { isUniqueViolationSql, type Sql } from "../db/sql.ts";
import { selectCustomerById } from "../db/tables/customers.ts";
import { activateAndIssueCard, type CustomerContact } from "../db/tables/loyalty-cards.ts";
import { AppError } from "../errors.ts";
import { EventType } from "../events.ts";
import { generateCardNumber } from "../loyalty/card-number.ts";
import { OutboxKind } from "../outbox/message.ts";
import { emitWebhookEvents, type WebhookEmission } from "../webhooks/emit.ts";
import { WebhookEvent } from "../webhooks/events.ts";

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
 * the referrer's bonus, and queues the referrer's message — one statement (see activateAndIssueCard), because this runs inside a
 * customer's update and every statement there counts. Safe to call twice: the card is one per
 * customer and only the call that issues it credits anything, so a repeated call returns the
 * same card and credits nothing. Composes into a caller's transaction.
 */
export async function completeOnboarding(
  sql: Sql,
  options: CompleteOnboardingOptions,
): Promise<CompleteOnboardingResult> {
  const at = options.now ?? new Date();
  for (let attempt = 0; ; attempt++) {
    let done: Awaited<ReturnType<typeof activateAndIssueCard>>;
    try {
      done = await activateAndIssueCard(sql, {
        customerId: options.customerId,
        card: { id: randomUUID(), number: generateCardNumber() },
        welcome: { points: options.welcomeBonus, idempotencyKey: `welcome:${options.customerId}` },
        referral: {
          points: options.referralBonus,
          idempotencyKey: `referral:${options.customerId}`,
          note: "Friend joined",
          notice: {
            kind: OutboxKind.referralCredited,
            template: "referral-credited",
            dedupeKey: `${OutboxKind.referralCredited}:${options.customerId}`,
          },
        },
        events: {
          cardIssued: EventType.cardIssued,
          pointsCredited: EventType.pointsCredited,
          referralCredited: EventType.referralCredited,
        },
        at,
      });
    } catch (error) {
      // A colliding random card number: draw another.
      if (isUniqueViolationSql(error) && attempt < 5) continue;
      throw error;
    }
    if (!done) {
      const customer = await selectCustomerById(sql, options.customerId);
      if (!customer) throw new AppError("not_found", "Customer not found");
      throw new AppError("forbidden", "No consent to data processing");
    }
    // Issued by a concurrent call this statement could not see yet: the next one will.
    if (!done.card) {
      if (attempt < 5) continue;
      throw new AppError("conflict", "The card is being issued; try again");
    }
    if (done.issued) {
      await emitJoined(sql, done.customer, done.card, done.welcomeCredited, at, {
        referrerId: done.referrerCredited?.id ?? null,
        points: options.referralBonus,
      });
    }
    return {
      customer: done.customer,
      card: done.card,
      issued: done.issued,
      welcomeCredited: done.welcomeCredited,
      referrerCredited: done.referrerCredited?.id ?? null,
      referrer: done.referrerCredited,
    };
  }
}

/**
 * customer.created (and the points.changed of the welcome bonus and of the referrer's bonus) for
 * webhooks, once: only the call that issued the card gets here. Walk-ins at the till come this
 * way too.
 */
function emitJoined(
  sql: Sql,
  customer: Customer,
  card: LoyaltyCard,
  welcomeCredited: number,
  now: Date,
  referral: { referrerId: string | null; points: number },
): Promise<number> {
  const events: WebhookEmission[] = [
    {
      event: WebhookEvent.customerCreated,
      dedupeKey: `customer:${customer.id}`,
      data: {
        customerId: customer.id,
        name: customer.name,
        phone: customer.phone,
        source: customer.source,
        language: customer.language,
        marketingConsent: customer.marketingConsent,
        cardNumber: card.number,
        balance: card.balance,
        createdAt: customer.createdAt.toISOString(),
      },
      now,
    },
  ];
  if (welcomeCredited > 0) {
    events.push({
      event: WebhookEvent.pointsChanged,
      dedupeKey: `welcome:${customer.id}`,
      data: {
        customerId: customer.id,
        cardId: card.id,
        kind: "WELCOME",
        delta: welcomeCredited,
        balance: card.balance,
        at: now.toISOString(),
      },
      now,
    });
  }
  if (referral.referrerId && referral.points > 0) {
    // The referrer's balance is not read back (this runs in the customer's update): the
    // receiver reads it with the API if it needs it.
    events.push({
      event: WebhookEvent.pointsChanged,
      dedupeKey: `referral:${customer.id}`,
      data: {
        customerId: referral.referrerId,
        kind: "REFERRAL",
        delta: referral.points,
        referredCustomerId: customer.id,
        at: now.toISOString(),
      },
      now,
    });
  }
  return emitWebhookEvents(sql, events);
}
