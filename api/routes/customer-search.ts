import { z } from "@hono/zod-openapi";
import { Permission } from "../../core/access/permissions.ts";
import {
  CustomerSorts,
  customerFilter,
  searchCustomers,
} from "../../core/customers/search-customers.ts";
import type { ApiDeps } from "../context.ts";
import { apiRoute, apiRouter, errorResponse, json, jsonBody } from "../openapi.ts";
import { presentCustomer } from "../presenters.ts";
import { CustomerSchema, CustomerStatusSchema } from "../schemas/customer.ts";
import { RuleSchema } from "./segments.ts";

/** The list's parameters shared by GET /api/customers (query) and POST /search (body). */
export const customerListParams = {
  status: CustomerStatusSchema.optional(),
  source: z.string().max(64).optional(),
  q: z.string().max(100).optional().openapi({
    description: "Name, phone in any format, card number (with or without spaces) or @username",
  }),
  segment: z.uuid("must be a segment id (UUID)").optional().openapi({
    description: "Only customers in this saved segment",
  }),
  sort: z.enum(CustomerSorts).optional().openapi({ description: "Default createdAt" }),
  order: z.enum(["asc", "desc"]).optional().openapi({ description: "Default desc" }),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: z
    .string()
    .max(500)
    .optional()
    .openapi({ description: "`nextCursor` of the previous page (it keeps the sort)" }),
};

export const CustomerPageSchema = z
  .object({ customers: z.array(CustomerSchema), nextCursor: z.string().nullable() })
  .openapi("CustomerPage");

const search = apiRoute({
  method: "post",
  path: "/search",
  permission: Permission.viewCustomers,
  summary: "Search customers by a rule",
  description:
    "The customer list with a segment rule in the body (too long for a query string); the same parameters and answer as GET /api/customers.",
  request: {
    body: jsonBody(z.strictObject({ ...customerListParams, rule: RuleSchema.optional() })),
  },
  responses: {
    200: json(CustomerPageSchema, "A page of customers with their cards"),
    400: errorResponse("A bad parameter or rule; `details.issues` names it"),
  },
});

/** The list for both routes: the filters resolved, then one page. */
export async function customerPage(
  deps: ApiDeps,
  params: z.infer<z.ZodObject<typeof customerListParams>> & { rule?: unknown },
) {
  const page = await searchCustomers(deps.db, {
    ...params,
    search: params.q,
    rule: await customerFilter(deps.db, params),
    phoneRegion: deps.config.onboarding.phoneDefaultRegion,
    timeZone: deps.config.timeZone,
  });
  return { customers: page.customers.map(presentCustomer), nextCursor: page.nextCursor };
}

/** POST /api/customers/search. */
export function customerSearchRoutes(deps: ApiDeps) {
  return apiRouter().openapi(search, async (c) =>
    c.json(await customerPage(deps, c.req.valid("json")), 200),
  );
}
