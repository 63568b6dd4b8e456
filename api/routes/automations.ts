import { z } from "@hono/zod-openapi";
import { Permission } from "../../core/access/permissions.ts";
import {
  AutomationKinds,
  ButtonsSchema,
  CreatableKinds,
  DripStopEvents,
  DripTriggers,
  KindPlaceholders,
  StepsSchema,
  TextSchema,
} from "../../core/automations/definitions.ts";
import {
  type AutomationDeps,
  type AutomationView,
  createAutomation,
  deleteAutomation,
  getAutomation,
  listAutomations,
  updateAutomation,
} from "../../core/automations/manage-automations.ts";
import { BuiltinPlaceholders } from "../../core/campaigns/message.ts";
import { apiActor } from "../auth.ts";
import type { ApiDeps } from "../context.ts";
import { apiRoute, apiRouter, errorResponse, json, jsonBody } from "../openapi.ts";

const Counts = {
  fired: z.number().int().openapi({ description: "Occasions fired: one outbox row each" }),
  sent: z.number().int(),
  skipped: z.number().int().openapi({
    description: "Not sent on purpose: no consent any more, the frequency cap, cancelled",
  }),
  failed: z.number().int().openapi({ description: "Refused by Telegram, or the bot is blocked" }),
  pending: z.number().int(),
};

const OwnerTextOut = z.object({ ru: z.string(), en: z.string().optional() });
const ButtonOut = z.union([
  z.object({ text: OwnerTextOut, url: z.string() }),
  z.object({ text: OwnerTextOut, action: z.string() }),
]);

const AutomationSchema = z
  .object({
    key: z.string(),
    kind: z.enum(AutomationKinds),
    name: z.string(),
    enabled: z.boolean(),
    builtin: z.boolean().openapi({ description: "Seeded at start-up; cannot be deleted" }),
    settings: z.record(z.string(), z.unknown()).openapi({
      description:
        "The kind's timing and options with their defaults: WINBACK {factor, defaultIntervalDays, bonusPoints, bonusValidDays, hours}, DATE_REMINDER {attribute, daysBefore, hours}, DRIP {trigger, stopOn, hours}. The birthday's and the expiry warning's timing stay in the loyalty settings.",
    }),
    message: z.object({
      text: OwnerTextOut.nullable().openapi({
        description: "The owner's words; null = the bot's own template",
      }),
      buttons: z.array(ButtonOut),
      steps: z
        .array(
          z.object({ delayHours: z.number(), text: OwnerTextOut, buttons: z.array(ButtonOut) }),
        )
        .optional()
        .openapi({ description: "A drip chain's messages, in order" }),
    }),
    placeholders: z.array(z.string()).openapi({
      description: "The placeholders its words may use, besides the bank's question keys",
    }),
    stats: z.object({
      ...Counts,
      steps: z
        .array(z.object({ step: z.number().int(), ...Counts }))
        .optional()
        .openapi({ description: "A drip chain's counts per step (0 = the first)" }),
      enrolments: z
        .object({
          running: z.number().int(),
          finished: z.number().int(),
          stopped: z.number().int(),
        })
        .optional(),
    }),
    createdAt: z.iso.datetime(),
    updatedAt: z.iso.datetime(),
  })
  .openapi("Automation");

const textDescription =
  "One text for every language, or {ru, en}. Placeholders: {first_name}, {name}, {points}, {tier}, {card}, the bank's question keys and the kind's own (see `placeholders`), each with an optional fallback: {first_name|friend}. An unknown one is a 400 naming it.";

const changeFields = {
  name: z.string().trim().min(1).max(100),
  enabled: z.boolean(),
  text: TextSchema.nullable().meta({
    description: `${textDescription} null = back to the bot's own words (built-ins).`,
  }),
  buttons: ButtonsSchema,
  settings: z.record(z.string(), z.unknown()).openapi({
    description:
      "Changed settings of the kind (merged over the current ones, checked strictly: an unknown or bad one is a 400 naming `settings.<field>`)",
    example: { factor: 2, bonusPoints: 200 },
  }),
  steps: StepsSchema.meta({
    description: `A drip chain's messages: {delayHours (after the previous step; the first after the event), text, buttons}. ${textDescription}`,
  }),
};

const AutomationChangeSchema = z
  .strictObject(changeFields)
  .partial()
  .refine((change) => Object.keys(change).length > 0, "name at least one field to change")
  .openapi("AutomationChange");

