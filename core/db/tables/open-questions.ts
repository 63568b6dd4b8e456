import type { Customer } from "../client.ts";
import type { Sql } from "../sql.ts";

/**
 * The customer's open question read again inside the answer's transaction, locked, together
 * with the state of the bank question it names: the row the update loaded may be older than a
 * question the progressive job just put in its place, and the bank cached in the process may
 * not know yet that the owner changed or removed the question.
 */
export type LockedOpenQuestion = {
  customer: Customer;
  /** null: the question is no longer in the bank. */
  question: { active: boolean; version: number } | null;
};

export async function lockOpenQuestion(
  tx: Sql,
  options: { customerId: string; questionId: string | null },
): Promise<LockedOpenQuestion | null> {
  const [row] = await tx.query<
    Customer & { "q.active": boolean | null; "q.version": number | null }
  >(
    `SELECT c.*, q."active" AS "q.active", q."version" AS "q.version"
     FROM "Customer" c LEFT JOIN "Question" q ON q."id" = $2::uuid
     WHERE c."id" = $1::uuid
     FOR UPDATE OF c`,
    [options.customerId, options.questionId],
  );
  if (!row) return null;
  const { "q.active": active, "q.version": version, ...customer } = row;
  return {
    customer: customer as Customer,
    question: active === null || version === null ? null : { active, version },
  };
}
