import { z } from "@hono/zod-openapi";
import { Permission } from "../../core/access/permissions.ts";
import type { Purchase, PurchaseRefund } from "../../core/db/client.ts";
import type { Sql } from "../../core/db/sql.ts";
import { selectCustomerForStaff } from "../../core/db/tables/customers.ts";
import { selectPurchase } from "../../core/db/tables/purchases.ts";
import { AppError } from "../../core/errors.ts";
import { parseCardNumber } from "../../core/loyalty/card-number.ts";
import { previewPurchase, recordPurchase } from "../../core/loyalty/record-purchase.ts";
import { refundPurchase } from "../../core/loyalty/refund-purchase.ts";
import { apiActor } from "../auth.ts";
import type { ApiDeps } from "../context.ts";
import { apiRoute, apiRouter, errorResponse, json, jsonBody } from "../openapi.ts";

/** Money in minor units (kopecks, cents), as a JSON integer or a string of digits. */
const Minor = z
  .union([z.number().int().positive().max(1e13), z.string().regex(/^[1-9]\d{0,14}$/)])
  .transform((value) => BigInt(value))
  .openapi({ type: "integer", example: 125050, description: "Minor units: 125050 = 1 250,50 ₽" });

const MinorOut = z.string().openapi({ example: "125050", description: "Minor units, as a string" });

const IdempotencyKey = z
  .string()
  .trim()
  .min(8, "must be at least 8 characters, unique per purchase")
  .max(100)
  .openapi({ example: "till-3:2026-11-25:0042" });

/** Who the purchase is for: the customer's id or their card number (as printed or scanned). */
const targetFields = {
  customerId: z.uuid().optional(),
  cardNumber: z.string().max(30).optional(),
};
type Target = { customerId?: string | undefined; cardNumber?: string | undefined };

const purchaseFields = {
  amountMinor: Minor,
  category: z.string().max(16).nullable().optional(),
  pointsToSpend: z.number().int().min(0).max(10_000_000).default(0),
};

const oneTarget = (t: Target) => (t.customerId === undefined) !== (t.cardNumber === undefined);
const oneTargetIssue = {
  message: "give exactly one of customerId and cardNumber",
  path: ["customerId"],
};

// Strict objects (not intersections), so that a field nobody knows is named and refused.
const QuoteBody = z
  .strictObject({ ...targetFields, ...purchaseFields })
  .refine(oneTarget, oneTargetIssue);
const RecordBody = z
  .strictObject({
    ...targetFields,
    ...purchaseFields,
    idempotencyKey: IdempotencyKey,
    note: z.string().max(500).optional(),
  })
  .refine(oneTarget, oneTargetIssue);

const PurchaseSchema = z
  .object({
    id: z.uuid(),
    customerId: z.uuid(),
    amountMinor: MinorOut,
    currency: z.string(),
    category: z.string().nullable(),
    pointsSpent: z.number().int(),
    pointsEarned: z.number().int(),
    paidMinor: MinorOut,
    refundedMinor: MinorOut,
    staffId: z.uuid().nullable(),
    idempotencyKey: z.string(),
    note: z.string().nullable(),
    createdAt: z.iso.datetime(),
  })
  .openapi("Purchase");

const RefundSchema = z
  .object({
    id: z.uuid(),
    purchaseId: z.uuid(),
    amountMinor: MinorOut,
    pointsSpentReturned: z.number().int(),
    pointsEarnedReversed: z.number().int(),
    pointsUnrecovered: z
      .number()
      .int()
      .openapi({ description: "Earned points not taken back: the customer had spent them" }),
    createdAt: z.iso.datetime(),
  })
  .openapi("Refund");

const TierChange = z.object({ from: z.string(), to: z.string() }).nullable();

/** A purchase recorded now (201) or before with the same key (200, `duplicate: true`). */
const RecordedSchema = z.object({
  purchase: PurchaseSchema,
  balance: z.number().int(),
  duplicate: z.boolean(),
  tierUp: TierChange,
});

/** A refund made now (201) or before with the same key (200, `duplicate: true`). */
const RefundedSchema = z.object({
  refund: RefundSchema,
  balance: z.number().int(),
  remainingMinor: MinorOut,
  duplicate: z.boolean(),
  tierDown: TierChange,
});

function presentPurchase(p: Purchase, pointValueMinor: number): z.infer<typeof PurchaseSchema> {
  return {
    id: p.id,
    customerId: p.customerId,
    amountMinor: p.amountMinor.toString(),
    currency: p.currency,
    category: p.category,
    pointsSpent: p.pointsSpent,
    pointsEarned: p.pointsEarned,
    paidMinor: (p.amountMinor - BigInt(p.pointsSpent) * BigInt(pointValueMinor)).toString(),
    refundedMinor: p.refundedMinor.toString(),
    staffId: p.staffId,
    idempotencyKey: p.idempotencyKey,
    note: p.note,
    createdAt: p.createdAt.toISOString(),
  };
}

function presentRefund(r: PurchaseRefund): z.infer<typeof RefundSchema> {
  return {
    id: r.id,
    purchaseId: r.purchaseId,
    amountMinor: r.amountMinor.toString(),
    pointsSpentReturned: r.pointsSpentReturned,
    pointsEarnedReversed: r.pointsEarnedReversed,
    pointsUnrecovered: r.pointsUnrecovered,
    createdAt: r.createdAt.toISOString(),
  };
}

async function customerIdOf(sql: Sql, target: Target): Promise<string> {
  if (target.customerId) return target.customerId;
  const number = parseCardNumber(target.cardNumber ?? "");
  if (!number) {
    throw new AppError("invalid_input", "No such card: check the digits", {
      field: "cardNumber",
    });
  }
  const found = await selectCustomerForStaff(sql, { cardNumber: number });
  if (!found) throw new AppError("not_found", "No customer has this card");
  return found.customer.id;
}

