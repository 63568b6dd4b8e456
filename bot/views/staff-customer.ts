import type { InlineKeyboard } from "grammy";
import type { Customer, LoyaltyCard } from "../../core/db/client.ts";
import { formatCardNumber } from "../../core/loyalty/card-number.ts";
import type { LoyaltySettings } from "../../core/loyalty/settings.ts";
import { tierLevel } from "../../core/loyalty/tiers.ts";
import { tierLabel } from "./card.ts";

type T = (key: string, vars?: Record<string, string | number>) => string;

/** What staff see about a customer they found, and what they can do next. */
export function staffCustomerView(
  t: T,
  found: { customer: Customer; card: LoyaltyCard | null },
  options: {
    settings: LoyaltySettings;
    locale: string;
    timeZone: string;
    actions: InlineKeyboard | null;
  },
): { text: string; keyboard: InlineKeyboard | undefined } {
  const { customer, card } = found;
  const name = customer.name ?? customer.telegramFirstName ?? customer.phone ?? "—";
  if (!card) return { text: t("staff-customer-no-card", { name }), keyboard: undefined };
  const lastVisit = customer.lastPurchaseAt
    ? new Intl.DateTimeFormat(options.locale === "en" ? "en-GB" : "ru-RU", {
        timeZone: options.timeZone,
        day: "2-digit",
        month: "2-digit",
        year: "numeric",
      }).format(customer.lastPurchaseAt)
    : "—";
  const text = t("staff-customer-view", {
    name: customer.telegramUsername ? `${name} (@${customer.telegramUsername})` : name,
    card: formatCardNumber(card.number),
    tier: tierLabel(t, customer.tier, tierLevel(options.settings, customer.tier).name),
    count: card.balance,
    purchases: customer.purchaseCount,
    lastVisit,
  });
  return { text, keyboard: options.actions ?? undefined };
}
