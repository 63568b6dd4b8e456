import { ClientTypes } from "../customers/client-type.ts";
import { Fragment } from "../db/sql-fragment.ts";

/**
 * What a segment rule can ask about: the one table the rule schema (rule.ts), the SQL compiler
 * (compile.ts) and the API's field list read. Every SQL expression here is a constant over the
 * customer row aliased `c`; nothing from a request ever becomes SQL text, only parameters.
 */

export type FieldType = "text" | "number" | "date" | "boolean" | "enum" | "list";

/** What an expression may depend on besides the row: the clock and the business's time zone. */
export type CompileContext = { now: Date; timeZone: string };

type Expression = Fragment | ((context: CompileContext) => Fragment);

export type FieldDefinition = {
  type: FieldType;
  description: string;
  /** The value compared. Dates are calendar days in the business's time zone. */
  sql: Expression;
  /** Dates kept as instants: compared as such by inLastDays / notInLastDays. */
  instant?: Fragment;
  /** The allowed values of an enum field. */
  values?: readonly string[];
  /** A JSON array (a custom attribute) rather than a text[] column. */
  json?: true;
  /** A date kept as "YYYY-MM-DD" text, compared as text (the same order, and no cast to fail). */
  isoText?: true;
  /** A birthday: matches `inNextDays` by month and day, whatever the year. */
  birthday?: true;
};

const raw = Fragment.raw;

/** A timestamp column as a calendar day on the shop's wall clock. */
const localDay =
  (column: string): Expression =>
  ({ timeZone }) =>
    Fragment.sql`((${raw(column)} AT TIME ZONE 'UTC') AT TIME ZONE ${timeZone}::text)::date`;

const daysSince =
  (column: string): Expression =>
  ({ now }) =>
    Fragment.sql`floor(extract(epoch FROM (${now.toISOString()}::timestamp - ${raw(column)})) / 86400)`;

/** Money columns are kept in minor units; rules speak in the currency's units (roubles). */
const major = (column: string) => raw(`(${column} / 100.0)`);

export const segmentFields = {
  // Profile
  name: { type: "text", description: "Name", sql: raw(`c."name"`) },
  phone: { type: "text", description: "Phone, E.164 (+79991234567)", sql: raw(`c."phone"`) },
  email: { type: "text", description: "E-mail", sql: raw(`c."email"`) },
  city: { type: "text", description: "City", sql: raw(`c."city"`) },
  gender: {
    type: "enum",
    description: "Gender",
    sql: raw(`c."gender"::text`),
    values: ["FEMALE", "MALE", "OTHER"],
  },
  birthday: {
    type: "date",
    description: "Birthday; `inNextDays` matches the coming birthdays",
    sql: raw(`c."birthday"`),
    birthday: true,
  },
  family_status: { type: "text", description: "Family status", sql: raw(`c."familyStatus"`) },
  children: { type: "number", description: "Number of children", sql: raw(`c."children"`) },
  interests: { type: "list", description: "Interests", sql: raw(`c."interests"`) },
  language: {
    type: "text",
    description: "Language the bot speaks with them (chosen, else Telegram's)",
    sql: raw(`coalesce(c."language", c."telegramLanguage")`),
  },
  source: {
    type: "text",
    description: "Acquisition source (deep-link code)",
    sql: raw(`c."source"`),
  },
  tags: { type: "list", description: "Tags", sql: raw(`c."tags"`) },
  // State and consents
  status: {
    type: "enum",
    description: "Customer status",
    sql: raw(`c."status"::text`),
    values: ["ONBOARDING", "ACTIVE", "DECLINED", "DELETED"],
  },
  marketingConsent: {
    type: "boolean",
    description: "Agreed to receive offers",
    sql: raw(`c."marketingConsent"`),
  },
  reachable: {
    type: "boolean",
    description: "The bot can write to them (not blocked)",
    sql: raw(`c."reachable"`),
  },
  tier: {
    type: "text",
    description: "Loyalty tier key (base, silver, gold…)",
    sql: raw(`c."tier"`),
  },
  clientType: {
    type: "enum",
    description:
      "new, no_purchase (came back, bought nothing) or buyer (core/customers/client-type.ts)",
    sql: raw(
      `(CASE WHEN c."purchaseCount" > 0 THEN 'buyer' WHEN c."lastSeenAt" - coalesce(c."onboardedAt", c."createdAt") >= interval '24 hours' THEN 'no_purchase' ELSE 'new' END)`,
    ),
    values: ClientTypes,
  },
  // Dates
  joinedAt: {
    type: "date",
    description: "When they first came (started the bot or were added)",
    sql: localDay(`c."createdAt"`),
    instant: raw(`c."createdAt"`),
  },
  firstPurchaseAt: {
    type: "date",
    description: "First purchase",
    sql: localDay(`c."firstPurchaseAt"`),
    instant: raw(`c."firstPurchaseAt"`),
  },
  lastPurchaseAt: {
    type: "date",
    description: "Last purchase",
    sql: localDay(`c."lastPurchaseAt"`),
    instant: raw(`c."lastPurchaseAt"`),
  },
  lastSeenAt: {
    type: "date",
    description: "Last time they wrote to the bot",
    sql: localDay(`c."lastSeenAt"`),
    instant: raw(`c."lastSeenAt"`),
  },
  // Behaviour
  totalSpent: {
    type: "number",
    description: "Total spent, in currency units (1500.50), refunds deducted",
    sql: major(`c."totalSpentMinor"`),
  },
  purchaseCount: { type: "number", description: "Purchases", sql: raw(`c."purchaseCount"`) },
  averageCheck: {
    type: "number",
    description: "Average check, in currency units; none without purchases",
    sql: raw(
      `(CASE WHEN c."purchaseCount" > 0 THEN c."totalSpentMinor" / 100.0 / c."purchaseCount" END)`,
    ),
  },
  daysSinceLastPurchase: {
    type: "number",
    description: "Whole days since the last purchase; none without purchases",
    sql: daysSince(`c."lastPurchaseAt"`),
  },
  avgPurchaseIntervalDays: {
    type: "number",
    description: "Their own cadence: average days between purchases",
    sql: raw(`c."avgPurchaseIntervalDays"`),
  },
  rfmRecency: { type: "number", description: "RFM recency score, 1–5", sql: raw(`c."rfmRecency"`) },
  rfmFrequency: {
    type: "number",
    description: "RFM frequency score, 1–5",
    sql: raw(`c."rfmFrequency"`),
  },
  rfmMonetary: {
    type: "number",
    description: "RFM monetary score, 1–5",
    sql: raw(`c."rfmMonetary"`),
  },
} as const satisfies Record<string, FieldDefinition>;

