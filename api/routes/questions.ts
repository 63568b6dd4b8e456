import { z } from "@hono/zod-openapi";
import { Permission } from "../../core/access/permissions.ts";
import {
  changeQuestion,
  createQuestion,
  deactivateQuestion,
  getQuestion,
  listQuestions,
  QuestionPatchSchema,
} from "../../core/questions/manage-questions.ts";
import { choosePack, describePacks } from "../../core/questions/packs.ts";
import {
  type Question,
  QuestionDefinitionSchema,
  QuestionTypes,
} from "../../core/questions/types.ts";
import { apiActor } from "../auth.ts";
import type { ApiDeps } from "../context.ts";
import { apiRoute, apiRouter, errorResponse, json, jsonBody } from "../openapi.ts";

const Localized = z.object({ ru: z.string(), en: z.string().optional() });

export const QuestionSchema = z
  .object({
    id: z.uuid(),
    key: z.string().openapi({ example: "pet_species" }),
    type: z.enum(QuestionTypes as [string, ...string[]]),
    text: Localized,
    options: z.array(z.object({ value: z.string(), label: Localized })),
    min: z.number().nullable().openapi({
      description: "number: the least value; date: days from the day of answering (-36500)",
    }),
    max: z.number().nullable().openapi({
      description: "number: the greatest value; date: days from the day of answering (0 = today)",
    }),
    required: z.boolean(),
    priority: z.number().int(),
    condition: z
      .object({ key: z.string(), values: z.array(z.union([z.string(), z.number(), z.boolean()])) })
      .nullable(),
    category: z.string().nullable(),
    progressive: z.boolean(),
    active: z.boolean(),
    version: z.number().int(),
    pack: z.string().nullable(),
  })
  .openapi("Question");

export function presentQuestion(question: Question): z.infer<typeof QuestionSchema> {
  return { ...question };
}

const keyParam = z.object({ key: z.string().max(40).openapi({ example: "pet_species" }) });

const list = apiRoute({
  method: "get",
  path: "/",
  permission: Permission.manageQuestions,
  summary: "List the question bank",
  description: "Every question, the most valuable (highest priority) first.",
  request: {
    query: z.object({
      active: z.enum(["true", "false"]).optional().openapi({ description: "Only (in)active ones" }),
    }),
  },
  responses: { 200: json(z.object({ questions: z.array(QuestionSchema) }), "The bank") },
});

const create = apiRoute({
  method: "post",
  path: "/",
  permission: Permission.manageQuestions,
  summary: "Add a question to the bank",
  description:
    "A standard profile field (birthday, gender, city, email, interests, family_status, children, health_consent) must have that field's type; a condition must name a question of the bank. A key the bank holds already is a 409.",
  request: { body: jsonBody(QuestionDefinitionSchema) },
  responses: {
    201: json(z.object({ question: QuestionSchema }), "The new question"),
    409: errorResponse("The key is taken"),
  },
});

const packs = apiRoute({
  method: "get",
  path: "/packs",
  permission: Permission.manageQuestions,
  summary: "List the question packs",
  description: "The packs for kinds of business and the keys of their questions.",
  responses: {
    200: json(
      z.object({
        packs: z.array(
          z.object({ key: z.string(), title: Localized, questions: z.array(z.string()) }),
        ),
      }),
      "The packs",
    ),
  },
});

const applyPackRoute = apiRoute({
  method: "post",
  path: "/packs/{pack}",
  permission: Permission.manageQuestions,
  summary: "Apply a pack",
  description:
    "Adds the pack's questions whose keys the bank lacks (a question there is kept as it is) and records the pack in settings.questions.pack.",
  request: { params: z.object({ pack: z.string().max(40).openapi({ example: "pets" }) }) },
  responses: {
    200: json(
      z.object({
        pack: z.string(),
        added: z.array(QuestionSchema),
        kept: z.array(z.string()).openapi({ description: "Keys the bank had already" }),
      }),
      "What was added",
    ),
    404: errorResponse("No such pack"),
  },
});

const get = apiRoute({
  method: "get",
  path: "/{key}",
  permission: Permission.manageQuestions,
  summary: "One question of the bank",
  request: { params: keyParam },
  responses: {
    200: json(z.object({ question: QuestionSchema }), "The question"),
    404: errorResponse("No question with this key"),
  },
});

const update = apiRoute({
  method: "put",
  path: "/{key}",
  permission: Permission.manageQuestions,
  summary: "Change a question",
  description:
    "Changes the fields given. A change of text, type, options, min, max or condition bumps `version`: an answer to the former wording is refused. A type stays once someone answered.",
  request: { params: keyParam, body: jsonBody(QuestionPatchSchema) },
  responses: {
    200: json(z.object({ question: QuestionSchema }), "The question as changed"),
    404: errorResponse("No question with this key"),
    409: errorResponse("The type of an answered question"),
  },
});

const remove = apiRoute({
  method: "delete",
  path: "/{key}",
  permission: Permission.manageQuestions,
  summary: "Switch a question off",
  description:
    "The question is no longer asked (active: false); its answers and their history stay, and an answer arriving later is refused.",
  request: { params: keyParam },
  responses: {
    200: json(z.object({ question: QuestionSchema }), "The question, switched off"),
    404: errorResponse("No question with this key"),
  },
});

/** /api/questions: the question bank and its packs (manager and owner). */
export function questionRoutes(deps: ApiDeps) {
  // The packs first: "packs" would otherwise be read as a question's key.
  return apiRouter()
    .openapi(packs, async (c) => c.json({ packs: describePacks() }, 200))
    .openapi(applyPackRoute, async (c) => {
      const applied = await choosePack(deps.sql, {
        actor: await apiActor(c, deps),
        pack: c.req.valid("param").pack,
        bank: deps.questions,
        loyalty: deps.loyalty,
      });
      return c.json(
        { pack: applied.pack, added: applied.added.map(presentQuestion), kept: applied.kept },
        200,
      );
    })
    .openapi(list, async (c) => {
      const { active } = c.req.valid("query");
      const questions = await listQuestions(deps.sql, {
        actor: await apiActor(c, deps),
        ...(active === undefined ? {} : { active: active === "true" }),
      });
      return c.json({ questions: questions.map(presentQuestion) }, 200);
    })
    .openapi(create, async (c) => {
      const question = await createQuestion(deps.sql, {
        actor: await apiActor(c, deps),
        definition: c.req.valid("json"),
        bank: deps.questions,
      });
      return c.json({ question: presentQuestion(question) }, 201);
    })
    .openapi(get, async (c) => {
      const question = await getQuestion(deps.sql, {
        actor: await apiActor(c, deps),
        key: c.req.valid("param").key,
      });
      return c.json({ question: presentQuestion(question) }, 200);
    })
    .openapi(update, async (c) => {
      const question = await changeQuestion(deps.sql, {
        actor: await apiActor(c, deps),
        key: c.req.valid("param").key,
        patch: c.req.valid("json"),
        bank: deps.questions,
      });
      return c.json({ question: presentQuestion(question) }, 200);
    })
    .openapi(remove, async (c) => {
      const question = await deactivateQuestion(deps.sql, {
        actor: await apiActor(c, deps),
        key: c.req.valid("param").key,
        bank: deps.questions,
      });
      return c.json({ question: presentQuestion(question) }, 200);
    });
}
