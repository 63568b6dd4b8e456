import { z } from "@hono/zod-openapi";
import { Permission } from "../../core/access/permissions.ts";
import { revenueBySource } from "../../core/analytics/acquisition.ts";
import { purchaseFrequency } from "../../core/analytics/frequency.ts";
import { buyersOverTime } from "../../core/analytics/over-time.ts";
import { reportRange } from "../../core/analytics/period.ts";
import { ratingsOverTime } from "../../core/analytics/ratings.ts";
import { customersByTier } from "../../core/analytics/tiers.ts";
import { selectQuestions } from "../../core/db/tables/questions.ts";
import { profileCompleteness } from "../../core/questions/completeness.ts";
import { isoDate, localDateOf, startOfLocalDay } from "../../core/scheduling/calendar.ts";
import type { ApiDeps } from "../context.ts";
import { apiRoute, apiRouter, json } from "../openapi.ts";

const CompletenessSchema = z
  .object({
    customers: z.number().int().openapi({ description: "ACTIVE customers" }),
    average: z.number().nullable().openapi({
      description:
        "The average customer score (0–1): the priority-weighted share of the active questions that apply to the customer (condition holds; health questions after the health consent) and are answered",
      example: 0.42,
    }),
    fields: z.array(
      z.object({
        key: z.string(),
        answered: z.number().int().openapi({ description: "ACTIVE customers who answered it" }),
        share: z.number().openapi({ description: "answered / customers, 0–1", example: 0.35 }),
      }),
    ),
  })
  .openapi("ProfileCompleteness");

const completeness = apiRoute({
  method: "get",
  path: "/profile-completeness",
  permission: Permission.viewFeedback,
  summary: "How complete customer profiles are",
  description:
    "Over the ACTIVE customers: their average completeness score and, per active question of the bank, how many answered it.",
  responses: { 200: json(CompletenessSchema, "The figures") },
});

const Money = z
  .string()
  .openapi({ description: "Minor units (kopecks, cents)", example: "125000" });
const day = z.iso.date("must be a date, YYYY-MM-DD");
const PeriodParam = z.enum(["week", "month"]).default("month").openapi({
  description: "Calendar weeks (from Monday) or months, in the business's time zone",
});
const rangeQuery = z
  .object({
    period: PeriodParam,
    from: day.optional().openapi({ description: "First day; default 12 periods before `to`" }),
    to: day.optional().openapi({ description: "Last day, included; default today" }),
  })
  .refine((q) => !q.from || !q.to || q.from <= q.to, {
    message: "must not be after `to`",
    path: ["from"],
  });

const SourcesSchema = z
  .object({
    sources: z.array(
      z.object({
        source: z.string().nullable().openapi({ description: "Deep-link code; null = none" }),
        customers: z.number().int(),
        buyers: z.number().int().openapi({ description: "Customers with a purchase" }),
        purchases: z.number().int(),
        revenueMinor: Money,
        averageCheckMinor: Money,
        revenuePerCustomerMinor: Money,
        revenuePerBuyerMinor: Money,
        conversion: z.number().openapi({ description: "buyers / customers, 0–1" }),
      }),
    ),
  })
  .openapi("AnalyticsSources");

const TiersSchema = z
  .object({
    tiers: z.array(
      z.object({
        tier: z.string(),
        customers: z.number().int(),
        purchases: z.number().int(),
        spentMinor: Money,
        averageSpentMinor: Money,
      }),
    ),
  })
  .openapi("AnalyticsTiers");

const OverTimeSchema = z
  .object({
    period: z.enum(["week", "month"]),
    from: z.string(),
    to: z.string(),
    periods: z.array(
      z.object({
        period: z.string().openapi({ description: "First day of the week or month" }),
        newBuyers: z.number().int().openapi({ description: "First purchase ever in the period" }),
        returningBuyers: z.number().int().openapi({ description: "Bought before, and again" }),
        joined: z.number().int().openapi({ description: "Customers who joined" }),
        purchases: z.number().int(),
        revenueMinor: Money,
      }),
    ),
  })
  .openapi("AnalyticsCustomersOverTime");

const FrequencySchema = z
  .object({
    buyers: z.number().int(),
    purchasesPerCustomer: z.array(z.object({ label: z.string(), customers: z.number().int() })),
    daysBetweenPurchases: z.array(z.object({ label: z.string(), gaps: z.number().int() })),
    medianDaysBetween: z.number().nullable(),
  })
  .openapi("AnalyticsPurchaseFrequency");

