import type { Customer } from "../db/client.ts";
import type { Sql } from "../db/sql.ts";
import { updateCustomer } from "../db/tables/customers.ts";
import { AppError } from "../errors.ts";
import { EventType } from "../events.ts";

/**
 * "Questions from us" in Settings: whether the progressive job and after-purchase ratings may
 * ask this customer anything. Turning it off also closes the question open now, so nothing
 * half-asked waits for an answer. Asking for the state already set (a double tap) changes
 * nothing and records nothing. Returns the customer as saved.
 */
export async function setQuestionsEnabled(
  sql: Sql,
  options: { customer: Customer; enabled: boolean; now?: Date },
): Promise<Customer> {
  const { customer, enabled } = options;
  if (customer.questionsEnabled === enabled) return customer;
  const saved = await updateCustomer(
    sql,
    customer.id,
    enabled ? { questionsEnabled: true } : { questionsEnabled: false, openQuestion: null },
    {
      at: options.now ?? new Date(),
      event: { type: EventType.questionsPreferenceChanged, data: { enabled } },
    },
  );
  if (!saved) throw new AppError("not_found", `Customer ${customer.id} not found`);
  return saved;
}
