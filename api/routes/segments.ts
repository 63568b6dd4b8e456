import { z } from "@hono/zod-openapi";
import { Permission } from "../../core/access/permissions.ts";
import { describeFields } from "../../core/segments/fields.ts";
import {
  createSegment,
  deleteSegment,
  getSegment,
  listSegments,
  PREVIEW_SIZE,
  previewRule,
  type SegmentDeps,
  type SegmentView,
  updateSegment,
} from "../../core/segments/manage-segments.ts";
import {
  parseRule,
  RULE_MAX_CONDITIONS,
  RULE_MAX_DEPTH,
  RULE_MAX_LIST,
} from "../../core/segments/rule.ts";
import { apiActor } from "../auth.ts";
import type { ApiDeps } from "../context.ts";
import { apiRoute, apiRouter, errorResponse, json, jsonBody } from "../openapi.ts";
import { presentCustomer } from "../presenters.ts";
import { CustomerSchema } from "../schemas/customer.ts";

const ruleDescription = `A segment rule: a group \`{"all": [...]}\` (AND), \`{"any": [...]}\` (OR) or \`{"not": rule}\`, or a condition \`{"field", "op", "value"}\`. At most ${RULE_MAX_DEPTH} levels of groups, ${RULE_MAX_CONDITIONS} conditions and ${RULE_MAX_LIST} items in a list. Fields and their ops: GET /api/segments/fields; custom attributes are \`attributes.<key>\`.`;

/** Checked by core/segments/rule.ts, which names each bad part by its path (`rule.all.2.op`). */
export const RuleSchema = z.record(z.string(), z.unknown()).openapi("SegmentRule", {
  description: ruleDescription,
  example: {
    all: [
      { field: "city", op: "eq", value: "Москва" },
      { field: "lastPurchaseAt", op: "inLastDays", value: 30 },
      {
        any: [
          { field: "tags", op: "contains", value: "vip" },
          { field: "totalSpent", op: "gte", value: 10000 },
        ],
      },
    ],
  },
});

const SegmentSchema = z
  .object({
    id: z.uuid(),
    name: z.string(),
    description: z.string().nullable(),
    rule: RuleSchema,
    count: z.number().int().nullable().openapi({
      description: "Customers in it when last counted (on save, then hourly)",
    }),
    countedAt: z.iso.datetime().nullable(),
    createdAt: z.iso.datetime(),
    updatedAt: z.iso.datetime(),
  })
  .openapi("Segment");

const SegmentInput = z
  .strictObject({
    name: z.string().trim().min(1).max(100),
    description: z.string().trim().max(1000).nullish(),
    rule: RuleSchema,
  })
  .openapi("SegmentInput");

const idParam = z.object({ id: z.uuid("must be a segment id (UUID)") });

function presentSegment(segment: SegmentView): z.infer<typeof SegmentSchema> {
  return {
    ...segment,
    rule: segment.rule as Record<string, unknown>,
    countedAt: segment.countedAt?.toISOString() ?? null,
    createdAt: segment.createdAt.toISOString(),
    updatedAt: segment.updatedAt.toISOString(),
  };
}

const one = json(z.object({ segment: SegmentSchema }), "The segment");
const notFound = errorResponse("No segment with this id");
const invalidRule = errorResponse(
  "The rule is malformed, too deep or too large; `details.issues` names each bad part by its path",
);

const fields = apiRoute({
  method: "get",
  path: "/fields",
  permission: Permission.viewCustomers,
  summary: "What segment rules can ask about",
  description: "Each field with its type, the ops it takes and, for enums, its values.",
  responses: {
    200: json(
      z.object({
        fields: z.array(
          z.object({
            field: z.string(),
            type: z.string(),
            description: z.string(),
            ops: z.array(z.string()),
            values: z.array(z.string()).optional(),
          }),
        ),
      }),
      "The fields",
    ),
  },
});

const preview = apiRoute({
  method: "post",
  path: "/preview",
  permission: Permission.viewCustomers,
  summary: "Preview a rule",
  description: `How many customers match the rule and the ${PREVIEW_SIZE} newest of them; nothing is saved.`,
  request: { body: jsonBody(z.strictObject({ rule: RuleSchema })) },
  responses: {
    200: json(
      z.object({ count: z.number().int(), customers: z.array(CustomerSchema) }),
      "The count and the first customers",
    ),
    400: invalidRule,
  },
});

const list = apiRoute({
  method: "get",
  path: "/",
  permission: Permission.viewCustomers,
  summary: "List saved segments",
  description: "By name, each with its cached count.",
  responses: { 200: json(z.object({ segments: z.array(SegmentSchema) }), "The segments") },
});

const create = apiRoute({
  method: "post",
  path: "/",
  permission: Permission.manageSegments,
  summary: "Save a segment",
  description: "The rule is checked and counted at once.",
  request: { body: jsonBody(SegmentInput) },
  responses: { 201: one, 400: invalidRule, 409: errorResponse("The name is taken") },
});

const get = apiRoute({
  method: "get",
  path: "/{id}",
  permission: Permission.viewCustomers,
  summary: "One saved segment",
  request: { params: idParam },
  responses: { 200: one, 404: notFound },
});

const replace = apiRoute({
  method: "put",
  path: "/{id}",
  permission: Permission.manageSegments,
  summary: "Change a segment",
  description: "Replaces the name, description and rule; the count is taken again.",
  request: { params: idParam, body: jsonBody(SegmentInput) },
  responses: { 200: one, 400: invalidRule, 404: notFound, 409: errorResponse("The name is taken") },
});

const remove = apiRoute({
  method: "delete",
  path: "/{id}",
  permission: Permission.manageSegments,
  summary: "Delete a segment",
  request: { params: idParam },
  responses: { 200: json(z.object({ deleted: z.literal(true) }), "Deleted"), 404: notFound },
});

/** /api/segments: rules over the customer base, previewed or saved with a count. */
export function segmentRoutes(deps: ApiDeps) {
  const base: SegmentDeps = { db: deps.db, sql: deps.sql, timeZone: deps.config.timeZone };
  return apiRouter()
    .openapi(fields, (c) => c.json({ fields: describeFields() }, 200))
    .openapi(preview, async (c) => {
      const rule = parseRule(c.req.valid("json").rule);
      const found = await previewRule({ ...base, actor: await apiActor(c, deps) }, rule);
      return c.json({ count: found.count, customers: found.customers.map(presentCustomer) }, 200);
    })
    .openapi(list, async (c) => {
      const segments = await listSegments({ ...base, actor: await apiActor(c, deps) });
      return c.json({ segments: segments.map(presentSegment) }, 200);
    })
    .openapi(create, async (c) => {
      const segment = await createSegment(
        { ...base, actor: await apiActor(c, deps) },
        c.req.valid("json"),
      );
      return c.json({ segment: presentSegment(segment) }, 201);
    })
    .openapi(get, async (c) => {
      const segment = await getSegment(
        { ...base, actor: await apiActor(c, deps) },
        c.req.valid("param").id,
      );
      return c.json({ segment: presentSegment(segment) }, 200);
    })
    .openapi(replace, async (c) => {
      const segment = await updateSegment(
        { ...base, actor: await apiActor(c, deps) },
        c.req.valid("param").id,
        c.req.valid("json"),
      );
      return c.json({ segment: presentSegment(segment) }, 200);
    })
    .openapi(remove, async (c) => {
      await deleteSegment({ ...base, actor: await apiActor(c, deps) }, c.req.valid("param").id);
      return c.json({ deleted: true as const }, 200);
    });
}
