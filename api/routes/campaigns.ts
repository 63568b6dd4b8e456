import type { Readable } from "node:stream";
import { z } from "@hono/zod-openapi";
import { Permission } from "../../core/access/permissions.ts";
import { countAudience } from "../../core/campaigns/audience.ts";
import { CampaignInputSchema, EditMessagesSchema } from "../../core/campaigns/campaign-input.ts";
import { createCampaign } from "../../core/campaigns/create-campaign.ts";
import { deliveryReport } from "../../core/campaigns/delivery-report.ts";
import { getCampaign, listCampaigns } from "../../core/campaigns/get-campaign.ts";
import {
  cancelCampaign,
  launchCampaign,
  pauseCampaign,
  resumeCampaign,
} from "../../core/campaigns/launch-campaign.ts";
import { CampaignActions } from "../../core/campaigns/message.ts";
import { deleteSentMessages, editSentMessages } from "../../core/campaigns/message-changes.ts";
import { previewMessage } from "../../core/campaigns/preview.ts";
import { sendTestMessage } from "../../core/campaigns/test-send.ts";
import type { CampaignDeps, CampaignStats, CampaignView } from "../../core/campaigns/types.ts";
import { updateCampaign } from "../../core/campaigns/update-campaign.ts";
import { AppError } from "../../core/errors.ts";
import { CampaignStatus } from "../../prisma/generated/enums.ts";
import { apiActor } from "../auth.ts";
import type { ApiDeps } from "../context.ts";
import { apiRoute, apiRouter, errorResponse, json, jsonBody } from "../openapi.ts";
import { RuleSchema } from "./segments.ts";

const instant = z.iso.datetime();
const OwnerTextSchema = z.object({ ru: z.string(), en: z.string().optional() });

const CampaignStatusSchema = z.enum(CampaignStatus).openapi("CampaignStatus", {
  description:
    "DRAFT → (launch) SCHEDULED (a future sendAt) → SENDING ⇄ PAUSED → SENT; CANCELLED from any state before SENT",
});

const StatsSchema = z
  .object({
    recipients: z.number().int().openapi({ description: "Rows materialised at launch" }),
    sent: z.number().int(),
    failed: z.number().int(),
    blocked: z.number().int().openapi({ description: "Blocked the bot or the chat is gone" }),
    skipped: z.number().int().openapi({
      description: "Not sent on purpose: consent withdrawn, the frequency cap, no Telegram",
    }),
    pending: z.number().int().openapi({ description: "Waiting or being sent right now" }),
    clicks: z.number().int().openapi({ description: "Recipients who pressed a button" }),
    buttonClicks: z.number().int().openapi({ description: "Presses of distinct buttons" }),
    unsubscribes: z.number().int(),
    cancelled: z.number().int(),
    possibleDuplicates: z.number().int().openapi({
      description: "Sent after a crashed dispatcher's claim was taken again: may have gone twice",
    }),
    variants: z.array(
      z.object({
        key: z.string(),
        share: z.number().int(),
        recipients: z.number().int(),
        sent: z.number().int(),
        failed: z.number().int(),
        blocked: z.number().int(),
        skipped: z.number().int(),
        pending: z.number().int(),
        cancelled: z.number().int(),
        clicks: z.number().int(),
      }),
    ),
  })
  .openapi("CampaignStats");

const CampaignSchema = z
  .object({
    id: z.uuid(),
    name: z.string(),
    status: CampaignStatusSchema,
    marketing: z.boolean(),
    segment: z.union([z.literal("all"), z.uuid(), RuleSchema]),
    text: OwnerTextSchema,
    buttons: z.array(
      z.union([
        z.object({ text: OwnerTextSchema, url: z.string() }),
        z.object({ text: OwnerTextSchema, action: z.enum(CampaignActions) }),
      ]),
    ),
    photoUrl: z.string().nullable(),
    parseMode: z.literal("HTML").nullable(),
    variants: z.array(
      z.object({ key: z.string(), share: z.number().int(), text: OwnerTextSchema }),
    ),
    sendAt: instant.nullable(),
    localTime: z.boolean(),
    recipients: z.number().int(),
    lastError: z.string().nullable(),
    startedAt: instant.nullable(),
    pausedAt: instant.nullable(),
    finishedAt: instant.nullable(),
    createdAt: instant,
    updatedAt: instant,
  })
  .openapi("Campaign");

