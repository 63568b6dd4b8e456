import { z } from "@hono/zod-openapi";
import { ClientTypes } from "../../core/customers/client-type.ts";
import { TierKeys } from "../../core/loyalty/settings.ts";
import { CardStatus, CustomerStatus, Gender, PointsKind } from "../../prisma/generated/enums.ts";

// The shapes api/presenters.ts produces, for the document. Enums come from the Prisma schema.

const instant = z.iso.datetime();
const minor = z.string().openapi({ description: "Money in minor units, as a string" });

export const CustomerStatusSchema = z.enum(CustomerStatus).openapi("CustomerStatus");

export const CardSchema = z
  .object({
    number: z.string().openapi({ example: "1234 5678 9012" }),
    status: z.enum(CardStatus),
    tier: z.string().openapi({ description: "The tier key", example: "silver" }),
    balance: z.number().int(),
    issuedAt: instant,
  })
  .openapi("Card");

export const CustomerSchema = z
  .object({
    id: z.uuid(),
    status: CustomerStatusSchema,
    telegramId: z.string().nullable(),
    telegramUsername: z.string().nullable(),
    reachable: z.boolean(),
    name: z.string().nullable(),
    phone: z.string().nullable(),
    phoneVerified: z.boolean(),
    email: z.string().nullable(),
    language: z.string().nullable(),
    birthday: z.iso.date().nullable(),
    gender: z.enum(Gender).nullable(),
    city: z.string().nullable(),
    timeZone: z.string().nullable().openapi({
      description: "IANA zone from the city answer or set by the owner; null = the business's",
    }),
    interests: z.array(z.string()),
    familyStatus: z.string().nullable(),
    children: z.unknown(),
    tags: z.array(z.string()),
    attributes: z.unknown().openapi({
      type: "object",
      description: "Custom answers as stored: numbers, strings, YYYY-MM-DD dates, option lists",
    }),
    consent: z.object({
      data: z.object({ at: instant, version: z.string().nullable() }).nullable(),
      marketing: z.boolean(),
      marketingAt: instant.nullable(),
    }),
    source: z.string().nullable(),
    referrerId: z.uuid().nullable(),
    referralCode: z.string(),
    stats: z.object({
      purchaseCount: z.number().int(),
      totalSpentMinor: minor,
      lastPurchaseAt: instant.nullable(),
      firstPurchaseAt: instant.nullable(),
      averageCheckMinor: minor.nullable(),
      averageIntervalDays: z.number().nullable(),
      clientType: z.enum(ClientTypes),
      rfm: z
        .object({
          recency: z.number().int().nullable(),
          frequency: z.number().int().nullable(),
          monetary: z.number().int().nullable(),
          computedAt: instant,
        })
        .nullable(),
    }),
    card: CardSchema.nullable().optional(),
    createdAt: instant,
    lastSeenAt: instant,
  })
  .openapi("Customer");

export const TierSchema = z
  .object({
    key: z.enum(TierKeys),
    name: z.string().nullable(),
    reachedAt: instant.nullable(),
    basis: z.object({
      kind: z.enum(["window", "lifetime"]),
      months: z.number().int().optional().openapi({ description: "For a window: its length" }),
    }),
    spentMinor: minor,
    next: z
      .object({
        key: z.enum(TierKeys),
        name: z.string().nullable(),
        minSpentMinor: minor,
        remainingMinor: minor,
      })
      .nullable(),
  })
  .openapi("CustomerTier");

export const LedgerEntrySchema = z
  .object({
    id: z.string(),
    kind: z.enum(PointsKind),
    delta: z.number().int(),
    balanceAfter: z.number().int(),
    purchaseId: z.uuid().nullable(),
    note: z.string().nullable(),
    createdAt: instant,
  })
  .openapi("LedgerEntry");

export const TimelineEventSchema = z
  .object({
    id: z.string(),
    type: z.string().openapi({ example: "bot.started" }),
    data: z.unknown(),
    createdAt: instant,
  })
  .openapi("TimelineEvent");
