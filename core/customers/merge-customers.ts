import { AuditAction, recordAudit } from "../access/audit.ts";
import {
  type Actor,
  Permission,
  requireNotOwnCard,
  requirePermission,
} from "../access/permissions.ts";
import type { Customer, LoyaltyCard } from "../db/client.ts";
import type { Sql } from "../db/sql.ts";
import {
  closeCard,
  lockMergePair,
  type MovedRows,
  moveCustomerRows,
  wasMergedInto,
} from "../db/tables/customer-merge.ts";
import { type CustomerPatch, selectCustomerById, updateCustomer } from "../db/tables/customers.ts";
import { findCardByCustomer } from "../db/tables/loyalty-cards.ts";
import { findEntryByKey } from "../db/tables/points-entries.ts";
import { recomputeMetrics, setTier } from "../db/tables/purchases.ts";
import { AppError } from "../errors.ts";
import { EventType } from "../events.ts";
import { formatCardNumber } from "../loyalty/card-number.ts";
import { postLedgerEntry } from "../loyalty/ledger.ts";
import type { LoyaltySettings } from "../loyalty/settings.ts";
import { tierForSpend, tierRank, tierWindowStart } from "../loyalty/tiers.ts";
import { erasedIdentity } from "../privacy/erased-identity.ts";

export type MergeCustomersOptions = {
  actor: Actor;
  /** The customer who stays, with their card. */
  keepId: string;
  /** The customer merged into them: their card is closed and their record retired. */
  mergeId: string;
  settings: LoyaltySettings;
  now?: Date;
};

export type MergeCustomersResult = {
  customer: Customer;
  card: LoyaltyCard | null;
  /** False when this merge had been done before (a double tap, a retry): nothing moved again. */
  merged: boolean;
  pointsTransferred: number;
  moved: MovedRows | null;
};

/** Idempotency keys of the two ledger entries that carry the merged card's balance over. */
export const mergeKeys = (mergeId: string) => ({
  out: `merge:${mergeId}:out`,
  in: `merge:${mergeId}:in`,
});

/**
 * Merges two records of the same person (two cards) into one, in one transaction:
 * - the merged card's balance moves to the kept card as two ADJUSTMENT entries (the ledger is
 *   append-only, its rows cannot be re-pointed), and the merged card is CLOSED;
 * - purchases, refunds, reward codes, answers, the timeline and messages move to the kept
 *   customer; the metrics are recomputed from the purchases and the higher tier is kept (or a
 *   higher one still, if the combined spend reaches it);
 * - profile fields: the older record's values win, the other fills the gaps;
 * - the merged record is retired as DELETED (there is no MERGED status): its personal fields
 *   are wiped after being copied, and a "customer.merged" event on it names the kept one.
 *
 * A person has one Telegram account: two records that both have one are two people and are
 * refused. The kept record takes the Telegram account if the merged one had it. Nobody merges
 * their own card, and a record with a card is never merged into one without.
 */
