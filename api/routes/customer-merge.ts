import { z } from "@hono/zod-openapi";
import { Permission } from "../../core/access/permissions.ts";
import { mergeCustomers } from "../../core/customers/merge-customers.ts";
import { apiActor } from "../auth.ts";
import type { ApiDeps } from "../context.ts";
import { apiRoute, apiRouter, errorResponse, json, jsonBody } from "../openapi.ts";
import { presentCard, presentCustomer } from "../presenters.ts";

const uuid = (what: string) => z.uuid(`must be ${what} (UUID)`);

const merge = apiRoute({
  method: "post",
  path: "/{id}/merge",
  permission: Permission.mergeCustomers,
  summary: "Merge two cards of the same person",
  description: [
    "The customer `mergeId` is merged into `id`, in one transaction: the balance moves to the kept card (two ADJUSTMENT entries, `merge:<mergeId>:out` and `merge:<mergeId>:in`), purchases, refunds, reward codes, answers and the timeline move to the kept customer, the metrics are recomputed and the higher tier is kept. The merged card is closed and the merged record retired (status DELETED).",
    "Repeating the same request returns the kept customer with `merged: false` and moves nothing. Two customers who both have a Telegram account are two people and are refused, as is a staff member's own card.",
  ].join("\n\n"),
  request: {
    params: z.object({ id: uuid("the kept customer's id") }),
    body: jsonBody(z.strictObject({ mergeId: uuid("the merged customer's id") })),
  },
  responses: {
    200: json(
      z.object({
        customer: z.record(z.string(), z.unknown()),
        merged: z.boolean().openapi({ description: "false: this merge had been done before" }),
        pointsTransferred: z.number().int(),
        moved: z
          .object({
            purchases: z.number().int(),
            refunds: z.number().int(),
            redemptions: z.number().int(),
            answers: z.number().int(),
            events: z.number().int(),
            messages: z.number().int(),
            referrals: z.number().int(),
          })
          .nullable(),
      }),
      "The kept customer with their card",
    ),
    400: errorResponse("Malformed ids, or a customer merged with themselves"),
    404: errorResponse("No such customer"),
    409: errorResponse(
      "Both have a Telegram account, a record is closed, or the kept one has no card while the other has",
    ),
  },
});

/** POST /api/customers/:id/merge, next to the older customer routes under the same prefix. */
export function customerMergeRoutes(deps: ApiDeps) {
  return apiRouter().openapi(merge, async (c) => {
    const result = await mergeCustomers(deps.sql, {
      actor: await apiActor(c, deps),
      keepId: c.req.valid("param").id,
      mergeId: c.req.valid("json").mergeId,
      settings: await deps.loyalty.get(),
    });
    return c.json(
      {
        customer: {
          ...presentCustomer(result.customer),
          card: presentCard(result.card, result.customer),
        },
        merged: result.merged,
        pointsTransferred: result.pointsTransferred,
        moved: result.moved,
      },
      200,
    );
  });
}
