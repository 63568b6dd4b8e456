import type { Customer, PrismaClient } from "../db/client.ts";
import { isUniqueViolation } from "../errors.ts";
import { EventType, recordEvent } from "../events.ts";
import { parseStartPayload } from "./deep-link.ts";
import { generateReferralCode } from "./referral-code.ts";
import type { TelegramIdentity } from "./telegram-identity.ts";
import { touchLastSeen } from "./touch-last-seen.ts";

export type RegisterBotStartOptions = {
  identity: TelegramIdentity;
  /** The text after `/start`, if any. */
  payload?: string | undefined;
};

/**
 * "new": first contact, record just created.
 * "onboarding": known, but onboarding was never finished.
 * "returning": onboarded earlier (has a card).
 * "declined": refused consent earlier; "deleted": asked to delete their data.
 */
export type VisitorKind = "new" | "onboarding" | "returning" | "declined" | "deleted";

export type RegisterBotStartResult = { customer: Customer; kind: VisitorKind };

/**
 * Records that a Telegram user pressed Start. Creates the customer on first contact with the
 * acquisition source from the deep link (first touch wins: a returning customer's source is
 * never overwritten), and recognises everyone else instead of creating a duplicate.
 *
 * Before consent only what is needed to talk to the person is stored: the Telegram id, the
 * language and where they came from. Names arrive with consent (see onboarding).
 */
export async function registerBotStart(
  db: PrismaClient,
  { identity, payload }: RegisterBotStartOptions,
): Promise<RegisterBotStartResult> {
  const parsed = parseStartPayload(payload);
  const telegramId = BigInt(identity.telegramId);

  const existing = await db.customer.findUnique({ where: { telegramId } });
  if (existing) return recordReturn(db, existing, parsed.kind === "source" ? parsed.source : null);

  const referrer =
    parsed.kind === "referral"
      ? await db.customer.findUnique({
          where: { referralCode: parsed.code },
          select: { id: true, status: true },
        })
      : null;

  try {
    const customer = await db.$transaction(async (tx) => {
      const created = await tx.customer.create({
        data: {
          telegramId,
          telegramLanguage: identity.languageCode ?? null,
          source:
            parsed.kind === "source"
              ? parsed.source
              : parsed.kind === "referral"
                ? "referral"
                : null,
          referrerId: referrer?.status === "ACTIVE" ? referrer.id : null,
          referralCode: generateReferralCode(),
        },
      });
      await recordEvent(tx, created.id, EventType.botStarted, {
        firstVisit: true,
        source: created.source,
        ...(parsed.kind === "referral"
          ? { referralCode: parsed.code, referrerFound: Boolean(referrer) }
          : {}),
      });
      return created;
    });
    return { customer, kind: "new" };
  } catch (error) {
    // Two /start updates from one person handled at once: the other one created the record.
    if (!isUniqueViolation(error)) throw error;
    const winner = await db.customer.findUniqueOrThrow({ where: { telegramId } });
    return { customer: winner, kind: kindOf(winner) };
  }
}

async function recordReturn(
  db: PrismaClient,
  customer: Customer,
  source: string | null,
): Promise<RegisterBotStartResult> {
  await recordEvent(db, customer.id, EventType.botStarted, {
    firstVisit: false,
    ...(source ? { source } : {}),
  });
  // Same hourly policy as every other update (the bot has usually just touched it already).
  customer.lastSeenAt = await touchLastSeen(db, customer);
  return { customer, kind: kindOf(customer) };
}

function kindOf(customer: Customer): VisitorKind {
  switch (customer.status) {
    case "ACTIVE":
      return "returning";
    case "DECLINED":
      return "declined";
    case "DELETED":
      return "deleted";
    default:
      return "onboarding";
  }
}
