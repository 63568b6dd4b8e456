import { randomUUID } from "node:crypto";
import { AuditAction, recordAudit } from "../access/audit.ts";
import { type Actor, Permission, requirePermission } from "../access/permissions.ts";
import { generateReferralCode } from "../customers/referral-code.ts";
import type { LoyaltyCard } from "../db/client.ts";
import type { Sql } from "../db/sql.ts";
import {
  type CustomerWithCard,
  insertWalkInCustomer,
  selectCustomerForStaff,
} from "../db/tables/customers.ts";
import { AppError } from "../errors.ts";
import { EventType } from "../events.ts";
import { completeOnboarding } from "../onboarding/complete-onboarding.ts";
import { parseName, parsePhone } from "../profile/validation.ts";
import { findCustomer } from "./find-customer.ts";

/** The acquisition source of customers registered at the till. */
export const WALK_IN_SOURCE = "walk_in";

/**
 * What a walk-in's consent to data processing is recorded as: the customer agreed out loud and
 * this staff member vouches for it. Their own consent replaces it when they join the bot.
 */
export function staffConsentVersion(actor: Actor): string {
  return `staff:${actor.staffId ?? actor.via}`;
}

export type WalkInPhoneCheck =
  | { kind: "invalid_phone" }
  /** Somebody has this phone already: staff see them instead of registering a duplicate. */
  | ({ kind: "existing" } & CustomerWithCard)
  | { kind: "free"; phone: string };

/**
 * The first step at the till: is this phone (any usual format) someone we know? A customer
 * found is a lookup, audited as one.
 */
export async function checkWalkInPhone(
  sql: Sql,
  options: { actor: Actor; phone: string; phoneRegion: string; now?: Date },
): Promise<WalkInPhoneCheck> {
  requirePermission(options.actor, Permission.registerCustomer);
  const parsed = parsePhone(options.phone, options.phoneRegion);
  if (!parsed.ok) return { kind: "invalid_phone" };
  // In E.164 ("+7…") the query can only be read as a phone, never as a card number.
  const found = await findCustomer(sql, {
    actor: options.actor,
    query: parsed.value.e164,
    phoneRegion: options.phoneRegion,
    ...(options.now ? { now: options.now } : {}),
  });
  if (found.kind === "found") return { ...found, kind: "existing" };
  return { kind: "free", phone: parsed.value.e164 };
}

export type RegisterWalkInResult =
  | {
      kind: "registered";
      customer: CustomerWithCard["customer"];
      card: LoyaltyCard;
      welcomeCredited: number;
    }
  | ({ kind: "existing" } & CustomerWithCard)
  | { kind: "invalid_phone" };

/**
 * Registers a customer who is standing at the till but not in the bot: an ACTIVE customer
 * without Telegram, with the phone (unverified), the name if given, source "walk_in", a
 * referral code, and a card with the welcome bonus issued exactly as onboarding issues it.
 * No marketing consent is assumed: only the customer can give it, in the bot. A phone that is
 * already on file returns that customer instead of a duplicate.
 *
 * When the person later opens the bot and shares the same phone with the contact button, the
 * phone rule of onboarding (core/onboarding/attach-phone.ts) joins them to this record: they
 * keep this card, balance and history, and get no second welcome bonus.
 */
export async function registerWalkIn(
  sql: Sql,
  options: {
    actor: Actor;
    phone: string;
    name?: string | null;
    phoneRegion: string;
    welcomeBonus: number;
    now?: Date;
  },
): Promise<RegisterWalkInResult> {
  const { actor } = options;
  requirePermission(actor, Permission.registerCustomer);
  const phone = parsePhone(options.phone, options.phoneRegion);
  if (!phone.ok) return { kind: "invalid_phone" };
  let name: string | null = null;
  if (options.name != null) {
    const parsed = parseName(options.name);
    if (!parsed.ok) throw new AppError("invalid_input", "Invalid name", { reason: parsed.reason });
    name = parsed.value;
  }
  const at = options.now ?? new Date();
  const e164 = phone.value.e164;

  for (let attempt = 0; attempt < 5; attempt++) {
    const registered = await sql.transaction(async (tx) => {
      const customer = await insertWalkInCustomer(tx, {
        id: randomUUID(),
        phone: e164,
        name,
        referralCode: generateReferralCode(),
        source: WALK_IN_SOURCE,
        consentVersion: staffConsentVersion(actor),
        staffId: actor.staffId,
        at,
        event: { type: EventType.customerRegistered, data: { source: WALK_IN_SOURCE } },
      });
      if (!customer) return null;
      const done = await completeOnboarding(tx, {
        customerId: customer.id,
        welcomeBonus: options.welcomeBonus,
        referralBonus: 0,
        now: at,
      });
      await recordAudit(tx, {
        actor,
        action: AuditAction.customerRegistered,
        customerId: customer.id,
        data: { source: WALK_IN_SOURCE, welcomeCredited: done.welcomeCredited },
        now: at,
      });
      return done;
    });
    if (registered) {
      return {
        kind: "registered",
        customer: registered.customer,
        card: registered.card,
        welcomeCredited: registered.welcomeCredited,
      };
    }
    // The phone is taken (perhaps by another cashier a moment ago): show that customer.
    const holder = await selectCustomerForStaff(sql, { phone: e164 });
    if (holder) return { kind: "existing", ...holder };
    // Otherwise the random referral code collided: draw again.
  }
  throw new AppError("conflict", "Could not register the customer; try again");
}
