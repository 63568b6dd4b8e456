import type { Customer, LoyaltyCard, Prisma, PrismaClient } from "../db/client.ts";
import { AppError, isUniqueViolation } from "../errors.ts";
import { EventType, recordEvent } from "../events.ts";
import { generateCardNumber } from "../loyalty/card-number.ts";
import { postLedgerEntry } from "../loyalty/ledger.ts";

export type CompleteOnboardingOptions = {
  customerId: string;
  welcomeBonus: number;
  referralBonus: number;
  now?: Date;
};

export type CompleteOnboardingResult = {
  customer: Customer;
  card: LoyaltyCard;
  /** False when the card already existed (a double tap, a retry): nothing was credited again. */
  issued: boolean;
  welcomeCredited: number;
  /** The referrer's customer id when their bonus was credited by this call. */
  referrerCredited: string | null;
};

/**
 * Finishes onboarding: activates the customer, issues the card, credits the welcome bonus and
 * the referrer's bonus. Safe to call twice: the card is one per customer and each bonus has its
 * own idempotency key, so a repeated call returns the same card and credits nothing.
 */
export async function completeOnboarding(
  db: PrismaClient,
  options: CompleteOnboardingOptions,
): Promise<CompleteOnboardingResult> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await db.$transaction((tx) => completeInTransaction(tx, options));
    } catch (error) {
      // A colliding random card number (or a concurrent double tap) rolls back; run again and
      // the second pass finds the card or draws a new number.
      if (isUniqueViolation(error) && attempt < 5) continue;
      throw error;
    }
  }
}

async function completeInTransaction(
  tx: Prisma.TransactionClient,
  options: CompleteOnboardingOptions,
): Promise<CompleteOnboardingResult> {
  const now = options.now ?? new Date();
  const current = await tx.customer.findUnique({
    where: { id: options.customerId },
    include: { card: true },
  });
  if (!current) throw new AppError("not_found", "Customer not found");
  if (!current.dataConsentAt) throw new AppError("forbidden", "No consent to data processing");

  let card = current.card;
  const issued = !card;
  if (!card) {
    card = await tx.loyaltyCard.create({
      data: { number: generateCardNumber(), customerId: current.id, issuedAt: now },
    });
    await recordEvent(tx, current.id, EventType.cardIssued, { cardNumber: card.number });
  }
  const customer = await tx.customer.update({
    where: { id: current.id },
    data: { status: "ACTIVE", onboardedAt: current.onboardedAt ?? now },
  });

  let welcomeCredited = 0;
  if (options.welcomeBonus > 0) {
    const { duplicate } = await postLedgerEntry(tx, {
      cardId: card.id,
      customerId: current.id,
      kind: "WELCOME",
      delta: options.welcomeBonus,
      idempotencyKey: `welcome:${current.id}`,
    });
    if (!duplicate) {
      welcomeCredited = options.welcomeBonus;
      await recordEvent(tx, current.id, EventType.pointsCredited, {
        kind: "WELCOME",
        points: options.welcomeBonus,
      });
    }
  }

  let referrerCredited: string | null = null;
  if (current.referrerId && current.referrerId !== current.id && options.referralBonus > 0) {
    const referrerCard = await tx.loyaltyCard.findUnique({
      where: { customerId: current.referrerId },
    });
    if (referrerCard && referrerCard.status === "ACTIVE") {
      const { duplicate } = await postLedgerEntry(tx, {
        cardId: referrerCard.id,
        customerId: current.referrerId,
        kind: "REFERRAL",
        delta: options.referralBonus,
        idempotencyKey: `referral:${current.id}`,
        note: "Friend joined",
      });
      if (!duplicate) {
        referrerCredited = current.referrerId;
        await recordEvent(tx, current.referrerId, EventType.referralCredited, {
          points: options.referralBonus,
          referredCustomerId: current.id,
        });
      }
    }
  }
  const freshCard = await tx.loyaltyCard.findUniqueOrThrow({ where: { id: card.id } });
  return { customer, card: freshCard, issued, welcomeCredited, referrerCredited };
}
