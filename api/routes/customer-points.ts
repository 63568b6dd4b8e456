import { z } from "@hono/zod-openapi";
import { Permission } from "../../core/access/permissions.ts";
import { adjustPoints } from "../../core/loyalty/adjust-points.ts";
import { recordCustomEvent } from "../../core/loyalty/custom-event.ts";
import { apiActor } from "../auth.ts";
import type { ApiDeps } from "../context.ts";
import { apiRoute, apiRouter, errorResponse, json, jsonBody } from "../openapi.ts";
import { presentLedgerEntry } from "../presenters.ts";
import { LedgerEntrySchema } from "../schemas/customer.ts";

const idParam = z.object({ id: z.uuid("must be a customer id (UUID)") });

const idempotencyKey = z
  .string()
  .trim()
  .min(1)
  .max(200)
  .openapi({ description: "The same key again is the same operation: it happens once" });

const recordEvent = apiRoute({
  method: "post",
  path: "/{id}/events",
  permission: Permission.recordEvent,
  summary: "Record a custom event",
  description:
    "Credits the bonus the owner set for the event type in `eventBonuses` (e.g. `review_left`) and tells the customer; a type whose bonus is 0 is only recorded on the timeline. A type counts once per customer (a review pays once); an event that repeats sends an `idempotencyKey` per occurrence and then counts once per key. Audited as `customer.event`.",
  request: {
    params: idParam,
    body: jsonBody(
      z.strictObject({
        type: z.string().trim().min(1).max(40).openapi({ example: "review_left" }),
        note: z.string().trim().min(1).max(500).optional(),
        idempotencyKey: idempotencyKey.optional(),
      }),
    ),
  },
  responses: {
    201: json(
      z.object({
        type: z.string(),
        points: z.number().int(),
        duplicate: z.literal(false),
        balance: z.number().int().nullable(),
        recordedAt: z.iso.datetime(),
      }),
      "Recorded, and the bonus credited",
    ),
    200: json(
      z.object({
        type: z.string(),
        points: z.number().int(),
        duplicate: z.literal(true),
        balance: z.null(),
        recordedAt: z.iso.datetime(),
      }),
      "Recorded before (the same type, or the same key): nothing happened again",
    ),
    404: errorResponse("No such customer"),
    409: errorResponse("The customer has no active card"),
  },
});

const AdjustmentAnswer = z.object({ entry: LedgerEntrySchema, duplicate: z.boolean() });

const adjust = apiRoute({
  method: "post",
  path: "/{id}/points",
  permission: Permission.adjustPoints,
  summary: "Adjust a customer's points by hand",
  description:
    "Credits (positive) or debits (negative) points with a reason, as a ledger entry of kind ADJUSTMENT. A credit sends the customer a message quoting the reason. A debit larger than the balance is refused with the balance. Nobody adjusts their own card. Audited as `points.adjusted`.",
  request: {
    params: idParam,
    body: jsonBody(
      z.strictObject({
        points: z
          .number()
          .int()
          .min(-1_000_000)
          .max(1_000_000)
          .refine((points) => points !== 0, "must not be 0")
          .openapi({ example: 150 }),
        reason: z.string().trim().min(1).max(500).openapi({ example: "Sorry for the wait" }),
        idempotencyKey: idempotencyKey.optional(),
      }),
    ),
  },
  responses: {
    201: json(AdjustmentAnswer, "The entry made"),
    200: json(AdjustmentAnswer, "Made before with the same idempotencyKey: the same entry"),
    404: errorResponse("No such customer"),
    409: errorResponse(
      "Not enough points (`details.balance`), no active card, or the key was used for another adjustment",
    ),
  },
});

/** /api/customers/:id/events and /api/customers/:id/points: points outside purchases. */
export function customerPointsRoutes(deps: ApiDeps) {
  return apiRouter()
    .openapi(recordEvent, async (c) => {
      const body = c.req.valid("json");
      const result = await recordCustomEvent(deps.sql, {
        actor: await apiActor(c, deps),
        customerId: c.req.valid("param").id,
        type: body.type,
        note: body.note,
        idempotencyKey: body.idempotencyKey,
        settings: await deps.loyalty.get(),
      });
      const recordedAt = result.recordedAt.toISOString();
      return result.duplicate
        ? c.json({ ...result, duplicate: true as const, balance: null, recordedAt }, 200)
        : c.json({ ...result, duplicate: false as const, recordedAt }, 201);
    })
    .openapi(adjust, async (c) => {
      const body = c.req.valid("json");
      const { entry, duplicate } = await adjustPoints(deps.sql, {
        actor: await apiActor(c, deps),
        customerId: c.req.valid("param").id,
        points: body.points,
        reason: body.reason,
        idempotencyKey: body.idempotencyKey,
      });
      const answer = { entry: presentLedgerEntry(entry), duplicate };
      return duplicate ? c.json(answer, 200) : c.json(answer, 201);
    });
}