export async function mergeCustomers(
  sql: Sql,
  options: MergeCustomersOptions,
): Promise<MergeCustomersResult> {
  const { actor, keepId, mergeId } = options;
  requirePermission(actor, Permission.mergeCustomers);
  if (keepId === mergeId) {
    throw new AppError("invalid_input", "A customer cannot be merged with themselves", {
      reason: "same_customer",
    });
  }
  requireNotOwnCard(actor, keepId);
  requireNotOwnCard(actor, mergeId);
  const at = options.now ?? new Date();

  return sql.transaction(async (tx) => {
    const pair = await lockMergePair(tx, [keepId, mergeId]);
    const kept = pair.find((p) => p.customer.id === keepId);
    const merged = pair.find((p) => p.customer.id === mergeId);
    if (!kept || !merged) throw new AppError("not_found", "Customer not found");

    if (merged.customer.status === "DELETED" && kept.customer.status !== "DELETED") {
      if (await wasMergedInto(tx, mergeId, keepId)) {
        const entry = await findEntryByKey(tx, mergeKeys(mergeId).in);
        return { ...kept, merged: false, pointsTransferred: entry?.delta ?? 0, moved: null };
      }
    }
    refuseUnmergeable(kept, merged);

    const points = merged.card && kept.card ? merged.card.balance : 0;
    if (points > 0 && merged.card && kept.card) {
      const keys = mergeKeys(mergeId);
      const common = { kind: "ADJUSTMENT" as const, now: at, ...staffOf(actor) };
      await postLedgerEntry(tx, {
        ...common,
        card: { id: merged.card.id },
        delta: -points,
        idempotencyKey: keys.out,
        note: `Merged into card ${formatCardNumber(kept.card.number)}`,
      });
      await postLedgerEntry(tx, {
        ...common,
        card: { id: kept.card.id },
        delta: points,
        idempotencyKey: keys.in,
        note: `Merged from card ${formatCardNumber(merged.card.number)}`,
      });
    }
    const moved = await moveCustomerRows(tx, {
      from: mergeId,
      to: keepId,
      toCardId: kept.card?.id ?? null,
    });
    if (merged.card) await closeCard(tx, merged.card.id);

    // The merged record lets go of its unique fields (Telegram id, phone) before the kept one
    // takes them.
    await updateCustomer(tx, mergeId, retiredProfile(at), {
      at,
      event: { type: EventType.customerMerged, data: { mergedInto: keepId } },
    });
    await updateCustomer(tx, keepId, combinedProfile(kept.customer, merged.customer), {
      at,
      event: {
        type: EventType.customerMerged,
        data: {
          mergedCustomerId: mergeId,
          mergedCardNumber: merged.card?.number ?? null,
          pointsTransferred: points,
          staffId: actor.staffId,
        },
      },
    });

    const higher =
      tierRank(options.settings, merged.customer.tier) >
      tierRank(options.settings, kept.customer.tier)
        ? merged.customer
        : kept.customer;
    const metrics = await recomputeMetrics(tx, {
      customerId: keepId,
      at,
      tierWindowStart: tierWindowStart(options.settings, at),
      tier: { key: higher.tier, reachedAt: higher.tierReachedAt },
    });
    // Two histories together may reach a tier neither reached alone.
    const reached = tierForSpend(options.settings, metrics.tierSpendMinor);
    if (tierRank(options.settings, reached) > tierRank(options.settings, metrics.tier)) {
      await setTier(tx, { customerId: keepId, tier: reached, reachedAt: at, at });
    }

    await recordAudit(tx, {
      actor,
      action: AuditAction.customersMerged,
      customerId: keepId,
      data: {
        mergedCustomerId: mergeId,
        mergedCardNumber: merged.card?.number ?? null,
        pointsTransferred: points,
        purchasesMoved: moved.purchases,
      },
      now: at,
    });

    const customer = await selectCustomerById(tx, keepId);
    if (!customer) throw new Error(`customer ${keepId} vanished under a lock`);
    const card = await findCardByCustomer(tx, keepId);
    return { customer, card, merged: true, pointsTransferred: points, moved };
  });
}

type Side = { customer: Customer; card: LoyaltyCard | null };

/** Why two records cannot be merged (besides permissions and own cards). */
export type MergeRefusal = "closed" | "two_telegram_accounts" | "kept_has_no_card";

/** The rules a merge must pass, for a preview as much as for the merge itself. */
export function mergeRefusal(kept: Side, merged: Side): MergeRefusal | null {
  const closed = (side: Side) =>
    side.customer.status === "DELETED" || side.customer.status === "DECLINED";
  if (closed(kept) || closed(merged)) return "closed";
  // A person has one Telegram account: two accounts are two people.
  if (kept.customer.telegramId !== null && merged.customer.telegramId !== null) {
    return "two_telegram_accounts";
  }
  // The card that stays must exist; the other record's card is closed.
  if (merged.card && !kept.card) return "kept_has_no_card";
  return null;
}

const refusalMessages: Record<MergeRefusal, string> = {
  closed: "One of the customers' records is closed",
  two_telegram_accounts: "Both customers have a Telegram account: two people",
  kept_has_no_card: "Keep the customer with the card",
};

function refuseUnmergeable(kept: Side, merged: Side): void {
  const reason = mergeRefusal(kept, merged);
  if (reason) throw new AppError("conflict", refusalMessages[reason], { reason });
}

function staffOf(actor: Actor): { staffId?: string } {
  return actor.staffId ? { staffId: actor.staffId } : {};
}

const present = <T>(value: T | null | undefined): value is T =>
  value !== null && value !== undefined && value !== "";

/** The older record's value if it has one, else the newer one's. */
function pick<T>(older: T | null, newer: T | null): T | null {
  return present(older) ? older : present(newer) ? newer : null;
}

function union(a: readonly string[], b: readonly string[]): string[] {
  return [...new Set([...a, ...b])];
}

/** Consent the customer gave themselves beats consent staff recorded at the till. */
function ownConsent(c: Customer): boolean {
  return c.dataConsentAt !== null && !c.dataConsentVersion?.startsWith("staff:");
}

