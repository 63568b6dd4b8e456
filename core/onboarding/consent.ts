import type { TelegramIdentity } from "../customers/telegram-identity.ts";
import type { PrismaClient } from "../db/client.ts";
import { EventType, recordEvent } from "../events.ts";

/**
 * Consent to personal-data processing. Only after it do we keep the person's Telegram name and
 * username; the consent text version and time are stored as evidence.
 */
export async function giveDataConsent(
  db: PrismaClient,
  options: { customerId: string; version: string; identity: TelegramIdentity; now?: Date },
): Promise<void> {
  const now = options.now ?? new Date();
  await db.$transaction(async (tx) => {
    await tx.customer.update({
      where: { id: options.customerId },
      data: {
        status: "ONBOARDING",
        dataConsentAt: now,
        dataConsentVersion: options.version,
        dataConsentDeclinedAt: null,
        telegramFirstName: options.identity.firstName,
        telegramLastName: options.identity.lastName ?? null,
        telegramUsername: options.identity.username ?? null,
      },
    });
    await recordEvent(tx, options.customerId, EventType.consentGiven, { version: options.version });
  });
}

/**
 * Declining keeps only what is needed to respect the answer: the Telegram id (so the bot knows
 * not to ask again unprompted) and when they declined. Everything else is wiped.
 */
export async function declineDataConsent(
  db: PrismaClient,
  options: { customerId: string; version: string; now?: Date },
): Promise<void> {
  const now = options.now ?? new Date();
  await db.$transaction(async (tx) => {
    await tx.customer.update({
      where: { id: options.customerId },
      data: {
        status: "DECLINED",
        dataConsentAt: null,
        dataConsentVersion: null,
        dataConsentDeclinedAt: now,
        telegramFirstName: null,
        telegramLastName: null,
        telegramUsername: null,
        name: null,
        phone: null,
        phoneVerified: false,
        marketingConsent: false,
      },
    });
    await recordEvent(tx, options.customerId, EventType.consentDeclined, {
      version: options.version,
    });
  });
}

/** Offers and campaigns go only to customers who said yes here; service messages go to all. */
export async function setMarketingConsent(
  db: PrismaClient,
  options: { customerId: string; granted: boolean; version: string; now?: Date },
): Promise<void> {
  const now = options.now ?? new Date();
  await db.$transaction(async (tx) => {
    await tx.customer.update({
      where: { id: options.customerId },
      data: {
        marketingConsent: options.granted,
        marketingConsentAt: now,
        marketingConsentVersion: options.version,
      },
    });
    await recordEvent(tx, options.customerId, EventType.marketingConsentChanged, {
      granted: options.granted,
      version: options.version,
    });
  });
}
