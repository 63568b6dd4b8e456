import type { Database } from "../../core/db/database.ts";
import type { BotMessage, SimulatedUser, UserProfile } from "../../emulator/index.ts";

/** What the customer sees in each bot message: its text, or a photo's caption. */
export function texts(user: SimulatedUser): string[] {
  return user.messages().map((m) => m.text ?? m.caption ?? "");
}

export function lastText(user: SimulatedUser): string {
  const last = user.lastMessage();
  return last?.text ?? last?.caption ?? "";
}

/** The customer behind a simulated Telegram user, with card, ledger and timeline. */
export function customerOf(db: Database, user: SimulatedUser) {
  return db.prisma.customer.findUnique({
    where: { telegramId: BigInt(user.id) },
    include: { card: true, ledger: true, events: { orderBy: { id: "asc" } } },
  });
}

type Harness = { db: Database; user(profile: UserProfile): SimulatedUser };

/**
 * A customer who went through onboarding the quickest way (consent, offers, Telegram name,
 * shared phone, no optional question): what most tests start from.
 */
export async function onboardedUser(
  h: Harness,
  profile: {
    id: number;
    first_name?: string;
    language_code?: string;
    phone_number?: string;
    username?: string;
  },
): Promise<{ user: SimulatedUser; customerId: string }> {
  const language_code = profile.language_code ?? "ru";
  const user = h.user({
    first_name: "Ольга",
    phone_number: `+7998${String(profile.id).padStart(7, "0")}`,
    ...profile,
    language_code,
  });
  await user.sendCommand("/start");
  await user.pressButton({ data: "consent:yes" });
  await user.pressButton({ data: "marketing:yes" });
  await user.pressButton({ data: "name:keep" });
  await user.pressReplyButton(
    language_code === "en" ? "📱 Share my phone number" : "📱 Поделиться номером",
  );
  // The optional questions (ONBOARDING_QUESTIONS from the bank), skipped while one is asked.
  for (let i = 0; i < 2; i++) {
    const skip = inlineButtons(user.lastMessage()).some(
      (b) => "callback_data" in b && b.callback_data === "step:skip",
    );
    if (!skip) break;
    await user.pressButton({ data: "step:skip" });
  }
  const customer = await customerOf(h.db, user);
  if (customer?.status !== "ACTIVE") throw new Error(`user ${profile.id} was not onboarded`);
  return { user, customerId: customer.id };
}

/** The inline buttons under a bot message (none for a reply keyboard or no keyboard). */
export function inlineButtons(message: BotMessage | undefined) {
  const markup = message?.reply_markup;
  return markup && "inline_keyboard" in markup ? markup.inline_keyboard.flat() : [];
}
