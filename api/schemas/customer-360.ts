import { z } from "@hono/zod-openapi";
import type { Customer360 } from "../../core/customers/customer-360.ts";

// The sections GET /api/customers/{id} adds for the 360° view (core/customers/customer-360.ts).

const instant = z.iso.datetime();
const minor = z.string().openapi({ description: "Money in minor units, as a string" });
const iso = (date: Date | null) => date?.toISOString() ?? null;

export const Customer360Fields = {
  consents: z
    .object({
      data: z.object({
        at: instant.nullable(),
        version: z.string().nullable(),
        declinedAt: instant.nullable(),
      }),
      marketing: z.object({
        given: z.boolean(),
        at: instant.nullable(),
        version: z.string().nullable(),
      }),
      health: z.object({
        at: instant.nullable(),
        version: z.string().nullable(),
        declinedAt: instant.nullable(),
      }),
    })
    .openapi("CustomerConsents"),
  metrics: z
    .object({
      purchaseCount: z.number().int(),
      totalSpentMinor: minor,
      tierSpendMinor: minor,
      rfm: z.object({
        recency: z.number().int().nullable(),
        frequency: z.number().int().nullable(),
        monetary: z.number().int().nullable(),
        at: instant.nullable(),
      }),
      onboardedAt: instant.nullable(),
      lastSeenAt: instant,
      referrals: z.number().int().openapi({ description: "Customers who joined by their link" }),
    })
    .openapi("CustomerMetrics"),
  answerHistoryCount: z.number().int().openapi({
    description: "Answers ever given, changed ones included; `answers` has the latest",
  }),
  purchases: z
    .array(
      z.object({
        id: z.uuid(),
        amountMinor: minor,
        refundedMinor: minor,
        currency: z.string(),
        category: z.string().nullable(),
        pointsSpent: z.number().int(),
        pointsEarned: z.number().int(),
        staffId: z.uuid().nullable(),
        note: z.string().nullable(),
        createdAt: instant,
      }),
    )
    .openapi({ description: "The newest 20" }),
  feedback: z
    .array(
      z.object({
        id: z.uuid(),
        purchaseId: z.uuid().nullable(),
        scale: z.string(),
        score: z.number().int(),
        comment: z.string().nullable(),
        status: z.string().nullable(),
        answer: z.string().nullable(),
        createdAt: instant,
        closedAt: instant.nullable(),
      }),
    )
    .openapi({ description: "The newest 20" }),
  deliveries: z
    .array(
      z.object({
        id: z.string(),
        kind: z.string(),
        status: z.string(),
        service: z.boolean(),
        attempts: z.number().int(),
        lastError: z.string().nullable(),
        createdAt: instant,
        sentAt: instant.nullable(),
      }),
    )
    .openapi({ description: "The newest 20 messages the bot sent (or will) on its own" }),
};

export function present360(view: Customer360) {
  return {
    consents: {
      data: {
        ...view.consents.data,
        at: iso(view.consents.data.at),
        declinedAt: iso(view.consents.data.declinedAt),
      },
      marketing: { ...view.consents.marketing, at: iso(view.consents.marketing.at) },
      health: {
        ...view.consents.health,
        at: iso(view.consents.health.at),
        declinedAt: iso(view.consents.health.declinedAt),
      },
    },
    metrics: {
      ...view.metrics,
      totalSpentMinor: view.metrics.totalSpentMinor.toString(),
      tierSpendMinor: view.metrics.tierSpendMinor.toString(),
      rfm: { ...view.metrics.rfm, at: iso(view.metrics.rfm.at) },
      onboardedAt: iso(view.metrics.onboardedAt),
      lastSeenAt: view.metrics.lastSeenAt.toISOString(),
    },
    answerHistoryCount: view.answerHistoryCount,
    purchases: view.purchases.map((p) => ({
      ...p,
      amountMinor: p.amountMinor.toString(),
      refundedMinor: p.refundedMinor.toString(),
      createdAt: p.createdAt.toISOString(),
    })),
    feedback: view.feedback.map((f) => ({
      ...f,
      createdAt: f.createdAt.toISOString(),
      closedAt: iso(f.closedAt),
    })),
    deliveries: view.deliveries.map((d) => ({
      ...d,
      id: String(d.id),
      createdAt: d.createdAt.toISOString(),
      sentAt: iso(d.sentAt),
    })),
  };
}
