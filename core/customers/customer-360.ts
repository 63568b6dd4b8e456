import type { Customer } from "../db/client.ts";
import type { Sql } from "../db/sql.ts";

/** How many of each list the detail carries: the newest, enough to see what is going on. */
export const CUSTOMER_360_LIMITS = { purchases: 20, feedback: 20, deliveries: 20 } as const;

export type Customer360 = {
  consents: {
    data: { at: Date | null; version: string | null; declinedAt: Date | null };
    marketing: { given: boolean; at: Date | null; version: string | null };
    health: { at: Date | null; version: string | null; declinedAt: Date | null };
  };
  metrics: {
    purchaseCount: number;
    totalSpentMinor: bigint;
    tierSpendMinor: bigint;
    rfm: {
      recency: number | null;
      frequency: number | null;
      monetary: number | null;
      at: Date | null;
    };
    onboardedAt: Date | null;
    lastSeenAt: Date;
    referrals: number;
  };
  /** Every answer ever given (a changed answer keeps its history); the latest are in `answers`. */
  answerHistoryCount: number;
  purchases: Array<{
    id: string;
    amountMinor: bigint;
    refundedMinor: bigint;
    currency: string;
    category: string | null;
    pointsSpent: number;
    pointsEarned: number;
    staffId: string | null;
    note: string | null;
    createdAt: Date;
  }>;
  feedback: Array<{
    id: string;
    purchaseId: string | null;
    scale: string;
    score: number;
    comment: string | null;
    status: string | null;
    answer: string | null;
    createdAt: Date;
    closedAt: Date | null;
  }>;
  /** The outbox: what the bot sent (or tried to) on its own initiative. */
  deliveries: Array<{
    id: bigint;
    kind: string;
    status: string;
    service: boolean;
    attempts: number;
    lastError: string | null;
    createdAt: Date;
    sentAt: Date | null;
  }>;
};

/**
 * What the API's customer detail adds to the profile, ledger and timeline: consents, metrics,
 * the answer history's size, recent purchases, feedback and outbox messages. Each list is the
 * newest few (CUSTOMER_360_LIMITS); the full lists have their own routes.
 */
export async function customer360(sql: Sql, customer: Customer): Promise<Customer360> {
  const id = customer.id;
  const [counts, purchases, feedback, deliveries] = await Promise.all([
    sql.query<{ answers: number; referrals: number }>(
      `SELECT (SELECT count(*) FROM "SurveyAnswer" WHERE "customerId" = $1)::int AS "answers",
              (SELECT count(*) FROM "Customer" WHERE "referrerId" = $1)::int AS "referrals"`,
      [id],
    ),
    sql.query<Customer360["purchases"][number]>(
      `SELECT "id", "amountMinor", "refundedMinor", "currency", "category", "pointsSpent",
              "pointsEarned", "staffId", "note", "createdAt"
       FROM "Purchase" WHERE "customerId" = $1 ORDER BY "createdAt" DESC, "id" LIMIT $2`,
      [id, CUSTOMER_360_LIMITS.purchases],
    ),
    sql.query<Customer360["feedback"][number]>(
      `SELECT "id", "purchaseId", "scale", "score"::int AS "score", "comment", "status"::text AS "status",
              "answer", "createdAt", "closedAt"
       FROM "Feedback" WHERE "customerId" = $1 ORDER BY "createdAt" DESC, "id" LIMIT $2`,
      [id, CUSTOMER_360_LIMITS.feedback],
    ),
    sql.query<Customer360["deliveries"][number]>(
      `SELECT "id", "kind", "status"::text AS "status", "service", "attempts", "lastError",
              "createdAt", "sentAt"
       FROM "OutboxMessage" WHERE "customerId" = $1 ORDER BY "id" DESC LIMIT $2`,
      [id, CUSTOMER_360_LIMITS.deliveries],
    ),
  ]);
  return {
    consents: {
      data: {
        at: customer.dataConsentAt,
        version: customer.dataConsentVersion,
        declinedAt: customer.dataConsentDeclinedAt,
      },
      marketing: {
        given: customer.marketingConsent,
        at: customer.marketingConsentAt,
        version: customer.marketingConsentVersion,
      },
      health: {
        at: customer.healthConsentAt,
        version: customer.healthConsentVersion,
        declinedAt: customer.healthConsentDeclinedAt,
      },
    },
    metrics: {
      purchaseCount: customer.purchaseCount,
      totalSpentMinor: customer.totalSpentMinor,
      tierSpendMinor: customer.tierSpendMinor,
      rfm: {
        recency: customer.rfmRecency,
        frequency: customer.rfmFrequency,
        monetary: customer.rfmMonetary,
        at: customer.rfmComputedAt,
      },
      onboardedAt: customer.onboardedAt,
      lastSeenAt: customer.lastSeenAt,
      referrals: counts[0]?.referrals ?? 0,
    },
    answerHistoryCount: counts[0]?.answers ?? 0,
    purchases,
    feedback,
    deliveries,
  };
}
