import { z } from "@hono/zod-openapi";
import { Permission } from "../../core/access/permissions.ts";
import { editCustomer } from "../../core/customers/edit-customer.ts";
import { selectQuestions } from "../../core/db/tables/questions.ts";
import { anonymiseCustomer } from "../../core/privacy/anonymise-customer.ts";
import { Gender } from "../../prisma/generated/enums.ts";
import { apiActor } from "../auth.ts";
import type { ApiDeps } from "../context.ts";
import { apiRoute, apiRouter, errorResponse, json, jsonBody } from "../openapi.ts";
import { presentCustomer } from "../presenters.ts";
import { CustomerSchema } from "../schemas/customer.ts";

const idParam = z.object({ id: z.uuid("must be a customer id (UUID)") });
const text = (max: number) => z.string().trim().min(1).max(max).nullable();

const CustomerEditSchema = z
  .object({
    name: text(64),
    email: text(254),
    city: text(64),
    birthday: z.iso.date("must be a date, YYYY-MM-DD").nullable(),
    gender: z.enum(Gender).nullable(),
    language: z.enum(["ru", "en"]).nullable(),
    familyStatus: text(64),
    children: z.number().int().min(0).max(20).nullable(),
    timeZone: z.string().trim().min(1).max(64).nullable().openapi({
      description:
        "The customer's IANA time zone (automations and campaigns at local time use it); null = the business's TIME_ZONE. Set from a known city answer when empty.",
      example: "Asia/Yekaterinburg",
    }),
    tags: z
      .array(z.string().trim().min(1).max(40))
      .max(50)
      .openapi({ description: "The whole list: it replaces the customer's tags" }),
    attributes: z
      .record(z.string().max(32), z.unknown())
      .refine((attributes) => Object.keys(attributes).length <= 50, "at most 50 at once")
      .openapi({
        description:
          "Custom answers by question key, checked against the question in the bank (a choice's option value, a number in range, a date YYYY-MM-DD…); null removes one, others stay",
        example: { pet_species: "cat" },
      }),
  })
  .partial()
  .strict()
  .refine((edit) => Object.keys(edit).length > 0, "name at least one field to change")
  .openapi("CustomerEdit");

const edit = apiRoute({
  method: "patch",
  path: "/{id}",
  permission: Permission.editCustomers,
  summary: "Edit a customer's profile, tags and attributes",
  description:
    "Changes the fields given (null clears one), each checked as the bot checks the customer's own answers. Audited, and on the customer's timeline as profile.edited with the fields named; sends the profile.updated webhook.",
  request: { params: idParam, body: jsonBody(CustomerEditSchema) },
  responses: {
    200: json(z.object({ customer: CustomerSchema }), "The customer as saved"),
    404: errorResponse("No such customer"),
  },
});

const anonymise = apiRoute({
  method: "post",
  path: "/{id}/anonymise",
  permission: Permission.anonymiseCustomers,
  summary: "Erase a customer's personal data",
  description:
    "What the customer can do in the bot (My data → Delete), done for them: name, contacts, Telegram id, answers, feedback and timeline go; the ledger and purchase amounts stay, anonymous. The card is closed. Cannot be undone. Audited.",
  request: { params: idParam },
  responses: {
    200: json(z.object({ anonymised: z.literal(true) }), "Erased"),
    404: errorResponse("No such customer"),
  },
});

/** PATCH /api/customers/:id and POST /api/customers/:id/anonymise. */
export function customerEditRoutes(deps: ApiDeps) {
  return apiRouter()
    .openapi(edit, async (c) => {
      const customer = await editCustomer(deps.sql, {
        actor: await apiActor(c, deps),
        customerId: c.req.valid("param").id,
        edit: c.req.valid("json"),
        // Read afresh: a question the owner just added is editable at once.
        questions: await selectQuestions(deps.sql),
        phoneRegion: deps.config.onboarding.phoneDefaultRegion,
      });
      return c.json({ customer: presentCustomer(customer) }, 200);
    })
    .openapi(anonymise, async (c) => {
      await anonymiseCustomer(deps.db, {
        actor: await apiActor(c, deps),
        customerId: c.req.valid("param").id,
      });
      return c.json({ anonymised: true as const }, 200);
    });
}
