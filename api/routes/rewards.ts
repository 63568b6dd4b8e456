import { z } from "@hono/zod-openapi";
import { Permission } from "../../core/access/permissions.ts";
import type { Reward } from "../../core/db/client.ts";
import type { RedemptionView } from "../../core/db/tables/reward-redemptions.ts";
import { formatRewardCode } from "../../core/rewards/code.ts";
import { listRedemptions, listRewards } from "../../core/rewards/list-rewards.ts";
import {
  changeReward,
  createReward,
  DEFAULT_VALID_DAYS,
  removeReward,
} from "../../core/rewards/manage-rewards.ts";
import { useRedemption } from "../../core/rewards/use-redemption.ts";
import { apiActor } from "../auth.ts";
import type { ApiDeps } from "../context.ts";
import { apiRoute, apiRouter, errorResponse, json, jsonBody } from "../openapi.ts";

const KindSchema = z.enum(["GIFT", "COUPON"]).openapi("RewardKind");
const StatusSchema = z.enum(["ISSUED", "USED", "EXPIRED"]).openapi("RedemptionStatus");

const RewardSchema = z
  .object({
    id: z.uuid(),
    kind: KindSchema,
    title: z.string(),
    description: z.string().nullable(),
    cost: z.number().int().openapi({ description: "Points it costs" }),
    stock: z.number().int().nullable().openapi({ description: "Left to give; null = unlimited" }),
    perCustomerLimit: z.number().int().nullable(),
    validDays: z.number().int(),
    active: z.boolean(),
    createdAt: z.iso.datetime(),
    updatedAt: z.iso.datetime(),
  })
  .openapi("Reward");

const RewardWithCountsSchema = RewardSchema.extend({
  redemptions: z.object({ issued: z.number(), used: z.number(), expired: z.number() }),
}).openapi("RewardWithCounts");

const RedemptionSchema = z
  .object({
    id: z.uuid(),
    code: z.string().openapi({ example: "K7M2-Q9XW" }),
    rewardId: z.uuid(),
    rewardTitle: z.string(),
    customerId: z.uuid(),
    customerName: z.string().nullable(),
    cost: z.number().int(),
    status: StatusSchema,
    issuedAt: z.iso.datetime(),
    expiresAt: z.iso.datetime(),
    usedAt: z.iso.datetime().nullable(),
    usedById: z.uuid().nullable(),
    usedByName: z.string().nullable(),
  })
  .openapi("RewardRedemption");

function presentReward(reward: Reward): z.infer<typeof RewardSchema> {
  return {
    id: reward.id,
    kind: reward.kind,
    title: reward.title,
    description: reward.description,
    cost: reward.cost,
    stock: reward.stock,
    perCustomerLimit: reward.perCustomerLimit,
    validDays: reward.validDays,
    active: reward.active,
    createdAt: reward.createdAt.toISOString(),
    updatedAt: reward.updatedAt.toISOString(),
  };
}

function presentRedemption(redemption: RedemptionView): z.infer<typeof RedemptionSchema> {
  return {
    id: redemption.id,
    code: formatRewardCode(redemption.code),
    rewardId: redemption.rewardId,
    rewardTitle: redemption.rewardTitle,
    customerId: redemption.customerId,
    customerName: redemption.customerName,
    cost: redemption.cost,
    status: redemption.status,
    issuedAt: redemption.createdAt.toISOString(),
    expiresAt: redemption.expiresAt.toISOString(),
    usedAt: redemption.usedAt?.toISOString() ?? null,
    usedById: redemption.usedById,
    usedByName: redemption.usedByName,
  };
}

const fields = {
  kind: KindSchema,
  title: z.string().trim().min(1).max(80),
  description: z.string().trim().max(500).nullable(),
  cost: z.number().int().min(1).max(1_000_000).openapi({ description: "Points it costs" }),
  stock: z
    .number()
    .int()
    .min(0)
    .max(1_000_000)
    .nullable()
    .openapi({ description: "How many are left to give; null = unlimited" }),
  perCustomerLimit: z
    .number()
    .int()
    .min(1)
    .max(1000)
    .nullable()
    .openapi({ description: "How many times one customer may take it; null = no limit" }),
  validDays: z
    .number()
    .int()
    .min(1)
    .max(3650)
    .openapi({ description: "Days an issued code stays valid" }),
  active: z.boolean(),
};

const NewRewardSchema = z
  .object({
    kind: fields.kind,
    title: fields.title,
    cost: fields.cost,
    description: fields.description.optional(),
    stock: fields.stock.optional(),
    perCustomerLimit: fields.perCustomerLimit.optional(),
    validDays: fields.validDays.optional().openapi({ default: DEFAULT_VALID_DAYS }),
    active: fields.active.optional(),
  })
  .strict()
  .openapi("NewReward");

const RewardPatchSchema = z
  .object(fields)
  .partial()
  .strict()
  .refine((patch) => Object.keys(patch).length > 0, "name at least one field to change")
  .openapi("RewardPatch");

const idParam = z.object({ id: z.uuid("must be a reward id (UUID)") });

