import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Prisma } from "../../core/db/client.ts";
import type { Database } from "../../core/db/database.ts";
import { AppError } from "../../core/errors.ts";
import { addDays, localDateOf } from "../../core/scheduling/calendar.ts";
import { countRule, type SegmentDeps } from "../../core/segments/manage-segments.ts";
import { parseRule, parseRuleJson } from "../../core/segments/rule.ts";
import { openTestDatabase, testDbKind } from "../support/database.ts";

const TIME_ZONE = "Europe/Moscow";
const DAY = 86_400_000;
const now = new Date();
const ago = (days: number) => new Date(now.getTime() - days * DAY);
const SQL_LOOKING = `'; DROP TABLE "Customer"; --`;

let db: Database;
let deps: SegmentDeps;
const ids: Record<string, string> = {};

/** Year-2000 date whose month and day are `days` from today on the shop's calendar. */
function birthdayIn(days: number): Date {
  const day = addDays(localDateOf(now, TIME_ZONE), days);
  return new Date(Date.UTC(1990, day.month - 1, day.day));
}

beforeAll(async () => {
  db = await openTestDatabase();
  deps = { db: db.prisma, sql: db.sql, timeZone: TIME_ZONE, now: () => now };
  const soon = birthdayIn(3);
  const later = birthdayIn(40);
  const people: Record<string, Omit<Prisma.CustomerUncheckedCreateInput, "referralCode">> = {
    anna: {
      name: "Анна Петрова",
      phone: "+79991234567",
      email: "anna@example.com",
      city: "Москва",
      gender: "FEMALE",
      birthday: soon,
      birthMonth: soon.getUTCMonth() + 1,
      birthDay: soon.getUTCDate(),
      familyStatus: "married",
      children: 2,
      interests: ["coffee", "books"],
      language: "ru",
      source: "instagram",
      tags: ["vip"],
      attributes: {
        pet: "dog",
        visits: 5,
        likes_treats: true,
        since: "2020-05-01",
        buys: ["food", "toys"],
      },
      marketingConsent: true,
      tier: "gold",
      purchaseCount: 10,
      totalSpentMinor: 1_500_000n,
      firstPurchaseAt: ago(300),
      lastPurchaseAt: ago(2),
      avgPurchaseIntervalDays: 14,
      rfmRecency: 5,
      rfmFrequency: 5,
      rfmMonetary: 5,
      createdAt: ago(400),
      lastSeenAt: ago(1),
    },
    boris: {
      name: "Борис",
      phone: "+79990000002",
      city: "санкт-петербург",
      gender: "MALE",
      birthday: later,
      birthMonth: later.getUTCMonth() + 1,
      birthDay: later.getUTCDate(),
      telegramLanguage: "en",
      source: "vk",
      attributes: { pet: "cat", visits: 2, likes_treats: false, since: "2023-01-10" },
      purchaseCount: 1,
      totalSpentMinor: 50_000n,
      firstPurchaseAt: ago(100),
      lastPurchaseAt: ago(100),
      rfmRecency: 1,
      rfmFrequency: 1,
      rfmMonetary: 2,
      reachable: false,
      createdAt: ago(10),
      lastSeenAt: ago(1),
    },
    carla: {
      status: "ONBOARDING",
      // Imported by hand: a date that does not exist must not break a comparison.
      attributes: { visits: "many", since: "2026-02-30" },
      createdAt: ago(1),
      lastSeenAt: ago(1),
    },
    dmitry: {
      name: "Дмитрий",
      city: SQL_LOOKING,
      gender: "MALE",
      tags: ["wholesale", "vip"],
      interests: ["tea"],
      children: 0,
      createdAt: ago(20),
      lastSeenAt: ago(15),
    },
    erased: { status: "DELETED", createdAt: ago(50), lastSeenAt: ago(50), tier: "silver" },
  };
  let n = 0;
  for (const [key, data] of Object.entries(people)) {
    const row = await db.prisma.customer.create({
      data: { status: "ACTIVE", referralCode: `SEG${++n}`, ...data },
    });
    ids[key] = row.id;
  }
});
afterAll(async () => {
  await db?.close();
});

