import { z } from "@hono/zod-openapi";
import { Permission, requirePermission } from "../../core/access/permissions.ts";
import { LoyaltySettingsChangeSchema, LoyaltySettingsSchema } from "../../core/loyalty/settings.ts";
import { apiActor } from "../auth.ts";
import type { ApiDeps } from "../context.ts";
import { apiRoute, apiRouter, json, jsonBody } from "../openapi.ts";

// Both schemas come from core/loyalty/settings.ts, the single source of the rules.
const SettingsAnswer = z
  .object({
    settings: LoyaltySettingsSchema,
    version: z.number().int().openapi({ description: "Goes up by one with every change" }),
  })
  .openapi("LoyaltySettingsAnswer");

const read = apiRoute({
  method: "get",
  path: "/loyalty",
  permission: Permission.manageSettings,
  summary: "Read the loyalty settings",
  description:
    "The owner's rules as stored. The environment (WELCOME_BONUS, REFERRAL_BONUS) seeded them once; after that only this API changes them.",
  responses: { 200: json(SettingsAnswer, "The settings and their version") },
});

const change = apiRoute({
  method: "put",
  path: "/loyalty",
  permission: Permission.manageSettings,
  summary: "Change the loyalty settings",
  description:
    "Send only the top-level fields to change; each replaces the stored value whole (`tiers`, `birthday`…), the others keep theirs. The bot uses the new values at once; other processes on the same database within 30 seconds. Audited as `settings.changed` with the old and new values.",
  request: {
    body: jsonBody(LoyaltySettingsChangeSchema),
  },
  responses: { 200: json(SettingsAnswer, "The settings after the change") },
});

/** /api/settings: the owner's loyalty rules. */
export function settingsRoutes(deps: ApiDeps) {
  return apiRouter()
    .openapi(read, async (c) => {
      requirePermission(await apiActor(c, deps), Permission.manageSettings);
      return c.json(await deps.loyalty.current(), 200);
    })
    .openapi(change, async (c) => {
      const updated = await deps.loyalty.update(await apiActor(c, deps), c.req.valid("json"));
      return c.json(updated, 200);
    });
}