const CampaignWithStats = CampaignSchema.extend({ stats: StatsSchema }).openapi("CampaignDetail");
const CampaignCreated = CampaignSchema.extend({
  audienceCount: z.number().int().openapi({ description: "Customers the audience reaches now" }),
}).openapi("CampaignCreated");

const iso = (date: Date | null) => date?.toISOString() ?? null;

function present(view: CampaignView): z.infer<typeof CampaignSchema> {
  return {
    ...view,
    segment: view.segment as z.infer<typeof CampaignSchema>["segment"],
    sendAt: iso(view.sendAt),
    startedAt: iso(view.startedAt),
    pausedAt: iso(view.pausedAt),
    finishedAt: iso(view.finishedAt),
    createdAt: view.createdAt.toISOString(),
    updatedAt: view.updatedAt.toISOString(),
  };
}

const idParam = z.object({ id: z.uuid("must be a campaign id (UUID)") });
const notFound = errorResponse("No campaign with this id");
const one = json(CampaignSchema, "The campaign");
const wrongState = (what: string) => errorResponse(`The campaign's state does not allow ${what}`);
const badInput = errorResponse(
  "A field is wrong: an unknown placeholder (`text.ru: unknown placeholder {foo}`), a time in the past, a bad rule, a text too long; `details.issues` names each",
);

const create = apiRoute({
  method: "post",
  path: "/",
  permission: Permission.broadcast,
  summary: "Create a campaign (a draft)",
  description:
    "The audience is required: `\"all\"` (everyone active and reachable who accepts offers), a saved segment's id or an inline rule. Placeholders (`{first_name}`, `{first_name|fallback}`, `{points}`, `{tier}`, `{card}`, `{name}` and the question bank's keys) are checked. Launch it with POST /{id}/launch.",
  request: { body: jsonBody(CampaignInputSchema) },
  responses: {
    201: json(CampaignCreated, "The draft, and how many it would reach now"),
    400: badInput,
  },
});

const list = apiRoute({
  method: "get",
  path: "/",
  permission: Permission.broadcast,
  summary: "List campaigns",
  description: "Newest first; follow `nextCursor`.",
  request: {
    query: z.object({
      status: z.enum(CampaignStatus).optional(),
      limit: z.coerce.number().int().min(1).max(200).default(50),
      cursor: z.uuid().optional(),
    }),
  },
  responses: {
    200: json(
      z.object({ campaigns: z.array(CampaignSchema), nextCursor: z.uuid().nullable() }),
      "A page of campaigns",
    ),
  },
});

const get = apiRoute({
  method: "get",
  path: "/{id}",
  permission: Permission.broadcast,
  summary: "A campaign with its statistics",
  request: { params: idParam },
  responses: { 200: json(CampaignWithStats, "The campaign and `stats`"), 404: notFound },
});

const replace = apiRoute({
  method: "put",
  path: "/{id}",
  permission: Permission.broadcast,
  summary: "Change a draft or a scheduled campaign",
  description:
    "Replaces everything the body gives. A campaign sending, paused, sent or cancelled is a 409: its recipients are fixed (change the words already sent with /edit-messages).",
  request: { params: idParam, body: jsonBody(CampaignInputSchema) },
  responses: { 200: one, 400: badInput, 404: notFound, 409: wrongState("changes") },
});

const action = (
  verb: "launch" | "pause" | "resume" | "cancel",
  summary: string,
  description: string,
) =>
  apiRoute({
    method: "post",
    path: `/{id}/${verb}`,
    permission: Permission.broadcast,
    summary,
    description,
    request: { params: idParam },
    responses: { 200: one, 400: badInput, 404: notFound, 409: wrongState(verb) },
  });

