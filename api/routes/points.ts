import { z } from "@hono/zod-openapi";
import { Permission } from "../../core/access/permissions.ts";
import {
  type BulkLine,
  type BulkRunView,
  getBulkPointsRun,
  previewBulkPoints,
  startBulkPointsRun,
} from "../../core/loyalty/bulk-points.ts";
import { apiActor } from "../auth.ts";
import type { ApiDeps } from "../context.ts";
import { apiRoute, apiRouter, errorResponse, json, jsonBody } from "../openapi.ts";

/** The most lines one request may carry (a JSON body of about 2 MB). */
const MAX_LINES = 50_000;

const Points = z
  .number()
  .int()
  .min(-1_000_000)
  .max(1_000_000)
  .refine((points) => points !== 0, "must not be 0");

const Ref = z.string().trim().min(1).max(100);

const Line = z.union([
  Ref.openapi({
    description: "A customer id, a card number or a phone, told apart by their shape",
    example: "+7 999 123-45-67",
  }),
  z
    .strictObject({
      customerId: z.uuid().optional(),
      card: Ref.optional(),
      phone: Ref.optional(),
      points: Points.optional().openapi({ description: "This line's points instead of `points`" }),
    })
    .refine(
      (line) => [line.customerId, line.card, line.phone].filter(Boolean).length === 1,
      "give exactly one of customerId, card, phone",
    ),
]);

const BulkBody = z
  .strictObject({
    reason: z.string().trim().min(1).max(500),
    points: Points.optional().openapi({
      description: "Points for every line that does not give its own; negative to debit",
      example: 100,
    }),
    customers: z.array(Line).min(1).max(MAX_LINES),
    dryRun: z.boolean().default(false),
    idempotencyKey: z.string().trim().min(1).max(200).optional().openapi({
      description: "Required for a real run: the same key again returns the same run",
    }),
  })
  .superRefine((body, ctx) => {
    if (!body.dryRun && !body.idempotencyKey) {
      ctx.addIssue({
        code: "custom",
        path: ["idempotencyKey"],
        message: "required for a real run (send the same key again to retry safely)",
      });
    }
    if (body.points !== undefined) return;
    body.customers.forEach((line, index) => {
      if (typeof line === "string" || line.points === undefined) {
        ctx.addIssue({
          code: "custom",
          path: ["customers", index, "points"],
          message: "needed: the request gives no `points` for every line",
        });
      }
    });
  });

function toLines(body: z.infer<typeof BulkBody>): BulkLine[] {
  return body.customers.map((line) => {
    if (typeof line === "string") return { ref: line, points: body.points as number };
    const points = line.points ?? (body.points as number);
    if (line.customerId) return { ref: line.customerId, by: "customerId", points };
    if (line.card) return { ref: line.card, by: "card", points };
    return { ref: line.phone as string, by: "phone", points };
  });
}

const Matched = z.object({ customerId: z.uuid(), ref: z.string(), points: z.number().int() });
const Unmatched = z.object({
  ref: z.string(),
  reason: z.enum([
    "unrecognised",
    "bad_card_number",
    "invalid_phone",
    "not_found",
    "no_card",
    "own_card",
  ]),
});
const Duplicate = z.object({ ref: z.string(), customerId: z.uuid(), duplicateOf: z.string() });
const Shortfall = z.object({
  customerId: z.uuid(),
  ref: z.string(),
  wanted: z.number().int(),
  applied: z.number().int(),
  reason: z.enum(["insufficient_points", "no_card"]),
});

const Preview = z
  .object({
    dryRun: z.literal(true),
    matched: z.array(Matched),
    unmatched: z.array(Unmatched),
    duplicates: z.array(Duplicate),
    total: z.number().int(),
    pointsTotal: z.number().int(),
    shortfalls: z.array(Shortfall),
  })
  .openapi("BulkPointsPreview");

const Run = z
  .object({
    id: z.uuid(),
    status: z.enum(["running", "done", "failed"]),
    reason: z.string(),
    total: z.number().int(),
    processed: z.number().int(),
    pointsTotal: z.number().int(),
    unmatched: z.array(Unmatched),
    duplicates: z.array(Duplicate),
    shortfalls: z.array(Shortfall),
    createdAt: z.iso.datetime(),
    finishedAt: z.iso.datetime().nullable(),
  })
  .openapi("BulkPointsRun");

function present(run: BulkRunView): z.infer<typeof Run> {
  return {
    ...run,
    status: run.status as z.infer<typeof Run>["status"],
    createdAt: run.createdAt.toISOString(),
    finishedAt: run.finishedAt?.toISOString() ?? null,
  };
}

const bulk = apiRoute({
  method: "post",
  path: "/bulk",
  permission: Permission.bulkPoints,
  summary: "Credit or debit points to a list of customers",
  description: [
    "Lines name customers by id, card number (spaces and dashes allowed; the check digit is checked) or phone (any usual format). Each customer is credited or debited once: lines naming a customer again are reported in `duplicates`. A debit larger than the balance takes what is there and is reported in `shortfalls`. Nobody's own card is touched.",
    "`dryRun: true` reports what a run would do and writes nothing. A real run needs an `idempotencyKey`: it answers 202 with the run, applies it in the background (`GET /api/points/bulk/{id}` reports progress; a run cut short by a restart continues), and the same key again answers the same run. Bulk runs send customers no messages. Audited as `points.bulk`.",
  ].join("\n\n"),
  request: { body: jsonBody(BulkBody) },
  responses: {
    200: json(
      z.union([Preview, z.object({ run: Run })]),
      "The dry run's report, or the run this idempotencyKey started before",
    ),
    202: json(z.object({ run: Run }), "The run, started"),
  },
});

const progress = apiRoute({
  method: "get",
  path: "/bulk/{id}",
  permission: Permission.bulkPoints,
  summary: "A bulk run's progress",
  request: { params: z.object({ id: z.uuid("must be a bulk run id (UUID)") }) },
  responses: {
    200: json(z.object({ run: Run }), "The run: `processed` of `total` so far"),
    404: errorResponse("No such run"),
  },
});

/** /api/points: bulk credits and debits. */
export function pointsRoutes(deps: ApiDeps) {
  return apiRouter()
    .openapi(bulk, async (c) => {
      const body = c.req.valid("json");
      const options = {
        actor: await apiActor(c, deps),
        lines: toLines(body),
        reason: body.reason,
        phoneRegion: deps.config.onboarding.phoneDefaultRegion,
      };
      if (body.dryRun) {
        return c.json(
          { dryRun: true as const, ...(await previewBulkPoints(deps.sql, options)) },
          200,
        );
      }
      const { run, created } = await startBulkPointsRun(deps.sql, {
        ...options,
        idempotencyKey: body.idempotencyKey as string,
      });
      if (!created) return c.json({ run: present(run) }, 200);
      deps.bulkPoints.kick();
      return c.json({ run: present(run) }, 202);
    })
    .openapi(progress, async (c) => {
      const run = await getBulkPointsRun(deps.sql, {
        actor: await apiActor(c, deps),
        id: c.req.valid("param").id,
      });
      return c.json({ run: present(run) }, 200);
    });
}
