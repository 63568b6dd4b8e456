import { z } from "@hono/zod-openapi";
import { Permission } from "../../core/access/permissions.ts";
import { type FeedbackItem, listFeedback } from "../../core/feedback/list-feedback.ts";
import { apiActor } from "../auth.ts";
import type { ApiDeps } from "../context.ts";
import { apiRoute, apiRouter, json } from "../openapi.ts";

const FeedbackSchema = z
  .object({
    id: z.uuid(),
    status: z.enum(["open", "closed"]),
    score: z.number().int(),
    scale: z.enum(["rating", "nps"]).openapi({ description: "rating 1–5 or nps 0–10" }),
    comment: z.string().nullable().openapi({ description: "What went wrong, in their words" }),
    customer: z.object({
      id: z.uuid(),
      name: z.string().nullable(),
      phone: z.string().nullable(),
      telegramUsername: z.string().nullable(),
      cardNumber: z.string().nullable(),
    }),
    purchase: z
      .object({
        id: z.uuid(),
        amountMinor: z.string().openapi({ example: "125050" }),
        currency: z.string(),
        createdAt: z.iso.datetime(),
      })
      .nullable(),
    answer: z.string().nullable(),
    answeredBy: z.object({ id: z.uuid(), name: z.string() }).nullable(),
    createdAt: z.iso.datetime(),
    closedAt: z.iso.datetime().nullable(),
  })
  .openapi("Feedback");

function presentFeedback(item: FeedbackItem): z.infer<typeof FeedbackSchema> {
  return {
    id: item.id,
    status: item.status === "CLOSED" ? "closed" : "open",
    score: item.score,
    scale: item.scale === "nps" ? "nps" : "rating",
    comment: item.comment,
    customer: {
      id: item.customer.id,
      name: item.customer.name ?? item.customer.telegramFirstName,
      phone: item.customer.phone,
      telegramUsername: item.customer.telegramUsername,
      cardNumber: item.customer.card?.number ?? null,
    },
    purchase: item.purchase
      ? {
          id: item.purchase.id,
          amountMinor: item.purchase.amountMinor.toString(),
          currency: item.purchase.currency,
          createdAt: item.purchase.createdAt.toISOString(),
        }
      : null,
    answer: item.answer,
    answeredBy: item.answeredBy ? { id: item.answeredBy.id, name: item.answeredBy.name } : null,
    createdAt: item.createdAt.toISOString(),
    closedAt: item.closedAt?.toISOString() ?? null,
  };
}

const list = apiRoute({
  method: "get",
  path: "/",
  permission: Permission.viewFeedback,
  summary: "List feedback items",
  description:
    "Low scores after a purchase (each opened an item), newest first: open ones wait for a staff member's answer, closed ones carry it and who gave it. Ratings that opened no item are not listed.",
  request: {
    query: z.object({
      status: z.enum(["open", "closed"]).optional(),
      limit: z.coerce.number().int().min(1).max(500).default(100),
    }),
  },
  responses: { 200: json(z.object({ feedback: z.array(FeedbackSchema) }), "The items") },
});

/** /api/feedback (manager and owner). */
export function feedbackRoutes(deps: ApiDeps) {
  return apiRouter().openapi(list, async (c) => {
    const query = c.req.valid("query");
    const items = await listFeedback(deps.db, { actor: await apiActor(c, deps), ...query });
    return c.json({ feedback: items.map(presentFeedback) }, 200);
  });
}
