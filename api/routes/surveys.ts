import { z } from "@hono/zod-openapi";
import { Permission } from "../../core/access/permissions.ts";
import type { SurveyRow } from "../../core/db/tables/surveys.ts";
import {
  createSurvey,
  getSurvey,
  listSurveys,
  removeSurvey,
  replaceSurvey,
  SurveyDefinitionSchema,
  SurveyReplacementSchema,
  surveyResults,
} from "../../core/surveys/manage-surveys.ts";
import { apiActor } from "../auth.ts";
import type { ApiDeps } from "../context.ts";
import { apiRoute, apiRouter, errorResponse, json, jsonBody } from "../openapi.ts";

const Localized = z.object({ ru: z.string(), en: z.string().optional() });

const SurveySchema = z
  .object({
    id: z.uuid(),
    slug: z.string().openapi({ example: "about_your_pet" }),
    title: Localized,
    eventType: z.string().nullable(),
    active: z.boolean(),
    questions: z.array(z.string()).openapi({ description: "The keys of its questions, in order" }),
    link: z.string().openapi({ example: "https://t.me/aurora_bot?start=survey_about_your_pet" }),
    createdAt: z.iso.datetime(),
    updatedAt: z.iso.datetime(),
  })
  .openapi("Survey");

const ResultsSchema = z
  .object({
    survey: SurveySchema,
    started: z.number().int(),
    finished: z.number().int(),
    questions: z.array(
      z.object({
        key: z.string(),
        type: z.string(),
        text: Localized,
        answers: z.number().int(),
        counts: z.array(
          z.object({
            value: z.union([z.string(), z.number(), z.boolean()]),
            label: Localized.nullable(),
            count: z.number().int(),
          }),
        ),
        average: z.number().nullable(),
        nps: z.number().nullable(),
      }),
    ),
  })
  .openapi("SurveyResults");

const slugParam = z.object({
  slug: z.string().max(64).openapi({ example: "about_your_pet" }),
});

function presentSurvey(survey: SurveyRow, botUsername: string): z.infer<typeof SurveySchema> {
  return {
    id: survey.id,
    slug: survey.slug,
    title: survey.title,
    eventType: survey.eventType,
    active: survey.active,
    questions: survey.questions,
    link: `https://t.me/${botUsername}?start=survey_${survey.slug}`,
    createdAt: survey.createdAt.toISOString(),
    updatedAt: survey.updatedAt.toISOString(),
  };
}

const one = json(z.object({ survey: SurveySchema }), "The survey");
const notFound = errorResponse("No survey with this slug");

const list = apiRoute({
  method: "get",
  path: "/",
  permission: Permission.manageQuestions,
  summary: "List surveys",
  description: "Newest first, each with its question keys and its deep link.",
  responses: { 200: json(z.object({ surveys: z.array(SurveySchema) }), "The surveys") },
});

const create = apiRoute({
  method: "post",
  path: "/",
  permission: Permission.manageQuestions,
  summary: "Create a survey",
  description:
    'Each question is `{"key"}` (a question of the bank) or a whole definition, which adds it to the bank or reuses the bank\'s question with that key when its type is the same (another type: 409). `eventType` must be a key of settings.eventBonuses; finishing credits it once. Customers open it with `/start survey_<slug>`.',
  request: { body: jsonBody(SurveyDefinitionSchema) },
  responses: {
    201: one,
    409: errorResponse("The slug is taken, or a question key exists with another type"),
  },
});

const get = apiRoute({
  method: "get",
  path: "/{slug}",
  permission: Permission.manageQuestions,
  summary: "One survey",
  request: { params: slugParam },
  responses: { 200: one, 404: notFound },
});

const replace = apiRoute({
  method: "put",
  path: "/{slug}",
  permission: Permission.manageQuestions,
  summary: "Replace a survey",
  description:
    "Replaces the title, questions, event and `active`; runs already started continue with the new questions. The slug cannot change.",
  request: {
    params: slugParam,
    body: jsonBody(SurveyReplacementSchema),
  },
  responses: { 200: one, 404: notFound, 409: errorResponse("A key exists with another type") },
});

const remove = apiRoute({
  method: "delete",
  path: "/{slug}",
  permission: Permission.manageQuestions,
  summary: "Delete a survey",
  description:
    "The survey and the customers' runs go; their answers stay in the profiles and in the answer log (without the survey).",
  request: { params: slugParam },
  responses: { 200: json(z.object({ deleted: z.literal(true) }), "Deleted"), 404: notFound },
});

const results = apiRoute({
  method: "get",
  path: "/{slug}/results",
  permission: Permission.viewFeedback,
  summary: "A survey's results",
  description:
    "Per question, over each customer's latest answer given in this survey: how many answered, counts per option (choices, yes/no, each score of a rating or NPS), the average of numbers and scores, and NPS (% of 9–10 minus % of 0–6). `started` and `finished` count the customers' runs.",
  request: { params: slugParam },
  responses: { 200: json(ResultsSchema, "The results"), 404: notFound },
});

/** /api/surveys: the owner's surveys and their results (manager and owner). */
export function surveyRoutes(deps: ApiDeps) {
  const eventTypes = async () => Object.keys((await deps.loyalty.get()).eventBonuses);
  return apiRouter()
    .openapi(list, async (c) => {
      const surveys = await listSurveys(deps.sql, { actor: await apiActor(c, deps) });
      return c.json({ surveys: surveys.map((s) => presentSurvey(s, deps.botUsername)) }, 200);
    })
    .openapi(create, async (c) => {
      const survey = await createSurvey(deps.sql, {
        actor: await apiActor(c, deps),
        survey: c.req.valid("json"),
        eventTypes: await eventTypes(),
        bank: deps.questions,
      });
      return c.json({ survey: presentSurvey(survey, deps.botUsername) }, 201);
    })
    .openapi(get, async (c) => {
      const survey = await getSurvey(deps.sql, {
        actor: await apiActor(c, deps),
        slug: c.req.valid("param").slug,
      });
      return c.json({ survey: presentSurvey(survey, deps.botUsername) }, 200);
    })
    .openapi(replace, async (c) => {
      const survey = await replaceSurvey(deps.sql, {
        actor: await apiActor(c, deps),
        slug: c.req.valid("param").slug,
        survey: c.req.valid("json"),
        eventTypes: await eventTypes(),
        bank: deps.questions,
      });
      return c.json({ survey: presentSurvey(survey, deps.botUsername) }, 200);
    })
    .openapi(remove, async (c) => {
      await removeSurvey(deps.sql, {
        actor: await apiActor(c, deps),
        slug: c.req.valid("param").slug,
      });
      return c.json({ deleted: true as const }, 200);
    })
    .openapi(results, async (c) => {
      const found = await surveyResults(deps.sql, {
        actor: await apiActor(c, deps),
        slug: c.req.valid("param").slug,
      });
      return c.json({ ...found, survey: presentSurvey(found.survey, deps.botUsername) }, 200);
    });
}
