import { z } from "@hono/zod-openapi";
import { Permission } from "../../core/access/permissions.ts";
import { selectQuestions } from "../../core/db/tables/questions.ts";
import { profileCompleteness } from "../../core/questions/completeness.ts";
import type { ApiDeps } from "../context.ts";
import { apiRoute, apiRouter, json } from "../openapi.ts";

const CompletenessSchema = z
  .object({
    customers: z.number().int().openapi({ description: "ACTIVE customers" }),
    average: z.number().nullable().openapi({
      description:
        "The average customer score (0–1): the priority-weighted share of the active questions that apply to the customer (condition holds; health questions after the health consent) and are answered",
      example: 0.42,
    }),
    fields: z.array(
      z.object({
        key: z.string(),
        answered: z.number().int().openapi({ description: "ACTIVE customers who answered it" }),
        share: z.number().openapi({ description: "answered / customers, 0–1", example: 0.35 }),
      }),
    ),
  })
  .openapi("ProfileCompleteness");

const completeness = apiRoute({
  method: "get",
  path: "/profile-completeness",
  permission: Permission.viewFeedback,
  summary: "How complete customer profiles are",
  description:
    "Over the ACTIVE customers: their average completeness score and, per active question of the bank, how many answered it.",
  responses: { 200: json(CompletenessSchema, "The figures") },
});

/** /api/analytics (manager and owner). */
export function analyticsRoutes(deps: ApiDeps) {
  // The bank read afresh (not the bot's cached copy): an owner sees a change at once.
  return apiRouter().openapi(completeness, async (c) =>
    c.json(await profileCompleteness(deps.sql, await selectQuestions(deps.sql)), 200),
  );
}
