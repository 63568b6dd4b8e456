import { z } from "zod";
import { AppError } from "../errors.ts";
import {
  ATTRIBUTE_KEY_PATTERN,
  ATTRIBUTE_PREFIX,
  type AttributeType,
  AttributeTypes,
  attributeField,
  type FieldDefinition,
  type Op,
  opsOf,
  segmentFields,
} from "./fields.ts";

/**
 * The segment rule language: a tree of groups (`{"all": [...]}` = AND, `{"any": [...]}` = OR,
 * `{"not": rule}`) over conditions `{"field", "op", "value"}` (fields.ts). The tree is measured
 * before anything else reads it, so a rule 50 levels deep or with 10,000 conditions gets one
 * precise answer instead of a stack overflow or a query the database chokes on.
 */

export const RULE_MAX_DEPTH = 5;
export const RULE_MAX_CONDITIONS = 100;
/** Items of one `in` list, and of containsAny/containsAll. */
export const RULE_MAX_LIST = 500;

export type Condition = {
  field: string;
  op: Op;
  value?: unknown;
  /** For `attributes.<key>`: how to read the attribute (else guessed from the value). */
  type?: AttributeType;
};
export type Rule = { all: Rule[] } | { any: Rule[] } | { not: Rule } | Condition;

export type RuleIssue = { field: string; message: string };

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value);

/** Groups' children, for measuring; anything malformed is left to the schema. */
function childrenOf(node: unknown): unknown[] | null {
  if (!isObject(node)) return null;
  if (Array.isArray(node.all)) return node.all;
  if (Array.isArray(node.any)) return node.any;
  if ("not" in node) return [node.not];
  return null;
}

/** Nesting of groups (a lone condition is 0) and the number of conditions, without recursion. */
export function measureRule(input: unknown): { depth: number; conditions: number } {
  let depth = 0;
  let conditions = 0;
  const stack: Array<[unknown, number]> = [[input, 0]];
  while (stack.length > 0) {
    const [node, level] = stack.pop() as [unknown, number];
    const children = childrenOf(node);
    if (children === null) {
      conditions++;
      continue;
    }
    depth = Math.max(depth, level + 1);
    for (const child of children) stack.push([child, level + 1]);
  }
  return { depth, conditions };
}

const dateValue = z.iso.date("must be a date, YYYY-MM-DD");
const textValue = z.string().min(1).max(500);
const numberValue = z.number().min(-1e12).max(1e12);
const days = (max: number) =>
  z.number().int("must be a whole number of days").min(0).max(max, `at most ${max} days`);

function scalarOf(field: FieldDefinition): z.ZodType {
  switch (field.type) {
    case "text":
    case "list":
      return textValue;
    case "number":
      return numberValue;
    case "date":
      return dateValue;
    case "boolean":
      return z.boolean();
    case "enum":
      return z.enum(field.values as [string, ...string[]]);
  }
}

function valueSchema(field: FieldDefinition, op: Op): z.ZodType {
  const scalar = scalarOf(field);
  const list = z.array(scalar).min(1).max(RULE_MAX_LIST);
  switch (op) {
    case "in":
    case "notIn":
    case "containsAny":
    case "containsAll":
      return list;
    case "between":
      return z.tuple([scalar, scalar]);
    case "exists":
      return z.boolean("must be true (has a value) or false (has none)");
    case "contains":
    case "startsWith":
      return textValue;
    case "inLastDays":
    case "notInLastDays":
      return days(36_500);
    case "inNextDays":
      return days(366);
    default:
      return scalar;
  }
}

const ConditionShape = z.strictObject({
  field: z.string().min(1).max(100),
  op: z.string().min(1).max(30),
  value: z.unknown().optional(),
  type: z.enum(AttributeTypes).optional(),
});

const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;

/** How an attribute is read when the rule does not say. */
function guessAttributeType(op: string, value: unknown): AttributeType {
  if (op === "containsAny" || op === "containsAll") return "list";
  const sample = Array.isArray(value) ? value[0] : value;
  if (typeof sample === "number") return "number";
  if (typeof sample === "boolean") return "boolean";
  if (typeof sample === "string" && ISO_DATE.test(sample) && op !== "contains") return "date";
  return "text";
}

/** The field a condition names, or why it names none. */
export function resolveField(
  name: string,
  type: AttributeType | undefined,
  op: string,
  value: unknown,
): FieldDefinition | string {
  if (name.startsWith(ATTRIBUTE_PREFIX)) {
    const key = name.slice(ATTRIBUTE_PREFIX.length);
    if (!ATTRIBUTE_KEY_PATTERN.test(key)) return "an attribute key is 1–64 letters, digits, _ or -";
    return attributeField(key, type ?? guessAttributeType(op, value));
  }
  if (type !== undefined) return "`type` applies only to attributes.<key>";
  if (Object.hasOwn(segmentFields, name))
    return segmentFields[name as keyof typeof segmentFields] as FieldDefinition;
  return `unknown field "${name}": see GET /api/segments/fields`;
}

