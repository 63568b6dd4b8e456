import { z } from "@hono/zod-openapi";
import { Permission } from "../../core/access/permissions.ts";
import { customer360 } from "../../core/customers/customer-360.ts";
import { getCustomerProfile } from "../../core/customers/get-customer-profile.ts";
import { selectLatestAnswers } from "../../core/db/tables/answers.ts";
import { selectQuestions } from "../../core/db/tables/questions.ts";
import { customerCompleteness } from "../../core/questions/completeness.ts";
import type { ApiDeps } from "../context.ts";
import { apiRoute, apiRouter, errorResponse, json } from "../openapi.ts";
import { presentCustomer, presentEvent, presentLedgerEntry, presentTier } from "../presenters.ts";
import {
  CustomerSchema,
  LedgerEntrySchema,
  TierSchema,
  TimelineEventSchema,
} from "../schemas/customer.ts";
import { Customer360Fields, present360 } from "../schemas/customer-360.ts";
import { CustomerPageSchema, customerListParams, customerPage } from "./customer-search.ts";

const list = apiRoute({
  method: "get",
  path: "/",
  permission: Permission.viewCustomers,
  summary: "List customers",
  description:
    "Newest first unless `sort`/`order` say otherwise. `q` searches names, @usernames, card numbers (with or without spaces) and phones (any format, or 4 digits or more of one). `segment` (a saved segment's id) and `rule` (a segment rule as JSON; POST /api/customers/search takes it in a body) filter. `limit` is 1–200 (a value outside answers 400); follow `nextCursor` for the next page.",
  request: {
    query: z.object({
      ...customerListParams,
      rule: z.string().max(20_000).optional().openapi({ description: "A segment rule, as JSON" }),
    }),
  },
  responses: {
    200: json(CustomerPageSchema, "A page of customers with their cards"),
  },
});

const CustomerDetailSchema = z
  .object({
    customer: CustomerSchema.extend({
      tier: TierSchema,
      completeness: z.object({
        score: z.number().nullable().openapi({ description: "0…1; null when no question applies" }),
        answered: z.number().int(),
        applicable: z.number().int(),
      }),
      answers: z.array(
        z.object({
          key: z.string(),
          value: z.unknown(),
          source: z.string(),
          surveyId: z.uuid().nullable(),
          answeredAt: z.iso.datetime(),
        }),
      ),
    }),
    ledger: z.array(LedgerEntrySchema),
    timeline: z.array(TimelineEventSchema),
    ...Customer360Fields,
  })
  .openapi("CustomerDetail");

const detail = apiRoute({
  method: "get",
  path: "/{id}",
  permission: Permission.viewCustomers,
  summary: "One customer's profile",
  description:
    "The profile with the card, the tier and the progress to the next one, profile completeness, the latest answer to each question, the points ledger and the timeline; consents, metrics, the answer history's size, and the newest purchases, feedback and outbox messages (20 of each).",
  request: { params: z.object({ id: z.uuid("must be a customer id (UUID)") }) },
  responses: {
    200: json(CustomerDetailSchema, "The customer"),
    404: errorResponse("No such customer"),
  },
});

/** /api/customers: the list and one customer's profile. */
export function customerRoutes(deps: ApiDeps) {
  return apiRouter()
    .openapi(list, async (c) => {
      return c.json(await customerPage(deps, c.req.valid("query")), 200);
    })
    .openapi(detail, async (c) => {
      const customer = await getCustomerProfile(deps.db, c.req.valid("param").id);
      const [completeness, answers, view] = await Promise.all([
        customerCompleteness(deps.sql, customer.id, await selectQuestions(deps.sql)),
        selectLatestAnswers(deps.sql, customer.id),
        customer360(deps.sql, customer),
      ]);
      return c.json(
        {
          customer: {
            ...presentCustomer(customer),
            tier: presentTier(await deps.loyalty.get(), customer),
            completeness,
            answers: answers.map((answer) => ({
              ...answer,
              answeredAt: answer.answeredAt.toISOString(),
            })),
          },
          ledger: customer.ledger.map(presentLedgerEntry),
          timeline: customer.events.map(presentEvent),
          ...present360(view),
        },
        200,
      );
    });
}
