import type { Customer, Gender } from "../db/client.ts";
import type { Sql } from "../db/sql.ts";
import { type CustomerPatch, updateCustomer } from "../db/tables/customers.ts";
import { AppError } from "../errors.ts";
import { EventType } from "../events.ts";
import { emitProfileUpdated } from "../webhooks/emit.ts";

export type ProfileChange =
  | { field: "name"; value: string }
  | { field: "birthday"; value: Date }
  | { field: "gender"; value: Gender }
  | { field: "city"; value: string }
  | { field: "email"; value: string }
  | { field: "language"; value: "ru" | "en" };

function patchFor(change: ProfileChange): CustomerPatch {
  if (change.field === "birthday") {
    return {
      birthday: change.value,
      birthMonth: change.value.getUTCMonth() + 1,
      birthDay: change.value.getUTCDate(),
    };
  }
  return { [change.field]: change.value };
}

/**
 * Saves one profile field the customer gave (onboarding, a progressive question, or an edit).
 * The timeline records which field changed, not its value: the value is in the profile.
 * Returns the customer as saved.
 */
export async function updateProfile(
  sql: Sql,
  options: { customerId: string; change: ProfileChange; now?: Date },
): Promise<Customer> {
  const { change } = options;
  const now = options.now ?? new Date();
  const customer = await updateCustomer(sql, options.customerId, patchFor(change), {
    at: now,
    event:
      change.field === "language"
        ? { type: EventType.languageChanged, data: { language: change.value } }
        : { type: EventType.profileEdited, data: { field: change.field } },
  });
  if (!customer) throw new AppError("not_found", `Customer ${options.customerId} not found`);
  await emitProfileUpdated(sql, {
    customerId: customer.id,
    fields: [change.field],
    source: "profile",
    now,
  });
  return customer;
}
