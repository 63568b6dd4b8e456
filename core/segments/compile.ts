import { Fragment } from "../db/sql-fragment.ts";
import { addDays, isLeapYear, localDateOf } from "../scheduling/calendar.ts";
import { type CompileContext, expressionOf, type FieldDefinition } from "./fields.ts";
import { type Condition, type Rule, resolveField } from "./rule.ts";

/**
 * A checked rule (rule.ts) as a WHERE condition over `"Customer" c`. Column expressions come
 * from the field table; every value from the rule is a bound parameter, so a value such as
 * `'; DROP TABLE "Customer"; --` is only ever compared, never run.
 *
 * Each condition is two-valued (coalesce(..., false)): a customer without a city is simply not
 * "in Moscow", and `not` then reads the way people mean it.
 */
export function compileRule(rule: Rule, context: CompileContext): Fragment {
  if ("all" in rule) {
    if (rule.all.length === 0) return Fragment.sql`TRUE`;
    return Fragment.sql`(${Fragment.join(
      rule.all.map((r) => compileRule(r, context)),
      " AND ",
    )})`;
  }
  if ("any" in rule)
    return Fragment.sql`(${Fragment.join(
      rule.any.map((r) => compileRule(r, context)),
      " OR ",
    )})`;
  if ("not" in rule) return Fragment.sql`(NOT ${compileRule(rule.not, context)})`;
  return Fragment.sql`coalesce(${compileCondition(rule, context)}, false)`;
}

/** The SQL type a field's values are cast to, so parameters never depend on inference. */
function castOf(field: FieldDefinition): Fragment {
  if (field.isoText) return Fragment.raw("text");
  switch (field.type) {
    case "number":
      return Fragment.raw("numeric");
    case "date":
      return Fragment.raw("date");
    case "boolean":
      return Fragment.raw("boolean");
    default:
      return Fragment.raw("text");
  }
}

function compileCondition(condition: Condition, context: CompileContext): Fragment {
  const field = resolveField(condition.field, condition.type, condition.op, condition.value);
  // parseRule has resolved it already; a string here means the rule skipped it.
  if (typeof field === "string") throw new Error(`Unchecked segment rule: ${field}`);
  const column = expressionOf(field, context);
  const cast = castOf(field);
  const value = condition.value;
  // Text is compared without regard to case: "москва" finds "Москва".
  const text = field.type === "text";
  const left = text ? Fragment.sql`lower(${column})` : column;
  const param = (v: unknown) =>
    text ? Fragment.sql`lower(${v}::text)` : Fragment.sql`${v}::${cast}`;
  const list = (v: unknown) => {
    const items = v as unknown[];
    return text
      ? Fragment.sql`${items.map((item) => String(item).toLowerCase())}::text[]`
      : Fragment.sql`${items}::${cast}[]`;
  };

  if (field.type === "list") return compileListCondition(field, column, condition);

  switch (condition.op) {
    case "eq":
      return Fragment.sql`${left} = ${param(value)}`;
    case "ne":
      return Fragment.sql`${left} IS DISTINCT FROM ${param(value)}`;
    case "gt":
      return Fragment.sql`${left} > ${param(value)}`;
    case "gte":
      return Fragment.sql`${left} >= ${param(value)}`;
    case "lt":
      return Fragment.sql`${left} < ${param(value)}`;
    case "lte":
      return Fragment.sql`${left} <= ${param(value)}`;
    case "between": {
      const [from, to] = value as [unknown, unknown];
      return Fragment.sql`${left} BETWEEN ${param(from)} AND ${param(to)}`;
    }
    case "in":
      return Fragment.sql`${left} = ANY(${list(value)})`;
    case "notIn":
      return Fragment.sql`NOT coalesce(${left} = ANY(${list(value)}), false)`;
    case "contains":
      return Fragment.sql`strpos(${left}, ${param(value)}) > 0`;
    case "startsWith":
      return Fragment.sql`starts_with(${left}, ${param(value)})`;
    case "exists":
      return value ? Fragment.sql`${column} IS NOT NULL` : Fragment.sql`${column} IS NULL`;
    case "inLastDays":
    case "notInLastDays": {
      const since = new Date(context.now.getTime() - (value as number) * 86_400_000);
      const within = Fragment.sql`${field.instant as Fragment} >= ${since.toISOString()}::timestamp`;
      return condition.op === "inLastDays" ? within : Fragment.sql`NOT coalesce(${within}, false)`;
    }
    case "inNextDays":
      return Fragment.sql`(c."birthMonth" * 100 + c."birthDay") = ANY(${comingBirthdays(value as number, context)}::int[])`;
    default:
      throw new Error(`Unchecked segment op: ${condition.op}`);
  }
}

function compileListCondition(
  field: FieldDefinition,
  column: Fragment,
  condition: Condition,
): Fragment {
  const value = condition.value;
  // Custom attributes hold lists as JSON arrays; standard ones are text[] columns.
  const json = field.json === true;
  switch (condition.op) {
    case "contains":
      return json
        ? Fragment.sql`${column} @> jsonb_build_array(${value}::text)`
        : Fragment.sql`${value}::text = ANY(${column})`;
    case "containsAny":
      return json
        ? Fragment.sql`EXISTS (SELECT 1 FROM jsonb_array_elements_text(${column}) AS item WHERE item = ANY(${value}::text[]))`
        : Fragment.sql`${column} && ${value}::text[]`;
    case "containsAll":
      return json
        ? Fragment.sql`${column} @> to_jsonb(${value}::text[])`
        : Fragment.sql`${column} @> ${value}::text[]`;
    case "exists": {
      const length = json
        ? Fragment.sql`jsonb_array_length(${column})`
        : Fragment.sql`cardinality(${column})`;
      const nonEmpty = Fragment.sql`coalesce(${length} > 0, false)`;
      return value ? nonEmpty : Fragment.sql`NOT ${nonEmpty}`;
    }
    default:
      throw new Error(`Unchecked segment op: ${condition.op}`);
  }
}

/**
 * Month×100+day of today and the next `days` days on the shop's calendar. A 29 February
 * birthday is celebrated on 1 March in other years, so it is due when 1 March is.
 */
export function comingBirthdays(days: number, context: CompileContext): number[] {
  const today = localDateOf(context.now, context.timeZone);
  const keys = new Set<number>();
  for (let i = 0; i <= days; i++) {
    const date = addDays(today, i);
    keys.add(date.month * 100 + date.day);
    if (date.month === 3 && date.day === 1 && !isLeapYear(date.year)) keys.add(229);
  }
  return [...keys];
}