export type SegmentFieldName = keyof typeof segmentFields;

/** `attributes.<key>`: a custom attribute (a question of the bank that is not a standard field). */
export const ATTRIBUTE_PREFIX = "attributes.";
export const ATTRIBUTE_KEY_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;
export const AttributeTypes = ["text", "number", "date", "boolean", "list"] as const;
export type AttributeType = (typeof AttributeTypes)[number];

/** A custom attribute read as `type`; a value of another JSON type reads as none. */
export function attributeField(key: string, type: AttributeType): FieldDefinition {
  const value = Fragment.sql`(c."attributes" -> ${key}::text)`;
  const text = Fragment.sql`(c."attributes" ->> ${key}::text)`;
  const when = (jsonType: string, then: Fragment) =>
    Fragment.sql`(CASE WHEN jsonb_typeof(${value}) = ${raw(`'${jsonType}'`)} THEN ${then} END)`;
  const expressions: Record<AttributeType, Fragment> = {
    text: when("string", text),
    number: when("number", Fragment.sql`${text}::numeric`),
    boolean: when("boolean", Fragment.sql`${text}::boolean`),
    // Dates are answered as "YYYY-MM-DD" (core/questions/types.ts); an imported "2026-02-30"
    // would fail a cast to date, so they stay text, whose order is the dates' order.
    date: Fragment.sql`(CASE WHEN jsonb_typeof(${value}) = 'string' AND ${text} ~ '^[0-9]{4}-[0-9]{2}-[0-9]{2}$' THEN ${text} END)`,
    list: when("array", value),
  };
  return {
    type,
    description: `Custom attribute ${key}`,
    sql: expressions[type],
    ...(type === "list" ? { json: true as const } : {}),
    ...(type === "date" ? { isoText: true as const } : {}),
  };
}

/** Which ops each type of field takes. */
export const opsByType = {
  text: ["eq", "ne", "in", "notIn", "contains", "startsWith", "exists"],
  number: ["eq", "ne", "gt", "gte", "lt", "lte", "between", "in", "notIn", "exists"],
  date: ["eq", "ne", "gt", "gte", "lt", "lte", "between", "exists", "inLastDays", "notInLastDays"],
  boolean: ["eq", "ne", "exists"],
  enum: ["eq", "ne", "in", "notIn", "exists"],
  list: ["contains", "containsAny", "containsAll", "exists"],
} as const satisfies Record<FieldType, readonly string[]>;

export type Op = (typeof opsByType)[FieldType][number] | "inNextDays";

/** The ops a field takes (birthdays also take inNextDays; attributes' dates lack inLastDays). */
export function opsOf(field: FieldDefinition): readonly Op[] {
  const ops: readonly Op[] = opsByType[field.type];
  if (field.birthday) return [...ops.filter((op) => !op.endsWith("LastDays")), "inNextDays"];
  if (field.type === "date" && !field.instant) return ops.filter((op) => !op.endsWith("LastDays"));
  return ops;
}

export function expressionOf(field: FieldDefinition, context: CompileContext): Fragment {
  return typeof field.sql === "function" ? field.sql(context) : field.sql;
}

/** The field list as the API documents it. */
export function describeFields() {
  return Object.entries(segmentFields as Record<string, FieldDefinition>).map(([name, field]) => ({
    field: name,
    type: field.type,
    description: field.description,
    ops: [...opsOf(field)],
    ...(field.values ? { values: [...field.values] } : {}),
  }));
}
