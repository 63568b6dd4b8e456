import { generateReferralCode } from "../customers/referral-code.ts";
import type { Prisma, PrismaClient } from "../db/client.ts";
import { AppError } from "../errors.ts";
import { EventType, recordEvent } from "../events.ts";
import { erasedIdentity } from "./erased-identity.ts";

/**
 * Erases a customer's personal data at their request. What stays is anonymous and needed for
 * accounting: the points ledger and purchase amounts (append-only, tied to a record with no
 * identity), the closed card number, and one "data.deleted" event.
 * The Telegram id goes too, so a later /start is a stranger starting afresh.
 */
export async function deleteCustomerData(
  db: PrismaClient,
  options: {
    customerId: string;
    now?: Date;
    /** Written in the erasure's transaction (the owner's act, for the audit log). */
    alsoInTransaction?: (tx: Prisma.TransactionClient) => Promise<void>;
  },
): Promise<{ telegramId: string | null }> {
  const now = options.now ?? new Date();
  // Loaded here, not with the module: start-up loads no Prisma (the bot's hot path has none).
  const { Prisma } = await import("../db/client.ts");
  return db.$transaction(async (tx) => {
    const customer = await tx.customer.findUnique({ where: { id: options.customerId } });
    if (!customer) throw new AppError("not_found", "Customer not found");
    await tx.surveyAnswer.deleteMany({ where: { customerId: customer.id } });
    await tx.surveyRun.deleteMany({ where: { customerId: customer.id } });
    // A rating's comment is the customer's own words; the visit it rated stays as a purchase.
    await tx.feedback.deleteMany({ where: { customerId: customer.id } });
    await tx.outboxMessage.deleteMany({ where: { customerId: customer.id } });
    await tx.customerEvent.deleteMany({ where: { customerId: customer.id } });
    await tx.customer.updateMany({
      where: { referrerId: customer.id },
      data: { referrerId: null },
    });
    await tx.loyaltyCard.updateMany({
      where: { customerId: customer.id },
      data: { status: "CLOSED" },
    });
    // Codes not used yet die with the card: nobody can redeem them for a deleted customer.
    await tx.rewardRedemption.updateMany({
      where: { customerId: customer.id, status: "ISSUED" },
      data: { status: "EXPIRED" },
    });
    await tx.purchase.updateMany({
      where: { customerId: customer.id },
      data: { note: null, items: [] },
    });
    await tx.customer.update({
      where: { id: customer.id },
      data: {
        ...erasedIdentity(now),
        // Prisma writes SQL NULL into a JSON column only when told so.
        openQuestion: Prisma.DbNull,
        source: null,
        // The old code may be printed on a friend's screenshot; it must not lead here any more.
        referralCode: `DEL${generateReferralCode(12)}`,
      },
    });
    await recordEvent(tx, customer.id, EventType.dataDeleted, {});
    await options.alsoInTransaction?.(tx);
    return { telegramId: customer.telegramId?.toString() ?? null };
  });
}
