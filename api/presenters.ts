import type { Customer, CustomerEvent, LoyaltyCard, PointsEntry } from "../core/db/client.ts";
import { tierProgress } from "../core/loyalty/tiers.ts";

// JSON has no BigInt: Telegram ids and money in minor units become strings, dates ISO strings.

/** The tier is derived from total spend, never stored, so it cannot disagree with the bot. */
export function presentCard(card: LoyaltyCard | null, totalSpentMinor: bigint) {
  if (!card) return null;
  return {
    number: card.number,
    status: card.status,
    tier: tierProgress(totalSpentMinor).current.key,
    balance: card.balance,
    issuedAt: card.issuedAt.toISOString(),
  };
}

export function presentCustomer(customer: Customer & { card?: LoyaltyCard | null }) {
  return {
    id: customer.id,
    status: customer.status,
    telegramId: customer.telegramId?.toString() ?? null,
    telegramUsername: customer.telegramUsername,
    reachable: customer.reachable,
    name: customer.name,
    phone: customer.phone,
    phoneVerified: customer.phoneVerified,
    email: customer.email,
    language: customer.language ?? customer.telegramLanguage,
    birthday: customer.birthday?.toISOString().slice(0, 10) ?? null,
    gender: customer.gender,
    city: customer.city,
    interests: customer.interests,
    tags: customer.tags,
    attributes: customer.attributes,
    consent: {
      data: customer.dataConsentAt
        ? { at: customer.dataConsentAt.toISOString(), version: customer.dataConsentVersion }
        : null,
      marketing: customer.marketingConsent,
      marketingAt: customer.marketingConsentAt?.toISOString() ?? null,
    },
    source: customer.source,
    referrerId: customer.referrerId,
    referralCode: customer.referralCode,
    stats: {
      purchaseCount: customer.purchaseCount,
      totalSpentMinor: customer.totalSpentMinor.toString(),
      lastPurchaseAt: customer.lastPurchaseAt?.toISOString() ?? null,
    },
    card:
      customer.card === undefined
        ? undefined
        : presentCard(customer.card, customer.totalSpentMinor),
    createdAt: customer.createdAt.toISOString(),
    lastSeenAt: customer.lastSeenAt.toISOString(),
  };
}

export function presentLedgerEntry(entry: PointsEntry) {
  return {
    id: entry.id.toString(),
    kind: entry.kind,
    delta: entry.delta,
    balanceAfter: entry.balanceAfter,
    purchaseId: entry.purchaseId,
    note: entry.note,
    createdAt: entry.createdAt.toISOString(),
  };
}

export function presentEvent(event: CustomerEvent) {
  return {
    id: event.id.toString(),
    type: event.type,
    data: event.data,
    createdAt: event.createdAt.toISOString(),
  };
}