const launch = action(
  "launch",
  "Launch a draft",
  "Without a sendAt (or one within a minute) the recipients are materialised now and it is SENDING; with a future sendAt it is SCHEDULED and materialised then. A second launch is a 409 (`already launched`); an audience that matches nobody is a 409 saying why, and the campaign stays a DRAFT.",
);
const pause = action("pause", "Pause a sending campaign", "The dispatcher leaves its rows alone.");
const resume = action("resume", "Resume a paused campaign", "Sending goes on where it stopped.");
const cancel = action(
  "cancel",
  "Cancel a campaign",
  "Before or while it sends: the rows not yet sent become CANCELLED in one statement.",
);

const testSend = apiRoute({
  method: "post",
  path: "/{id}/test",
  permission: Permission.broadcast,
  summary: "Send the campaign to a staff member as a test",
  description:
    "To `staffId`, or to the token's own staff member. Goes through the outbox at once (any state, no consent or cap), never counted in the statistics.",
  request: {
    params: idParam,
    body: jsonBody(z.strictObject({ staffId: z.uuid().optional() })),
  },
  responses: {
    202: json(z.object({ queued: z.literal(true) }), "Queued"),
    400: errorResponse("No staff member to send to (the admin token is nobody's)"),
    404: errorResponse("No such campaign or staff member"),
    409: errorResponse("The staff member is disabled or has no Telegram account"),
  },
});

const preview = apiRoute({
  method: "get",
  path: "/{id}/preview",
  permission: Permission.broadcast,
  summary: "The message as a customer will see it",
  description:
    "Placeholders filled for `customerId`, or for the newest customer of the audience; their language and A/B variant.",
  request: { params: idParam, query: z.object({ customerId: z.uuid().optional() }) },
  responses: {
    200: json(
      z.object({
        text: z.string(),
        parseMode: z.literal("HTML").nullable(),
        buttons: z.array(
          z.union([
            z.object({ text: z.string(), url: z.string() }),
            z.object({ text: z.string(), action: z.string() }),
          ]),
        ),
        photoUrl: z.string().nullable(),
        customerId: z.uuid().nullable(),
        language: z.enum(["ru", "en"]),
        variant: z.string().nullable(),
      }),
      "The rendered message",
    ),
    404: errorResponse("No such campaign or customer"),
  },
});

const report = apiRoute({
  method: "get",
  path: "/{id}/deliveries.csv",
  permission: Permission.broadcast,
  summary: "The per-recipient delivery report (CSV)",
  description:
    "Every recipient with the outcome, times, attempts, errors, possible duplicates and buttons pressed; streamed as it is read, UTF-8 with a BOM, `;`-separated. Audited.",
  request: { params: idParam },
  responses: {
    200: { description: "The file", content: { "text/csv": { schema: { type: "string" } } } },
    404: notFound,
  },
});

const changed = json(
  z.object({ queued: z.number().int().openapi({ description: "Chats the change goes to" }) }),
  "Queued for every chat reached within the last 48 hours",
);

const deleteMessages = apiRoute({
  method: "post",
  path: "/{id}/delete-messages",
  permission: Permission.broadcast,
  summary: "Delete the sent message in every chat",
  description:
    "Within Telegram's 48-hour limit. Rows not sent yet still go: cancel the campaign first to stop them.",
  request: { params: idParam, body: jsonBody(z.strictObject({})) },
  responses: { 200: changed, 404: notFound, 409: wrongState("it: nothing was sent") },
});

const editMessages = apiRoute({
  method: "post",
  path: "/{id}/edit-messages",
  permission: Permission.broadcast,
  summary: "Change the text and edit it in every chat",
  description:
    "The new text (and variants' texts, by key) replaces the campaign's; every message sent within 48 hours is edited, rows not sent yet go with the new words.",
  request: { params: idParam, body: jsonBody(EditMessagesSchema) },
  responses: {
    200: changed,
    400: badInput,
    404: notFound,
    409: wrongState("it: nothing was sent"),
  },
});

/**
 * A Node stream as a web stream that reads the next chunk only when the response asks for it
 * (as api/routes/imports.ts does for the customer export: Node 20's Readable.toWeb stalled).
 */