const RatingsSchema = z
  .object({
    period: z.enum(["week", "month"]),
    from: z.string(),
    to: z.string(),
    periods: z.array(
      z.object({
        period: z.string(),
        rating: z.object({ responses: z.number().int(), average: z.number().nullable() }),
        nps: z.object({
          responses: z.number().int(),
          promoters: z.number().int(),
          passives: z.number().int(),
          detractors: z.number().int(),
          score: z.number().nullable().openapi({ description: "% 9–10 minus % 0–6, −100…100" }),
          average: z.number().nullable(),
        }),
      }),
    ),
  })
  .openapi("AnalyticsRatings");

const sources = apiRoute({
  method: "get",
  path: "/sources",
  permission: Permission.viewFeedback,
  summary: "Customers and revenue by acquisition source",
  description:
    "Which sources (the `src_` deep-link codes) bring the most valuable customers: customers, buyers, purchases, revenue net of refunds, average check and revenue per customer, best first. `from`/`to` limit the purchases counted.",
  request: {
    query: z
      .object({ from: day.optional(), to: day.optional() })
      .refine((q) => !q.from || !q.to || q.from <= q.to, {
        message: "must not be after `to`",
        path: ["from"],
      }),
  },
  responses: { 200: json(SourcesSchema, "The figures per source") },
});

const tiers = apiRoute({
  method: "get",
  path: "/tiers",
  permission: Permission.viewFeedback,
  summary: "Customers and spend per tier",
  responses: { 200: json(TiersSchema, "The figures per tier") },
});

const overTime = apiRoute({
  method: "get",
  path: "/customers-over-time",
  permission: Permission.viewFeedback,
  summary: "New and returning buyers over time",
  description:
    "Per week or month: customers whose first purchase fell in it, those who came back, customers who joined, purchases and revenue.",
  request: { query: rangeQuery },
  responses: { 200: json(OverTimeSchema, "The periods, oldest first") },
});

const frequency = apiRoute({
  method: "get",
  path: "/purchase-frequency",
  permission: Permission.viewFeedback,
  summary: "How often customers buy",
  description:
    "Histograms of purchases per customer and of days between a customer's consecutive purchases.",
  responses: { 200: json(FrequencySchema, "The histograms") },
});

const ratings = apiRoute({
  method: "get",
  path: "/ratings",
  permission: Permission.viewFeedback,
  summary: "Ratings and NPS over time",
  description:
    "Per week or month, from the visits customers rated: the average on the 1–5 scale, and on the 0–10 scale promoters, passives, detractors and NPS.",
  request: { query: rangeQuery },
  responses: { 200: json(RatingsSchema, "The periods, oldest first") },
});

/** The business's date, for report ranges ending "today". */
const today = (timeZone: string) => isoDate(localDateOf(new Date(), timeZone));

/** A day in the business's zone as the UTC instant it starts at (timestamps are stored in UTC). */
function startOfDay(date: string, timeZone: string, nextDay = false): Date {
  const [year, month, dayOfMonth] = date.split("-").map(Number) as [number, number, number];
  return startOfLocalDay({ year, month, day: dayOfMonth + (nextDay ? 1 : 0) }, timeZone);
}

/** /api/analytics (viewer, manager and owner): figures computed in SQL, nothing personal. */
export function analyticsRoutes(deps: ApiDeps) {
  // The bank read afresh (not the bot's cached copy): an owner sees a change at once.
  const { timeZone } = deps.config;
  return apiRouter()
    .openapi(completeness, async (c) =>
      c.json(await profileCompleteness(deps.sql, await selectQuestions(deps.sql)), 200),
    )
    .openapi(sources, async (c) => {
      const { from, to } = c.req.valid("query");
      const figures = await revenueBySource(deps.sql, {
        ...(from ? { from: startOfDay(from, timeZone) } : {}),
        ...(to ? { to: startOfDay(to, timeZone, true) } : {}),
      });
      return c.json({ sources: figures }, 200);
    })
    .openapi(tiers, async (c) => c.json({ tiers: await customersByTier(deps.sql) }, 200))
    .openapi(overTime, async (c) => {
      const { period, ...given } = c.req.valid("query");
      const range = reportRange(period, given, today(timeZone));
      const periods = await buyersOverTime(deps.sql, { period, range, timeZone });
      return c.json({ period, ...range, periods }, 200);
    })
    .openapi(frequency, async (c) => c.json(await purchaseFrequency(deps.sql), 200))
    .openapi(ratings, async (c) => {
      const { period, ...given } = c.req.valid("query");
      const range = reportRange(period, given, today(timeZone));
      const periods = await ratingsOverTime(deps.sql, { period, range, timeZone });
      return c.json({ period, ...range, periods }, 200);
    });
}
