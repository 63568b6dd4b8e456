import { AuditAction, recordAudit } from "../access/audit.ts";
import { type Actor, Permission, requirePermission } from "../access/permissions.ts";
import type { Customer, Gender } from "../db/client.ts";
import type { Sql } from "../db/sql.ts";
import { lockCustomer } from "../db/tables/customer-edit.ts";
import { type CustomerPatch, updateCustomer } from "../db/tables/customers.ts";
import { AppError } from "../errors.ts";
import { EventType } from "../events.ts";
import { isTimeZone } from "../profile/time-zone.ts";
import { parseBirthday, parseCity, parseEmail, parseName } from "../profile/validation.ts";
import { type AnswerContext, isValidValue, parseTypedAnswer } from "../questions/answer-value.ts";
import { isStandardField } from "../questions/standard-fields.ts";
import type { AnswerValue, Question } from "../questions/types.ts";
import { emitProfileUpdated } from "../webhooks/emit.ts";

export type CustomerEdit = {
  name?: string | null;
  email?: string | null;
  city?: string | null;
  /** YYYY-MM-DD, or null to clear. */
  birthday?: string | null;
  gender?: Gender | null;
  language?: "ru" | "en" | null;
  familyStatus?: string | null;
  children?: number | null;
  /** The customer's IANA zone ("Asia/Yekaterinburg"), or null for the business's. */
  timeZone?: string | null;
  /** The whole list of tags (replaces the old one). */
  tags?: string[];
  /** Custom attributes by question key: a value sets one, null removes it; others stay. */
  attributes?: Record<string, unknown>;
};

const invalid = (field: string, message: string) =>
  new AppError("invalid_input", message, { field, issues: [{ field, message }] });

/**
 * Staff correcting a customer's profile from the admin API: each field checked as the bot
 * checks the customer's own answers, custom attributes against their question in the bank.
 * One transaction: the change, a timeline event naming the fields, the audit row and the
 * profile.updated webhook. Returns the customer as saved.
 */
export async function editCustomer(
  sql: Sql,
  options: {
    actor: Actor;
    customerId: string;
    edit: CustomerEdit;
    questions: readonly Question[];
    /** For phone answers typed without a country code. */
    phoneRegion: string;
    now?: Date;
  },
): Promise<Customer> {
  requirePermission(options.actor, Permission.editCustomers);
  const now = options.now ?? new Date();
  const patch = fieldPatch(options.edit, options.questions, now);
  const attributes = options.edit.attributes
    ? attributeChanges(options.edit.attributes, options.questions, {
        now,
        phoneDefaultRegion: options.phoneRegion,
      })
    : null;
  const fields = [
    ...Object.keys(options.edit).filter((key) => key !== "attributes"),
    ...Object.keys(attributes ?? {}).map((key) => `attributes.${key}`),
  ];
  if (fields.length === 0) throw invalid("", "Name at least one field to change");

  return sql.transaction(async (tx) => {
    const current = await lockCustomer(tx, options.customerId);
    if (!current || current.status === "DELETED") {
      throw new AppError("not_found", "Customer not found");
    }
    if (attributes) {
      const merged = { ...(current.attributes as Record<string, unknown>) };
      for (const [key, value] of Object.entries(attributes)) {
        if (value === null) delete merged[key];
        else merged[key] = value;
      }
      patch.attributes = merged as CustomerPatch["attributes"];
    }
    const customer = await updateCustomer(tx, current.id, patch, {
      at: now,
      event: { type: EventType.profileEdited, data: { fields, by: "staff" } },
    });
    if (!customer) throw new AppError("not_found", "Customer not found");
    await recordAudit(tx, {
      actor: options.actor,
      action: AuditAction.customerEdited,
      customerId: customer.id,
      data: { fields },
      now,
    });
    await emitProfileUpdated(tx, { customerId: customer.id, fields, source: "staff", now });
    return customer;
  });
}

function fieldPatch(edit: CustomerEdit, questions: readonly Question[], now: Date): CustomerPatch {
  const patch: CustomerPatch = {};
  const text = <T>(
    field: string,
    value: string | null | undefined,
    parse: (input: string) => { ok: true; value: T } | { ok: false; reason: string },
  ): T | null | undefined => {
    if (value === undefined || value === null) return value;
    const parsed = parse(value);
    if (!parsed.ok) throw invalid(field, `Not a valid ${field} (${parsed.reason})`);
    return parsed.value;
  };
  const name = text("name", edit.name, parseName);
  if (name !== undefined) patch.name = name;
  const email = text("email", edit.email, parseEmail);
  if (email !== undefined) patch.email = email;
  const city = text("city", edit.city, parseCity);
  if (city !== undefined) patch.city = city;
  const birthday = text("birthday", edit.birthday, (input) => parseBirthday(input, now));
  if (birthday !== undefined) {
    patch.birthday = birthday;
    patch.birthMonth = birthday ? birthday.getUTCMonth() + 1 : null;
    patch.birthDay = birthday ? birthday.getUTCDate() : null;
  }
  if (edit.timeZone !== undefined) {
    if (edit.timeZone !== null && !isTimeZone(edit.timeZone))
      throw invalid(
        "timeZone",
        `Not a time zone: "${edit.timeZone}" (an IANA name, e.g. Europe/Moscow)`,
      );
    patch.timeZone = edit.timeZone;
  }
  if (edit.gender !== undefined) patch.gender = edit.gender;
  if (edit.language !== undefined) patch.language = edit.language;
  if (edit.children !== undefined) patch.children = edit.children;
  if (edit.familyStatus !== undefined) {
    const question = questions.find((q) => q.key === "family_status");
    if (edit.familyStatus !== null && question && !isValidValue(question, edit.familyStatus)) {
      throw invalid(
        "familyStatus",
        `Must be one of: ${question.options.map((o) => o.value).join(", ")}`,
      );
    }
    patch.familyStatus = edit.familyStatus;
  }
  if (edit.tags !== undefined) {
    patch.tags = [...new Set(edit.tags.map((tag) => tag.trim()).filter(Boolean))];
  }
  return patch;
}

/** Each attribute checked against its question; typed text parsed as the bot parses it. */
function attributeChanges(
  given: Record<string, unknown>,
  questions: readonly Question[],
  context: AnswerContext,
): Record<string, AnswerValue | null> {
  const changes: Record<string, AnswerValue | null> = {};
  for (const [key, value] of Object.entries(given)) {
    const field = `attributes.${key}`;
    const question = questions.find((q) => q.key === key);
    if (!question || isStandardField(key)) {
      throw invalid(field, "No custom question with this key in the question bank");
    }
    if (value === null) {
      changes[key] = null;
      continue;
    }
    if (
      typeof value === "string" &&
      !["single_choice", "multiple_choice"].includes(question.type)
    ) {
      const parsed = parseTypedAnswer(question, value, context);
      if (!parsed.ok) throw invalid(field, `Not a valid answer (${parsed.reason})`);
      changes[key] = parsed.value;
    } else if (isValidValue(question, value)) {
      changes[key] = value;
    } else {
      throw invalid(field, `Not a valid answer to a ${question.type} question`);
    }
  }
  return changes;
}