/** The same question asked by hand: the count the rule must give. */
async function directCount(where: string, params: unknown[] = []): Promise<number> {
  const [row] = await db.sql.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM "Customer" WHERE ${where}`,
    params,
  );
  return row?.n ?? -1;
}

const at = (days: number) => ago(days).toISOString();

/** [rule, equivalent hand-written WHERE, its parameters, how many it must find] */
const cases: Array<[unknown, string, unknown[], number]> = [
  // Profile fields
  [{ field: "name", op: "contains", value: "АНН" }, `lower("name") LIKE '%анн%'`, [], 1],
  [{ field: "name", op: "exists", value: false }, `"name" IS NULL`, [], 2],
  [{ field: "phone", op: "eq", value: "+79991234567" }, `"phone" = '+79991234567'`, [], 1],
  [{ field: "email", op: "startsWith", value: "anna@" }, `"email" LIKE 'anna@%'`, [], 1],
  [{ field: "city", op: "eq", value: "москва" }, `lower("city") = 'москва'`, [], 1],
  [{ field: "city", op: "ne", value: "Москва" }, `"city" IS DISTINCT FROM 'Москва'`, [], 4],
  [
    { field: "city", op: "in", value: ["Москва", "Санкт-Петербург"] },
    `lower("city") IN ('москва', 'санкт-петербург')`,
    [],
    2,
  ],
  [{ field: "gender", op: "eq", value: "MALE" }, `"gender" = 'MALE'`, [], 2],
  [{ field: "gender", op: "notIn", value: ["MALE"] }, `"gender" IS DISTINCT FROM 'MALE'`, [], 3],
  [{ field: "birthday", op: "lt", value: "2000-01-01" }, `"birthday" < '2000-01-01'`, [], 2],
  [{ field: "family_status", op: "eq", value: "married" }, `"familyStatus" = 'married'`, [], 1],
  [{ field: "children", op: "gte", value: 0 }, `"children" >= 0`, [], 2],
  [{ field: "interests", op: "contains", value: "tea" }, `'tea' = ANY("interests")`, [], 1],
  [
    { field: "language", op: "eq", value: "en" },
    `coalesce("language", "telegramLanguage") = 'en'`,
    [],
    1,
  ],
  [
    { field: "source", op: "in", value: ["vk", "instagram"] },
    `"source" IN ('vk', 'instagram')`,
    [],
    2,
  ],
  // Tags
  [{ field: "tags", op: "contains", value: "vip" }, `'vip' = ANY("tags")`, [], 2],
  [
    { field: "tags", op: "containsAll", value: ["vip", "wholesale"] },
    `"tags" @> ARRAY['vip', 'wholesale']`,
    [],
    1,
  ],
  [{ field: "tags", op: "exists", value: false }, `cardinality("tags") = 0`, [], 3],
  // Custom attributes, typed
  [{ field: "attributes.pet", op: "eq", value: "dog" }, `"attributes"->>'pet' = 'dog'`, [], 1],
  [
    { field: "attributes.visits", op: "gt", value: 1 },
    `jsonb_typeof("attributes"->'visits') = 'number' AND ("attributes"->>'visits')::numeric > 1`,
    [],
    2,
  ],
  [
    { field: "attributes.likes_treats", op: "eq", value: true },
    `"attributes"->'likes_treats' = 'true'::jsonb`,
    [],
    1,
  ],
  [
    { field: "attributes.since", op: "lt", value: "2021-01-01" },
    `"attributes"->>'since' < '2021-01-01'`,
    [],
    1,
  ],
  [
    { field: "attributes.since", op: "between", value: ["2023-01-01", "2030-01-01"] },
    `"attributes"->>'since' BETWEEN '2023-01-01' AND '2030-01-01'`,
    [],
    2,
  ],
  [
    { field: "attributes.buys", op: "contains", value: "toys", type: "list" },
    `"attributes"->'buys' @> '["toys"]'::jsonb`,
    [],
    1,
  ],
  [
    { field: "attributes.visits", op: "exists", value: true, type: "text" },
    `jsonb_typeof("attributes"->'visits') = 'string'`,
    [],
    1,
  ],
  // Metrics
  [{ field: "totalSpent", op: "gte", value: 500 }, `"totalSpentMinor" >= 50000`, [], 2],
  [
    { field: "purchaseCount", op: "between", value: [1, 5] },
    `"purchaseCount" BETWEEN 1 AND 5`,
    [],
    1,
  ],
  [
    { field: "averageCheck", op: "gt", value: 1000 },
    `"purchaseCount" > 0 AND "totalSpentMinor" / "purchaseCount" > 100000`,
    [],
    1,
  ],
  [
    { field: "daysSinceLastPurchase", op: "gt", value: 30 },
    `"lastPurchaseAt" < $1::timestamp`,
    [at(31)],
    1,
  ],
  [
    { field: "avgPurchaseIntervalDays", op: "lte", value: 20 },
    `"avgPurchaseIntervalDays" <= 20`,
    [],
    1,
  ],
  [{ field: "rfmRecency", op: "eq", value: 5 }, `"rfmRecency" = 5`, [], 1],
  [{ field: "rfmFrequency", op: "lt", value: 3 }, `"rfmFrequency" < 3`, [], 1],
  [{ field: "rfmMonetary", op: "in", value: [2, 5] }, `"rfmMonetary" IN (2, 5)`, [], 2],
  // Client type, tier, consent, reachability, status
  [{ field: "clientType", op: "eq", value: "buyer" }, `"purchaseCount" > 0`, [], 2],
  [
    { field: "clientType", op: "eq", value: "no_purchase" },
    `"purchaseCount" = 0 AND "lastSeenAt" - coalesce("onboardedAt", "createdAt") >= interval '1 day'`,
    [],
    1,
  ],
  [
    { field: "clientType", op: "eq", value: "new" },
    `"purchaseCount" = 0 AND "lastSeenAt" - coalesce("onboardedAt", "createdAt") < interval '1 day'`,
    [],
    2,
  ],
  [{ field: "tier", op: "ne", value: "base" }, `"tier" <> 'base'`, [], 2],
  [{ field: "marketingConsent", op: "eq", value: true }, `"marketingConsent"`, [], 1],
  [{ field: "reachable", op: "eq", value: false }, `NOT "reachable"`, [], 1],
  [
    { field: "status", op: "in", value: ["ONBOARDING", "DELETED"] },
    `"status" IN ('ONBOARDING', 'DELETED')`,
    [],
    2,
  ],
  // Dates relative to today
  [{ field: "birthday", op: "inNextDays", value: 7 }, `"id" = $1::uuid`, ["anna"], 1],
  [{ field: "birthday", op: "inNextDays", value: 60 }, `"birthday" IS NOT NULL`, [], 2],
  [{ field: "joinedAt", op: "inLastDays", value: 30 }, `"createdAt" >= $1::timestamp`, [at(30)], 3],
  [
    { field: "lastPurchaseAt", op: "inLastDays", value: 7 },
    `"lastPurchaseAt" >= $1::timestamp`,
    [at(7)],
    1,
  ],
  [
    { field: "lastPurchaseAt", op: "notInLastDays", value: 7 },
    `NOT coalesce("lastPurchaseAt" >= $1::timestamp, false)`,
    [at(7)],
    4,
  ],
  // Groups
  [
    {
      all: [
        { field: "status", op: "eq", value: "ACTIVE" },
        {
          any: [
            { field: "tags", op: "contains", value: "vip" },
            { field: "reachable", op: "eq", value: false },
          ],
        },
      ],
    },
    `"status" = 'ACTIVE' AND ('vip' = ANY("tags") OR NOT "reachable")`,
    [],
    3,
  ],
  [
    { not: { field: "gender", op: "eq", value: "MALE" } },
    `"gender" IS DISTINCT FROM 'MALE'`,
    [],
    3,
  ],
  [{ all: [] }, "TRUE", [], 5],
  // SQL-looking strings are values, compared and nothing more
  [{ field: "city", op: "eq", value: SQL_LOOKING }, `"city" = $1`, [SQL_LOOKING], 1],
  [{ field: "city", op: "contains", value: "' OR '1'='1" }, "FALSE", [], 0],
  [{ field: "name", op: "contains", value: "%" }, "FALSE", [], 0],
];

describe(`segment rules on ${testDbKind}`, () => {
  it.each(cases.map((c, i) => [i, JSON.stringify(c[0]), c] as const))(
    "case %i: %s counts what SQL counts",
    async (_i, _label, [rule, where, params, expected]) => {
      const resolved = params.map((p) => (typeof p === "string" && p in ids ? ids[p] : p));
      const direct = await directCount(where, resolved);
      expect(direct).toBe(expected);
      expect(await countRule(deps, parseRule(rule))).toBe(direct);
    },
  );

  it("keeps every table after SQL-looking values", async () => {
    await countRule(deps, parseRule({ field: "tags", op: "containsAny", value: [SQL_LOOKING] }));
    await countRule(deps, parseRule({ field: "attributes.pet", op: "in", value: [SQL_LOOKING] }));
    expect(await directCount("TRUE")).toBe(5);
  });

  it("refuses an attribute key that is not a plain name, naming the field", () => {
    expect(() =>
      parseRule({ field: `attributes.x'); DROP TABLE "Customer"; --`, op: "exists", value: true }),
    ).toThrow(/rule\.field/);
  });

  it("answers a rule 50 levels deep and one with 10,000 conditions precisely", () => {
    let deep: unknown = { field: "city", op: "eq", value: "Москва" };
    for (let i = 0; i < 50; i++) deep = { all: [deep] };
    expect(() => parseRule(deep)).toThrow("rule too deep: 50 levels, at most 5");
    const wide = {
      any: Array.from({ length: 10_000 }, (_, i) => ({ field: "children", op: "eq", value: i })),
    };
    expect(() => parseRule(wide)).toThrow("rule too large: 10000 conditions, at most 100");
    // 100,000 levels of "not" do not overflow the stack either.
    let deeper: unknown = { field: "city", op: "exists", value: true };
    for (let i = 0; i < 100_000; i++) deeper = { not: deeper };
    expect(() => parseRule(deeper)).toThrow("rule too deep: 100000 levels, at most 5");
  });

  it("names each bad part of a rule by its path", () => {
    const issues = (rule: unknown) => {
      try {
        parseRule(rule);
      } catch (error) {
        expect(error).toBeInstanceOf(AppError);
        const details = (error as AppError).details as { issues: Array<{ field: string }> };
        return details.issues.map((issue) => issue.field);
      }
      throw new Error("accepted");
    };
    expect(
      issues({
        all: [
          { field: "shoe_size", op: "eq", value: 1 },
          { field: "city", op: "gt", value: "A" },
          { any: [{ field: "children", op: "eq", value: "two" }] },
          { field: "birthday", op: "inNextDays", value: 1000 },
          { field: "city", op: "eq", value: "x", extra: 1 },
          { field: "tier", type: "number", op: "eq", value: "x" },
          42,
          { all: [], any: [] },
        ],
      }),
    ).toEqual([
      "rule.all.0.field",
      "rule.all.1.op",
      "rule.all.2.any.0.value",
      "rule.all.3.value",
      "rule.all.4",
      "rule.all.5.type",
      "rule.all.6",
      "rule.all.7",
    ]);
    expect(issues({ any: [] })).toEqual(["rule.any"]);
    expect(issues({ field: "gender", op: "eq", value: "UNKNOWN" })).toEqual(["rule.value"]);
    expect(() => parseRuleJson("{not json")).toThrow(/must be a JSON rule/);
  });
});
