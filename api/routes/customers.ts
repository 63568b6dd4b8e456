import { Hono } from "hono";
import { z } from "zod";
import { getCustomerProfile } from "../../core/customers/get-customer-profile.ts";
import { listCustomers } from "../../core/customers/list-customers.ts";
import { selectLatestAnswers } from "../../core/db/tables/answers.ts";
import { selectQuestions } from "../../core/db/tables/questions.ts";
import { customerCompleteness } from "../../core/questions/completeness.ts";
import type { ApiDeps, ApiEnv } from "../context.ts";
import { presentCustomer, presentEvent, presentLedgerEntry, presentTier } from "../presenters.ts";
import { validate } from "../validation.ts";

const listQuery = z.object({
  status: z.enum(["ONBOARDING", "ACTIVE", "DECLINED", "DELETED"]).optional(),
  source: z.string().max(64).optional(),
  q: z.string().max(100).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: z.uuid().optional(),
});

const idParam = z.object({ id: z.uuid("must be a customer id (UUID)") });

export function customerRoutes(deps: ApiDeps) {
  return new Hono<ApiEnv>()
    .get("/", validate("query", listQuery), async (c) => {
      const query = c.req.valid("query");
      const page = await listCustomers(deps.db, { ...query, search: query.q });
      return c.json({
        customers: page.customers.map(presentCustomer),
        nextCursor: page.nextCursor,
      });
    })
    .get("/:id", validate("param", idParam), async (c) => {
      const customer = await getCustomerProfile(deps.db, c.req.valid("param").id);
      const [completeness, answers] = await Promise.all([
        customerCompleteness(deps.sql, customer.id, await selectQuestions(deps.sql)),
        selectLatestAnswers(deps.sql, customer.id),
      ]);
      return c.json({
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
      });
    });
}