function pulledStream(stream: Readable): ReadableStream<Uint8Array> {
  const chunks = stream[Symbol.asyncIterator]();
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      const next = await chunks.next();
      if (next.done) controller.close();
      else
        controller.enqueue(typeof next.value === "string" ? Buffer.from(next.value) : next.value);
    },
    cancel() {
      stream.destroy();
    },
  });
}

const withStats = (view: CampaignView & { stats: CampaignStats }) => ({
  ...present(view),
  stats: view.stats,
});

/** /api/campaigns: broadcasts to an audience, their states, statistics and reports. */
export function campaignRoutes(deps: ApiDeps) {
  const campaignDeps = async (c: Parameters<typeof apiActor>[0]): Promise<CampaignDeps> => ({
    db: deps.db,
    sql: deps.sql,
    timeZone: deps.config.timeZone,
    actor: await apiActor(c, deps),
    loyalty: deps.loyalty,
    questions: deps.questions,
    defaultLanguage: deps.config.defaultLanguage,
  });
  return apiRouter()
    .openapi(create, async (c) => {
      const d = await campaignDeps(c);
      const input = c.req.valid("json");
      const campaign = await createCampaign(d, input);
      const audienceCount = await countAudience(d, input.segment, {
        marketing: campaign.marketing,
      });
      return c.json({ ...present(campaign), audienceCount }, 201);
    })
    .openapi(list, async (c) => {
      const page = await listCampaigns(await campaignDeps(c), c.req.valid("query"));
      return c.json({ campaigns: page.campaigns.map(present), nextCursor: page.nextCursor }, 200);
    })
    .openapi(get, async (c) =>
      c.json(withStats(await getCampaign(await campaignDeps(c), c.req.valid("param").id)), 200),
    )
    .openapi(replace, async (c) => {
      const campaign = await updateCampaign(
        await campaignDeps(c),
        c.req.valid("param").id,
        c.req.valid("json"),
      );
      return c.json(present(campaign), 200);
    })
    .openapi(launch, async (c) =>
      c.json(present(await launchCampaign(await campaignDeps(c), c.req.valid("param").id)), 200),
    )
    .openapi(pause, async (c) =>
      c.json(present(await pauseCampaign(await campaignDeps(c), c.req.valid("param").id)), 200),
    )
    .openapi(resume, async (c) =>
      c.json(present(await resumeCampaign(await campaignDeps(c), c.req.valid("param").id)), 200),
    )
    .openapi(cancel, async (c) =>
      c.json(present(await cancelCampaign(await campaignDeps(c), c.req.valid("param").id)), 200),
    )
    .openapi(testSend, async (c) => {
      const d = await campaignDeps(c);
      const staffId = c.req.valid("json").staffId ?? d.actor.staffId;
      if (!staffId)
        throw new AppError("invalid_input", "staffId: this token belongs to no staff member", {
          issues: [{ field: "staffId", message: "required with a token of nobody's" }],
        });
      await sendTestMessage(d, c.req.valid("param").id, staffId);
      return c.json({ queued: true as const }, 202);
    })
    .openapi(preview, async (c) => {
      const { customerId } = c.req.valid("query");
      const rendered = await previewMessage(
        await campaignDeps(c),
        c.req.valid("param").id,
        customerId,
      );
      return c.json(rendered, 200);
    })
    .openapi(report, async (c) => {
      const file = await deliveryReport(await campaignDeps(c), c.req.valid("param").id);
      return new Response(pulledStream(file.stream), {
        status: 200,
        headers: {
          "content-type": file.contentType,
          "content-disposition": `attachment; filename="${file.fileName}"`,
          "cache-control": "no-store",
        },
      }) as never;
    })
    .openapi(deleteMessages, async (c) =>
      c.json(await deleteSentMessages(await campaignDeps(c), c.req.valid("param").id), 200),
    )
    .openapi(editMessages, async (c) =>
      c.json(
        await editSentMessages(await campaignDeps(c), c.req.valid("param").id, c.req.valid("json")),
        200,
      ),
    );
}
