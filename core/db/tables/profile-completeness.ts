import type { StandardFieldKey } from "../../questions/standard-fields.ts";
import type { Question } from "../../questions/types.ts";
import type { Sql } from "../sql.ts";
import { jsonParam } from "../sql-values.ts";

/**
 * Profile completeness counted in the database over "Customer" (c), never by loading every
 * customer. Each answer is read as the jsonb value `currentAnswer` (standard-fields.ts) returns
 * in JS, NULL when unanswered; keep the two in step.
 */
const standardAnswers: Record<StandardFieldKey, string> = {
  birthday: `to_jsonb(to_char(c."birthday", 'YYYY-MM-DD'))`,
  gender: `to_jsonb(c."gender"::text)`,
  city: `to_jsonb(c."city")`,
  email: `to_jsonb(c."email")`,
  // An empty list is "not asked yet", as in JS.
  interests: `CASE WHEN cardinality(c."interests") > 0 THEN to_jsonb(c."interests") END`,
  family_status: `to_jsonb(c."familyStatus")`,
  children: `to_jsonb(c."children")`,
  health_consent: `CASE WHEN c."healthConsentAt" IS NOT NULL THEN 'true'::jsonb
    WHEN c."healthConsentDeclinedAt" IS NOT NULL THEN 'false'::jsonb END`,
};

/** Builds expressions whose parameters are appended to one list. */
class Statement {
  readonly params: unknown[] = [];

  param(value: unknown): string {
    this.params.push(value);
    return `$${this.params.length}`;
  }

  /** The customer's answer to `key` as jsonb, NULL when not answered. */
  answer(key: string): string {
    if (Object.hasOwn(standardAnswers, key)) return `(${standardAnswers[key as StandardFieldKey]})`;
    return `NULLIF(c."attributes" -> ${this.param(key)}::text, 'null'::jsonb)`;
  }

  /** The question may be put to the customer: eligibility.ts's `mayBeAsked`, in SQL. */
  applicable(question: Pick<Question, "condition" | "category">): string {
    const parts = ["true"];
    if (question.category === "health")
      parts.push(`${this.answer("health_consent")} = 'true'::jsonb`);
    if (question.condition) {
      // One of the condition's values equals the answer (or, for a list, one of its items).
      const answer = this.answer(question.condition.key);
      parts.push(`EXISTS (SELECT 1 FROM jsonb_array_elements(
        CASE WHEN jsonb_typeof(${answer}) = 'array' THEN ${answer}
             ELSE jsonb_build_array(${answer}) END) AS given(v)
        WHERE ${this.param(jsonParam(question.condition.values))}::jsonb @> jsonb_build_array(given.v))`);
    }
    return `COALESCE(${parts.join(" AND ")}, false)`;
  }
}

export type WeightedQuestion = Pick<Question, "key" | "condition" | "category"> & {
  weight: number;
};

/** Per customer: the weights and numbers of applicable and answered questions. */
function scoreColumns(statement: Statement, questions: readonly WeightedQuestion[]): string {
  if (questions.length === 0)
    return `0 AS "answeredWeight", 0 AS "applicableWeight", 0 AS "answered", 0 AS "applicable"`;
  const rows = questions.map((q) => ({
    applicable: statement.applicable(q),
    answered: `${statement.answer(q.key)} IS NOT NULL`,
    weight: statement.param(q.weight),
  }));
  const sum = (pick: (r: (typeof rows)[number]) => string) => rows.map(pick).join(" + ");
  return `${sum((r) => `CASE WHEN ${r.applicable} AND ${r.answered} THEN ${r.weight}::float8 ELSE 0 END`)} AS "answeredWeight",
    ${sum((r) => `CASE WHEN ${r.applicable} THEN ${r.weight}::float8 ELSE 0 END`)} AS "applicableWeight",
    ${sum((r) => `CASE WHEN ${r.applicable} AND ${r.answered} THEN 1 ELSE 0 END`)} AS "answered",
    ${sum((r) => `CASE WHEN ${r.applicable} THEN 1 ELSE 0 END`)} AS "applicable"`;
}

export type CustomerScore = {
  answeredWeight: number;
  applicableWeight: number;
  answered: number;
  applicable: number;
};

export async function selectCustomerScore(
  sql: Sql,
  customerId: string,
  questions: readonly WeightedQuestion[],
): Promise<CustomerScore | null> {
  const statement = new Statement();
  const columns = scoreColumns(statement, questions);
  const [row] = await sql.query<CustomerScore>(
    `SELECT ${columns} FROM "Customer" c WHERE c."id" = ${statement.param(customerId)}::uuid`,
    statement.params,
  );
  return row ? numbers(row) : null;
}

/**
 * Over the ACTIVE customers: how many there are, the average of their scores (those with at
 * least one applicable question) and, per key, how many answered it.
 */
export async function selectCompletenessSummary(
  sql: Sql,
  questions: readonly WeightedQuestion[],
): Promise<{ customers: number; average: number | null; answered: Record<string, number> }> {
  const statement = new Statement();
  const columns = scoreColumns(statement, questions);
  const perField = questions.map(
    (q, i) => `count(*) FILTER (WHERE ${statement.answer(q.key)} IS NOT NULL)::int AS "f${i}"`,
  );
  const [row] = await sql.query<Record<string, number | null>>(
    `WITH scored AS (
       SELECT c.*, ${columns} FROM "Customer" c WHERE c."status" = 'ACTIVE'
     )
     SELECT count(*)::int AS "customers",
       avg("answeredWeight" / NULLIF("applicableWeight", 0))::float8 AS "average"
       ${perField.map((column) => `, ${column}`).join("")}
     FROM scored c`,
    statement.params,
  );
  const answered: Record<string, number> = {};
  questions.forEach((q, i) => {
    answered[q.key] = Number(row?.[`f${i}`] ?? 0);
  });
  return {
    customers: Number(row?.customers ?? 0),
    average: row?.average == null ? null : Number(row.average),
    answered,
  };
}

function numbers(row: CustomerScore): CustomerScore {
  return {
    answeredWeight: Number(row.answeredWeight),
    applicableWeight: Number(row.applicableWeight),
    answered: Number(row.answered),
    applicable: Number(row.applicable),
  };
}
