import { randomUUID } from "node:crypto";
import type { Customer } from "../db/client.ts";
import type { Sql } from "../db/sql.ts";
import { insertEvents } from "../db/tables/customer-events.ts";
import { insertCustomerOnFirstStart, selectCustomerByTelegramId } from "../db/tables/customers.ts";
import { EventType } from "../events.ts";
import { parseStartPayload } from "./deep-link.ts";
import { generateReferralCode } from "./referral-code.ts";
import type { TelegramIdentity } from "./telegram-identity.ts";

export type RegisterBotStartOptions = {
  identity: TelegramIdentity;
  /** The text after `/start`, if any. */
  payload?: string | undefined;
  /**
   * The customer as the update already loaded them (null: a stranger). Left out, they are
   * looked up here.
   */
  known?: Customer | null;
  now?: Date;
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
  sql: Sql,
  { identity, payload, now = new Date(), ...options }: RegisterBotStartOptions,
): Promise<RegisterBotStartResult> {
  const parsed = parseStartPayload(payload);
  const known =
    options.known === undefined
      ? await selectCustomerByTelegramId(sql, identity.telegramId)
      : options.known;
  if (known) {
    await insertEvents(
      sql,
      [
        {
          customerId: known.id,
          type: EventType.botStarted,
          data: {
            firstVisit: false,
            ...(parsed.kind === "source" ? { source: parsed.source } : {}),
          },
        },
      ],
      now,
    );
    return { customer: known, kind: kindOf(known) };
  }

  const source =
    parsed.kind === "source" ? parsed.source : parsed.kind === "referral" ? "referral" : null;
  for (let attempt = 0; ; attempt++) {
    const created = await insertCustomerOnFirstStart(sql, {
      id: randomUUID(),
      telegramId: identity.telegramId,
      telegramLanguage: identity.languageCode ?? null,
      source,
      referralCode: generateReferralCode(),
      referredByCode: parsed.kind === "referral" ? parsed.code : null,
      at: now,
      event: { type: EventType.botStarted, data: { firstVisit: true, source } },
    });
    if (created) return { customer: created, kind: "new" };
    // Two /start updates from one person handled at once: the other one created the record.
    const winner = await selectCustomerByTelegramId(sql, identity.telegramId);
    if (winner) return { customer: winner, kind: kindOf(winner) };
    // Otherwise the random referral code collided with an existing one: draw again.
    if (attempt >= 5) throw new Error("Could not register the customer");
  }
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