const NewAutomationSchema = z
  .strictObject({
    key: z
      .string()
      .regex(
        /^[a-z][a-z0-9_]{1,39}$/,
        "must be lower_snake_case: a letter, then letters, digits or _",
      ),
    kind: z.enum(CreatableKinds),
    name: changeFields.name,
    enabled: changeFields.enabled.optional(),
    text: TextSchema.optional().meta({
      description: `A date reminder's words. ${textDescription}`,
    }),
    buttons: ButtonsSchema.optional(),
    settings: changeFields.settings.openapi({
      description: `DATE_REMINDER: {attribute (a date question's key, e.g. next_service_date), daysBefore, hours?}. DRIP: {trigger: ${DripTriggers.join(" | ")}, stopOn? (default all of ${DripStopEvents.join(", ")}), hours?}. hours = {from, to} on the customer's clock, default 10–20.`,
      example: { attribute: "next_service_date", daysBefore: 3 },
    }),
    steps: changeFields.steps.optional(),
  })
  .openapi("NewAutomation");

const keyParam = z.object({ key: z.string().min(1).max(40) });

function present(automation: AutomationView): z.infer<typeof AutomationSchema> {
  return {
    key: automation.key,
    kind: automation.kind,
    name: automation.name,
    enabled: automation.enabled,
    builtin: automation.builtin,
    settings: automation.settings,
    message: automation.message,
    placeholders: [...BuiltinPlaceholders, ...KindPlaceholders[automation.kind]],
    stats: automation.stats,
    createdAt: automation.createdAt.toISOString(),
    updatedAt: automation.updatedAt.toISOString(),
  };
}

const one = json(z.object({ automation: AutomationSchema }), "The automation");
const notFound = errorResponse("No automation with this key");
const invalid = errorResponse(
  "A field is malformed, or a placeholder unknown; `details.issues` names each (`text.ru`, `settings.factor`…)",
);

const list = apiRoute({
  method: "get",
  path: "/",
  permission: Permission.broadcast,
  summary: "List automations",
  description:
    "The built-in ones (birthday, expiry_warning, winback) and the owner's date reminders and drip chains, each with its settings, words, on/off and statistics.",
  responses: { 200: json(z.object({ automations: z.array(AutomationSchema) }), "The automations") },
});

const get = apiRoute({
  method: "get",
  path: "/{key}",
  permission: Permission.broadcast,
  summary: "One automation",
  request: { params: keyParam },
  responses: { 200: one, 404: notFound },
});

const replace = apiRoute({
  method: "put",
  path: "/{key}",
  permission: Permission.manageSettings,
  summary: "Change an automation",
  description: "Its words, timing (settings, steps) or on/off; what is left out stays. Audited.",
  request: { params: keyParam, body: jsonBody(AutomationChangeSchema) },
  responses: { 200: one, 400: invalid, 404: notFound },
});

const create = apiRoute({
  method: "post",
  path: "/",
  permission: Permission.manageSettings,
  summary: "Create a date reminder or a drip chain",
  description: "Each fires at most once per customer per occasion. Audited.",
  request: { body: jsonBody(NewAutomationSchema) },
  responses: {
    201: one,
    400: invalid,
    409: errorResponse("The key is taken (or is a built-in's)"),
  },
});

const remove = apiRoute({
  method: "delete",
  path: "/{key}",
  permission: Permission.manageSettings,
  summary: "Delete an automation",
  description:
    "The owner's date reminders and drip chains (with their enrolments); the messages already queued stay. The built-ins cannot be deleted (409): switch them off. Audited.",
  request: { params: keyParam },
  responses: {
    200: json(z.object({ deleted: z.literal(true) }), "Deleted"),
    404: notFound,
    409: errorResponse("A built-in automation"),
  },
});

/** /api/automations: the scheduler's messages, their words, timing, on/off and results. */
export function automationRoutes(deps: ApiDeps) {
  const base = async (c: Parameters<typeof apiActor>[0]): Promise<AutomationDeps> => ({
    sql: deps.sql,
    questions: deps.questions,
    actor: await apiActor(c, deps),
  });
  return apiRouter()
    .openapi(list, async (c) => {
      const automations = await listAutomations(await base(c));
      return c.json({ automations: automations.map(present) }, 200);
    })
    .openapi(get, async (c) => {
      const automation = await getAutomation(await base(c), c.req.valid("param").key);
      return c.json({ automation: present(automation) }, 200);
    })
    .openapi(replace, async (c) => {
      const automation = await updateAutomation(
        await base(c),
        c.req.valid("param").key,
        c.req.valid("json"),
      );
      return c.json({ automation: present(automation) }, 200);
    })
    .openapi(create, async (c) => {
      const automation = await createAutomation(await base(c), c.req.valid("json"));
      return c.json({ automation: present(automation) }, 201);
    })
    .openapi(remove, async (c) => {
      await deleteAutomation(await base(c), c.req.valid("param").key);
      return c.json({ deleted: true as const }, 200);
    });
}