const preview = apiRoute({
  method: "post",
  path: "/preview",
  permission: Permission.recordPurchase,
  summary: "Quote a purchase without recording it",
  description: "What the check comes to: points that may be spent, to pay, points to earn.",
  request: { body: jsonBody(QuoteBody) },
  responses: {
    200: json(
      z.object({
        amountMinor: MinorOut,
        pointsSpent: z.number().int(),
        discountMinor: MinorOut,
        paidMinor: MinorOut,
        pointsEarned: z.number().int(),
        maxSpendable: z.number().int(),
        balance: z.number().int(),
      }),
      "The quote",
    ),
    404: errorResponse("No such customer or card"),
    409: errorResponse("More points than may be spent (`details.maxSpendable`)"),
  },
});

const record = apiRoute({
  method: "post",
  path: "/",
  permission: Permission.recordPurchase,
  summary: "Record a purchase",
  description:
    "Points are spent and earned under the loyalty settings; the customer gets a receipt in Telegram. The same `idempotencyKey` again returns the first purchase with `duplicate: true` and status 200: a retry never counts twice.",
  request: {
    body: jsonBody(RecordBody),
  },
  responses: {
    201: json(RecordedSchema, "Recorded"),
    200: json(RecordedSchema, "Recorded before with this key"),
    404: errorResponse("No such customer or card"),
    409: errorResponse("More points than may be spent, or the card is not active"),
  },
});

const show = apiRoute({
  method: "get",
  path: "/{id}",
  permission: Permission.recordPurchase,
  summary: "One purchase",
  request: { params: z.object({ id: z.uuid("must be a purchase id (UUID)") }) },
  responses: {
    200: json(z.object({ purchase: PurchaseSchema }), "The purchase"),
    404: errorResponse("No such purchase"),
  },
});

const refund = apiRoute({
  method: "post",
  path: "/{id}/refunds",
  permission: Permission.refundPurchase,
  summary: "Refund a purchase, whole or in part",
  description:
    "Without `amountMinor`, refunds what is left of the purchase. Points spent on it come back and points it earned are taken back, in proportion; earned points the customer already spent are not taken (`pointsUnrecovered`). Never more than the purchase in total; the same `idempotencyKey` again returns the first refund.",
  request: {
    params: z.object({ id: z.uuid("must be a purchase id (UUID)") }),
    body: jsonBody(
      z.strictObject({
        amountMinor: Minor.optional(),
        idempotencyKey: IdempotencyKey,
        note: z.string().max(500).optional(),
      }),
    ),
  },
  responses: {
    201: json(RefundedSchema, "Refunded"),
    200: json(RefundedSchema, "Refunded before with this key"),
    404: errorResponse("No such purchase"),
    409: errorResponse("Refunded in full already"),
  },
});

/** /api/purchases: quotes, purchases and refunds for tills and integrations. */
export function purchaseRoutes(deps: ApiDeps) {
  return apiRouter()
    .openapi(preview, async (c) => {
      const body = c.req.valid("json");
      const quote = await previewPurchase(deps.sql, await deps.loyalty.get(), {
        actor: await apiActor(c, deps),
        customerId: await customerIdOf(deps.sql, body),
        amountMinor: body.amountMinor,
        category: body.category ?? null,
        pointsToSpend: body.pointsToSpend,
      });
      return c.json(
        {
          amountMinor: quote.amountMinor.toString(),
          pointsSpent: quote.pointsSpent,
          discountMinor: quote.discountMinor.toString(),
          paidMinor: quote.paidMinor.toString(),
          pointsEarned: quote.pointsEarned,
          maxSpendable: quote.maxSpendable,
          balance: quote.balance,
        },
        200,
      );
    })
    .openapi(record, async (c) => {
      const body = c.req.valid("json");
      const settings = await deps.loyalty.get();
      const result = await recordPurchase(deps.sql, settings, {
        actor: await apiActor(c, deps),
        customerId: await customerIdOf(deps.sql, body),
        amountMinor: body.amountMinor,
        category: body.category ?? null,
        pointsToSpend: body.pointsToSpend,
        idempotencyKey: `api:${body.idempotencyKey}`,
        note: body.note ?? null,
      });
      const answer = {
        purchase: presentPurchase(result.purchase, settings.pointValueMinor),
        balance: result.balance,
        duplicate: result.duplicate,
        tierUp: result.tierUp,
      };
      return result.duplicate ? c.json(answer, 200) : c.json(answer, 201);
    })
    .openapi(show, async (c) => {
      const purchase = await selectPurchase(deps.sql, c.req.valid("param").id);
      if (!purchase) throw new AppError("not_found", "Purchase not found");
      const settings = await deps.loyalty.get();
      return c.json({ purchase: presentPurchase(purchase, settings.pointValueMinor) }, 200);
    })
    .openapi(refund, async (c) => {
      const body = c.req.valid("json");
      const result = await refundPurchase(deps.sql, await deps.loyalty.get(), {
        actor: await apiActor(c, deps),
        purchaseId: c.req.valid("param").id,
        amountMinor: body.amountMinor ?? null,
        idempotencyKey: `api:${body.idempotencyKey}`,
        note: body.note ?? null,
      });
      const answer = {
        refund: presentRefund(result.refund),
        balance: result.balance,
        remainingMinor: result.remainingMinor.toString(),
        duplicate: result.duplicate,
        tierDown: result.tierDown,
      };
      return result.duplicate ? c.json(answer, 200) : c.json(answer, 201);
    });
}