function combinedProfile(kept: Customer, merged: Customer): CustomerPatch {
  const [older, newer] = kept.createdAt <= merged.createdAt ? [kept, merged] : [merged, kept];
  const telegram = merged.telegramId !== null ? merged : kept;
  const phoneFrom = present(older.phone) ? older : newer;
  const consentFrom =
    [older, newer].find(ownConsent) ?? [older, newer].find((c) => c.dataConsentAt) ?? older;
  // The customer's latest answer about offers stands; nobody is opted in by a merge.
  const marketingFrom =
    (newer.marketingConsentAt?.getTime() ?? 0) > (older.marketingConsentAt?.getTime() ?? 0)
      ? newer
      : older;
  const ids = new Set([kept.id, merged.id]);
  const birthFrom = older.birthday ? older : newer;
  return {
    status: kept.status === "ACTIVE" || merged.status === "ACTIVE" ? "ACTIVE" : kept.status,
    telegramId: telegram.telegramId,
    telegramUsername: telegram.telegramUsername,
    telegramFirstName: telegram.telegramFirstName,
    telegramLastName: telegram.telegramLastName,
    telegramLanguage: telegram.telegramLanguage,
    reachable: telegram.reachable,
    unreachableSince: telegram.unreachableSince,
    name: pick(older.name, newer.name),
    phone: phoneFrom.phone,
    phoneVerified: phoneFrom.phoneVerified,
    email: pick(older.email, newer.email),
    language: pick(older.language, newer.language),
    birthday: birthFrom.birthday,
    birthMonth: birthFrom.birthMonth,
    birthDay: birthFrom.birthDay,
    gender: pick(older.gender, newer.gender),
    city: pick(older.city, newer.city),
    interests: union(older.interests, newer.interests),
    tags: union(older.tags, newer.tags),
    attributes: {
      ...(newer.attributes as Record<string, unknown>),
      ...(older.attributes as Record<string, unknown>),
    } as Customer["attributes"],
    familyStatus: pick(older.familyStatus, newer.familyStatus),
    children: pick(older.children, newer.children),
    // The latest decision about health questions stands, as with offers.
    ...healthConsentOf(older, newer),
    // Questions follow the Telegram account that answers them: its switch, its open question.
    questionsEnabled: telegram.questionsEnabled,
    openQuestion: telegram.openQuestion,
    questionSkips: {
      ...(newer.questionSkips as Record<string, unknown>),
      ...(older.questionSkips as Record<string, unknown>),
    } as Customer["questionSkips"],
    lastQuestionAskedAt: latestOrNull(older.lastQuestionAskedAt, newer.lastQuestionAskedAt),
    dataConsentAt: consentFrom.dataConsentAt,
    dataConsentVersion: consentFrom.dataConsentVersion,
    dataConsentDeclinedAt: null,
    marketingConsent: marketingFrom.marketingConsent,
    marketingConsentAt: marketingFrom.marketingConsentAt,
    marketingConsentVersion: marketingFrom.marketingConsentVersion,
    source: pick(older.source, newer.source),
    referrerId:
      [older.referrerId, newer.referrerId].find((id) => id !== null && !ids.has(id)) ?? null,
    onboardedAt: earliest(older.onboardedAt, newer.onboardedAt),
    lastSeenAt: latest(kept.lastSeenAt, merged.lastSeenAt),
  };
}

function healthConsentOf(
  older: Customer,
  newer: Customer,
): Pick<Customer, "healthConsentAt" | "healthConsentVersion" | "healthConsentDeclinedAt"> {
  const decidedAt = (c: Customer) =>
    Math.max(c.healthConsentAt?.getTime() ?? 0, c.healthConsentDeclinedAt?.getTime() ?? 0);
  const from = decidedAt(newer) > decidedAt(older) ? newer : older;
  return {
    healthConsentAt: from.healthConsentAt,
    healthConsentVersion: from.healthConsentVersion,
    healthConsentDeclinedAt: from.healthConsentDeclinedAt,
  };
}

function latestOrNull(a: Date | null, b: Date | null): Date | null {
  if (!a) return b;
  if (!b) return a;
  return latest(a, b);
}

function latest(a: Date, b: Date): Date {
  return a > b ? a : b;
}

function earliest(a: Date | null, b: Date | null): Date | null {
  if (!a) return b;
  if (!b) return a;
  return a < b ? a : b;
}

/** What is left of the merged record: no identity, no personal fields, nothing to count. */
function retiredProfile(at: Date): CustomerPatch {
  return {
    ...erasedIdentity(at),
    purchaseCount: 0,
    totalSpentMinor: 0n,
    firstPurchaseAt: null,
    lastPurchaseAt: null,
    avgPurchaseIntervalDays: null,
    tierSpendMinor: 0n,
  };
}
