import type { Database } from "../../core/db/database.ts";
import type { SimulatedUser } from "../../emulator/index.ts";

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
