import type { TelegramIdentity } from "../customers/telegram-identity.ts";
import type { Customer } from "../db/client.ts";
import type { Sql } from "../db/sql.ts";
import { updateCustomer } from "../db/tables/customers.ts";
import { AppError } from "../errors.ts";
import { EventType } from "../events.ts";

function saved(customer: Customer | null, customerId: string): Customer {
  if (!customer) throw new AppError("not_found", `Customer ${customerId} not found`);
  return customer;
}

/**
 * Consent to personal-data processing. Only after it do we keep the person's Telegram name and
 * username; the consent text version and time are stored as evidence.
 */
export async function giveDataConsent(
  sql: Sql,
  options: { customerId: string; version: string; identity: TelegramIdentity; now?: Date },
): Promise<Customer> {
  const at = options.now ?? new Date();
  const customer = await updateCustomer(
    sql,
    options.customerId,
    {
      status: "ONBOARDING",
      dataConsentAt: at,
      dataConsentVersion: options.version,
      dataConsentDeclinedAt: null,
      telegramFirstName: options.identity.firstName,
      telegramLastName: options.identity.lastName ?? null,
      telegramUsername: options.identity.username ?? null,
    },
    { at, event: { type: EventType.consentGiven, data: { version: options.version } } },
  );
  return saved(customer, options.customerId);
}

/**
 * Declining keeps only what is needed to respect the answer: the Telegram id (so the bot knows
 * not to ask again unprompted) and when they declined. Everything else is wiped.
 */
export async function declineDataConsent(
  sql: Sql,
  options: { customerId: string; version: string; now?: Date },
): Promise<Customer> {
  const at = options.now ?? new Date();
  const customer = await updateCustomer(
    sql,
    options.customerId,
    {
      status: "DECLINED",
      dataConsentAt: null,
      dataConsentVersion: null,
      dataConsentDeclinedAt: at,
      telegramFirstName: null,
      telegramLastName: null,
      telegramUsername: null,
      name: null,
      phone: null,
      phoneVerified: false,
      marketingConsent: false,
    },
    { at, event: { type: EventType.consentDeclined, data: { version: options.version } } },
  );
  return saved(customer, options.customerId);
}

/** Offers and campaigns go only to customers who said yes here; service messages go to all. */
export async function setMarketingConsent(
  sql: Sql,
  options: { customerId: string; granted: boolean; version: string; now?: Date },
): Promise<Customer> {
  const at = options.now ?? new Date();
  const customer = await updateCustomer(
    sql,
    options.customerId,
    {
      marketingConsent: options.granted,
      marketingConsentAt: at,
      marketingConsentVersion: options.version,
    },
    {
      at,
      event: {
        type: EventType.marketingConsentChanged,
        data: { granted: options.granted, version: options.version },
      },
    },
  );
  return saved(customer, options.customerId);
}
