import type { TelegramIdentity } from "../customers/telegram-identity.ts";
import { updateCustomerWithEvent } from "../customers/update-with-event.ts";
import type { PrismaClient } from "../db/client.ts";
import { EventType } from "../events.ts";

/**
 * Consent to personal-data processing. Only after it do we keep the person's Telegram name and
 * username; the consent text version and time are stored as evidence.
 */
export async function giveDataConsent(
  db: PrismaClient,
  options: { customerId: string; version: string; identity: TelegramIdentity; now?: Date },
): Promise<void> {
  await updateCustomerWithEvent(
    db,
    options.customerId,
    {
      status: "ONBOARDING",
      dataConsentAt: options.now ?? new Date(),
      dataConsentVersion: options.version,
      dataConsentDeclinedAt: null,
      telegramFirstName: options.identity.firstName,
      telegramLastName: options.identity.lastName ?? null,
      telegramUsername: options.identity.username ?? null,
    },
    { type: EventType.consentGiven, data: { version: options.version } },
  );
}

/**
 * Declining keeps only what is needed to respect the answer: the Telegram id (so the bot knows
 * not to ask again unprompted) and when they declined. Everything else is wiped.
 */
export async function declineDataConsent(
  db: PrismaClient,
  options: { customerId: string; version: string; now?: Date },
): Promise<void> {
  await updateCustomerWithEvent(
    db,
    options.customerId,
    {
      status: "DECLINED",
      dataConsentAt: null,
      dataConsentVersion: null,
      dataConsentDeclinedAt: options.now ?? new Date(),
      telegramFirstName: null,
      telegramLastName: null,
      telegramUsername: null,
      name: null,
      phone: null,
      phoneVerified: false,
      marketingConsent: false,
    },
    { type: EventType.consentDeclined, data: { version: options.version } },
  );
}

/** Offers and campaigns go only to customers who said yes here; service messages go to all. */
export async function setMarketingConsent(
  db: PrismaClient,
  options: { customerId: string; granted: boolean; version: string; now?: Date },
): Promise<void> {
  await updateCustomerWithEvent(
    db,
    options.customerId,
    {
      marketingConsent: options.granted,
      marketingConsentAt: options.now ?? new Date(),
      marketingConsentVersion: options.version,
    },
    {
      type: EventType.marketingConsentChanged,
      data: { granted: options.granted, version: options.version },
    },
  );
}
