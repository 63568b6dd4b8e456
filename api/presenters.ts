import { clientType } from "../core/customers/client-type.ts";
import type { Customer, CustomerEvent, LoyaltyCard, PointsEntry } from "../core/db/client.ts";
import type { LoyaltySettings } from "../core/loyalty/settings.ts";
import { tierProgress } from "../core/loyalty/tiers.ts";

// JSON has no BigInt: Telegram ids and money in minor units become strings, dates ISO strings.

/** The tier is the customer's stored one, as the bot shows it. */
export function presentCard(card: LoyaltyCard | null, customer: Pick<Customer, "tier">) {
  if (!card) return null;
  return {
    number: card.number,
    status: card.status,
    tier: customer.tier,
    balance: card.balance,
    issuedAt: card.issuedAt.toISOString(),
  };
}

/** The tier with what it is based on and how far the next one is. */
export function presentTier(settings: LoyaltySettings, customer: Customer) {
  const progress = tierProgress(settings, customer);
  const basis = settings.tiers.basis;
  return {
    key: progress.current.key,
    name: progress.current.name,
    reachedAt: customer.tierReachedAt?.toISOString() ?? null,
    basis:
      basis.kind === "window"
        ? { kind: "window" as const, months: basis.months }
        : { kind: "lifetime" as const },
    spentMinor: customer.tierSpendMinor.toString(),
    next: progress.next
      ? {
          key: progress.next.key,
          name: progress.next.name,
          minSpentMinor: String(progress.next.minSpentMinor),
          remainingMinor: progress.remainingMinor.toString(),
        }
      : null,
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
    timeZone: customer.timeZone,
    interests: customer.interests,
    familyStatus: customer.familyStatus,
    children: customer.children,
    tags: customer.tags,
    // Custom answers, typed as stored (core/questions/types.ts AnswerValue): a number stays a
    // number, a date is "YYYY-MM-DD", a multiple choice a list of option values.
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
      firstPurchaseAt: customer.firstPurchaseAt?.toISOString() ?? null,
      averageCheckMinor:
        customer.purchaseCount > 0
          ? (customer.totalSpentMinor / BigInt(customer.purchaseCount)).toString()
          : null,
      averageIntervalDays:
        customer.avgPurchaseIntervalDays === null
          ? null
          : Math.round(customer.avgPurchaseIntervalDays * 10) / 10,
      clientType: clientType(customer),
      rfm:
        customer.rfmComputedAt === null
          ? null
          : {
              recency: customer.rfmRecency,
              frequency: customer.rfmFrequency,
              monetary: customer.rfmMonetary,
              computedAt: customer.rfmComputedAt.toISOString(),
            },
    },
    card: customer.card === undefined ? undefined : presentCard(customer.card, customer),
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