function addIssues(issues: RuleIssue[], path: string, error: z.ZodError) {
  for (const issue of error.issues)
    issues.push({ field: [path, ...issue.path].join("."), message: issue.message });
}

function parseCondition(
  raw: Record<string, unknown>,
  path: string,
  issues: RuleIssue[],
): Condition | undefined {
  const shape = ConditionShape.safeParse(raw);
  if (!shape.success) {
    addIssues(issues, path, shape.error);
    return undefined;
  }
  const { field: name, op, value, type } = shape.data;
  const field = resolveField(name, type, op, value);
  if (typeof field === "string") {
    issues.push({
      field: `${path}.${type !== undefined && !name.startsWith(ATTRIBUTE_PREFIX) ? "type" : "field"}`,
      message: field,
    });
    return;
  }
  const ops = opsOf(field);
  if (!(ops as readonly string[]).includes(op)) {
    issues.push({
      field: `${path}.op`,
      message: `"${op}" does not apply to ${name} (${field.type}); use one of ${ops.join(", ")}`,
    });
    return;
  }
  const checked = valueSchema(field, op as Op).safeParse(value);
  if (!checked.success) {
    addIssues(issues, `${path}.value`, checked.error);
    return undefined;
  }
  const condition: Condition = { field: name, op: op as Op, value: checked.data };
  if (type !== undefined) condition.type = type;
  return condition;
}

const groupMessage =
  'must be a group {"all": [...]}, {"any": [...]} or {"not": rule}, or a condition {"field", "op", "value"}';

function parseNode(raw: unknown, path: string, issues: RuleIssue[]): Rule | undefined {
  if (!isObject(raw)) {
    issues.push({ field: path, message: groupMessage });
    return undefined;
  }
  const keys = Object.keys(raw);
  const groupKey = keys.find((key) => key === "all" || key === "any" || key === "not");
  if (!groupKey) return parseCondition(raw, path, issues);
  if (keys.length > 1) {
    issues.push({
      field: path,
      message: `a group has only "${groupKey}", found ${keys.join(", ")}`,
    });
    return undefined;
  }
  if (groupKey === "not") {
    const inner = parseNode(raw.not, `${path}.not`, issues);
    return inner && { not: inner };
  }
  const items = raw[groupKey];
  if (!Array.isArray(items)) {
    issues.push({ field: `${path}.${groupKey}`, message: "must be an array of rules" });
    return undefined;
  }
  if (groupKey === "any" && items.length === 0) {
    issues.push({ field: `${path}.any`, message: "needs at least one rule" });
    return undefined;
  }
  const parsed = items.map((item, i) => parseNode(item, `${path}.${groupKey}.${i}`, issues));
  if (parsed.some((item) => item === undefined)) return undefined;
  return groupKey === "all" ? { all: parsed as Rule[] } : { any: parsed as Rule[] };
}

/**
 * Checks a rule as the API received it; throws invalid_input naming each bad part by its path
 * (`rule.all.2.op`). `path` is where the rule sits in the request.
 */
export function parseRule(input: unknown, path = "rule"): Rule {
  const { depth, conditions } = measureRule(input);
  const limit = (message: string): never => {
    throw new AppError("invalid_input", message, { issues: [{ field: path, message }] });
  };
  if (depth > RULE_MAX_DEPTH) limit(`rule too deep: ${depth} levels, at most ${RULE_MAX_DEPTH}`);
  if (conditions > RULE_MAX_CONDITIONS)
    limit(`rule too large: ${conditions} conditions, at most ${RULE_MAX_CONDITIONS}`);
  const issues: RuleIssue[] = [];
  const rule = parseNode(input, path, issues);
  if (!rule || issues.length > 0) {
    throw new AppError("invalid_input", `Invalid rule: ${issues[0]?.field} ${issues[0]?.message}`, {
      issues,
    });
  }
  return rule;
}

/** A rule from a query string parameter: JSON, then the same checks. */
export function parseRuleJson(text: string, path = "rule"): Rule {
  let input: unknown;
  try {
    input = JSON.parse(text);
  } catch {
    const message = "must be a JSON rule";
    throw new AppError("invalid_input", `Invalid ${path}: ${message}`, {
      issues: [{ field: path, message }],
    });
  }
  return parseRule(input, path);
}

/** Matches every customer. */
export const EVERYONE: Rule = { all: [] };