const list = apiRoute({
  method: "get",
  path: "/",
  permission: Permission.manageRewards,
  summary: "List the rewards catalogue",
  description: "Every reward, active first, with its redemptions counted by status.",
  request: {
    query: z.object({
      active: z.enum(["true", "false"]).optional().openapi({ description: "Only (in)active ones" }),
    }),
  },
  responses: {
    200: json(z.object({ rewards: z.array(RewardWithCountsSchema) }), "The catalogue"),
  },
});

const create = apiRoute({
  method: "post",
  path: "/",
  permission: Permission.manageRewards,
  summary: "Add a reward",
  description:
    "A gift or a discount coupon that customers take for points in the bot (🏆 Rewards). `stock` and `perCustomerLimit` left out mean unlimited.",
  request: { body: jsonBody(NewRewardSchema) },
  responses: { 201: json(z.object({ reward: RewardSchema }), "The new reward") },
});

const update = apiRoute({
  method: "put",
  path: "/{id}",
  permission: Permission.manageRewards,
  summary: "Change a reward",
  description:
    "Changes the fields given. Codes already issued keep their cost and expiry; `stock` is the new number left.",
  request: { params: idParam, body: jsonBody(RewardPatchSchema) },
  responses: {
    200: json(z.object({ reward: RewardSchema }), "The reward as changed"),
    404: errorResponse("No reward with this id"),
  },
});

const remove = apiRoute({
  method: "delete",
  path: "/{id}",
  permission: Permission.manageRewards,
  summary: "Take a reward out of the catalogue",
  description:
    "A reward anyone ever took is deactivated (its row and redemptions stay; codes already issued stay valid until they expire); one nobody took is deleted.",
  request: { params: idParam },
  responses: {
    200: json(
      z.object({ reward: RewardSchema, deleted: z.boolean() }),
      "The reward, deactivated (`deleted: false`) or deleted",
    ),
    404: errorResponse("No reward with this id"),
  },
});

const redemptions = apiRoute({
  method: "get",
  path: "/redemptions",
  permission: Permission.manageRewards,
  summary: "List issued reward codes",
  description: "Newest first, filtered by status, customer and reward.",
  request: {
    query: z.object({
      status: StatusSchema.optional(),
      customerId: z.uuid().optional(),
      rewardId: z.uuid().optional(),
      limit: z.coerce.number().int().min(1).max(500).default(100),
      cursor: z
        .string()
        .regex(/^\d{1,15}_[0-9a-f-]{36}$/, "must be a nextCursor from a previous page")
        .optional(),
    }),
  },
  responses: {
    200: json(
      z.object({ redemptions: z.array(RedemptionSchema), nextCursor: z.string().nullable() }),
      "A page of redemptions",
    ),
  },
});

const use = apiRoute({
  method: "post",
  path: "/redemptions/{code}/use",
  permission: Permission.redeemReward,
  summary: "Mark a reward code used",
  description:
    "For the till: marks the code the customer shows as used, once. Case, spaces and the dash do not matter. A code used before answers 409 with `details.reason: already_used` and when and by whom; an expired one 409 `expired`; a code on the caller's own card 403.",
  request: {
    params: z.object({ code: z.string().min(1).max(20).openapi({ example: "K7M2-Q9XW" }) }),
  },
  responses: {
    200: json(z.object({ redemption: RedemptionSchema }), "The code, now used"),
    404: errorResponse("No such code"),
    409: errorResponse("Already used, or expired"),
  },
});

/** /api/rewards: the catalogue (managers and owners) and marking codes used (any staff). */
export function rewardRoutes(deps: ApiDeps) {
  return apiRouter()
    .openapi(list, async (c) => {
      const { active } = c.req.valid("query");
      const rewards = await listRewards(deps.sql, {
        actor: await apiActor(c, deps),
        active: active === undefined ? undefined : active === "true",
      });
      return c.json(
        {
          rewards: rewards.map(({ issued, used, expired, ...reward }) => ({
            ...presentReward(reward),
            redemptions: { issued, used, expired },
          })),
        },
        200,
      );
    })
    .openapi(create, async (c) => {
      const body = c.req.valid("json");
      const reward = await createReward(deps.sql, {
        actor: await apiActor(c, deps),
        reward: body,
      });
      return c.json({ reward: presentReward(reward) }, 201);
    })
    .openapi(update, async (c) => {
      const reward = await changeReward(deps.sql, {
        actor: await apiActor(c, deps),
        rewardId: c.req.valid("param").id,
        patch: c.req.valid("json"),
      });
      return c.json({ reward: presentReward(reward) }, 200);
    })
    .openapi(remove, async (c) => {
      const { reward, deleted } = await removeReward(deps.sql, {
        actor: await apiActor(c, deps),
        rewardId: c.req.valid("param").id,
      });
      return c.json({ reward: presentReward(reward), deleted }, 200);
    })
    .openapi(redemptions, async (c) => {
      const query = c.req.valid("query");
      const page = await listRedemptions(deps.sql, { actor: await apiActor(c, deps), ...query });
      return c.json(
        { redemptions: page.redemptions.map(presentRedemption), nextCursor: page.nextCursor },
        200,
      );
    })
    .openapi(use, async (c) => {
      const redemption = await useRedemption(deps.sql, {
        actor: await apiActor(c, deps),
        code: c.req.valid("param").code,
      });
      return c.json({ redemption: presentRedemption(redemption) }, 200);
    });
}
