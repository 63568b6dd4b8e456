import { updateCustomerWithEvent } from "../customers/update-with-event.ts";
import type { Gender, Prisma, PrismaClient } from "../db/client.ts";
import { EventType } from "../events.ts";

export type ProfileChange =
  | { field: "name"; value: string }
  | { field: "birthday"; value: Date }
  | { field: "gender"; value: Gender }
  | { field: "city"; value: string }
  | { field: "email"; value: string }
  | { field: "language"; value: "ru" | "en" };

/**
 * Saves one profile field the customer gave (onboarding, a progressive question, or an edit).
 * The timeline records which field changed, not its value: the value is in the profile.
 */
export async function updateProfile(
  db: PrismaClient,
  options: { customerId: string; change: ProfileChange },
): Promise<void> {
  const { change } = options;
  const data: Prisma.CustomerUpdateInput =
    change.field === "birthday"
      ? {
          birthday: change.value,
          birthMonth: change.value.getUTCMonth() + 1,
          birthDay: change.value.getUTCDate(),
        }
      : { [change.field]: change.value };
  await updateCustomerWithEvent(
    db,
    options.customerId,
    data,
    change.field === "language"
      ? { type: EventType.languageChanged, data: { language: change.value } }
      : { type: EventType.profileEdited, data: { field: change.field } },
  );
}
