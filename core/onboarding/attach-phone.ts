import type { PrismaClient } from "../db/client.ts";
import { EventType, recordEvent } from "../events.ts";

export type AttachPhoneResult =
  /** Saved on this customer. */
  | { kind: "saved"; customerId: string }
  /** The number belonged to a record without Telegram (import, staff entry): merged into it. */
  | { kind: "merged"; customerId: string }
  /** Typed numbers cannot claim an existing record: the contact button must prove ownership. */
  | { kind: "needs_verification" }
  /** Another Telegram account already owns this number. */
  | { kind: "taken" }
  /**
   * The customer already has a card and the number is on a separate record without Telegram:
   * two histories that staff must combine by hand, not something a chat button should decide.
   */
  | { kind: "needs_staff" };

/**
 * Attaches a phone (E.164) to the customer behind a Telegram account. When the same number is
 * already on file from an import or a staff entry, and the number is verified (shared with
 * Telegram's contact button, which proves the account owns it), the two records become one:
 * the older record keeps its history, card and purchases and gains the Telegram identity.
 */
export async function attachPhone(
  db: PrismaClient,
  options: { customerId: string; phone: string; verified: boolean },
): Promise<AttachPhoneResult> {
  const { customerId, phone, verified } = options;
  return db.$transaction(async (tx) => {
    const owner = await tx.customer.findUnique({ where: { phone } });
    if (!owner || owner.id === customerId) {
      await tx.customer.update({
        where: { id: customerId },
        data: { phone, phoneVerified: verified || (owner?.phoneVerified ?? false) },
      });
      if (verified) await recordEvent(tx, customerId, EventType.phoneVerified, {});
      return { kind: "saved", customerId };
    }
    if (owner.telegramId !== null) return { kind: "taken" };
    if (!verified) return { kind: "needs_verification" };

    const current = await tx.customer.findUniqueOrThrow({
      where: { id: customerId },
      include: { card: { select: { id: true } } },
    });
    if (current.card) return { kind: "needs_staff" };
    // The Telegram id is unique: release it from the fresh record before the old one takes it.
    await tx.customer.update({ where: { id: current.id }, data: { telegramId: null } });
    await tx.customerEvent.updateMany({
      where: { customerId: current.id },
      data: { customerId: owner.id },
    });
    await tx.customer.update({
      where: { id: owner.id },
      data: {
        telegramId: current.telegramId,
        telegramUsername: current.telegramUsername,
        telegramFirstName: current.telegramFirstName,
        telegramLastName: current.telegramLastName,
        telegramLanguage: current.telegramLanguage,
        reachable: true,
        phoneVerified: true,
        name: owner.name ?? current.name,
        dataConsentAt: current.dataConsentAt,
        dataConsentVersion: current.dataConsentVersion,
        marketingConsent: current.marketingConsentAt
          ? current.marketingConsent
          : owner.marketingConsent,
        marketingConsentAt: current.marketingConsentAt ?? owner.marketingConsentAt,
        marketingConsentVersion: current.marketingConsentVersion ?? owner.marketingConsentVersion,
        source: owner.source ?? current.source,
        // Never let a merge make someone their own referrer.
        referrerId:
          [owner.referrerId, current.referrerId].find((id) => id && id !== owner.id) ?? null,
        status: owner.status === "ACTIVE" ? "ACTIVE" : "ONBOARDING",
        lastSeenAt: new Date(),
      },
    });
    await tx.customer.delete({ where: { id: current.id } });
    await recordEvent(tx, owner.id, EventType.customerMerged, { mergedCustomerId: current.id });
    await recordEvent(tx, owner.id, EventType.phoneVerified, {});
    return { kind: "merged", customerId: owner.id };
  });
}
