import type { Customer } from "../db/client.ts";
import { Fragment } from "../db/sql-fragment.ts";
import { selectCustomerById } from "../db/tables/customers.ts";
import { findCardByCustomer } from "../db/tables/loyalty-cards.ts";
import { AppError } from "../errors.ts";
import type { LoyaltySettings } from "../loyalty/settings.ts";
import { currentAnswer } from "../questions/standard-fields.ts";
import { audienceRule, audienceWhere, compileContext } from "./audience.ts";
import { audienceOf, messageOf, requireCampaign, variantsOf } from "./campaign-record.ts";
import { variantBucket, variantOfBucket } from "./materialise.ts";
import {
  type MessageSpec,
  type PlaceholderValues,
  recipientValues,
  renderText,
  textFor,
} from "./message.ts";
import type { CampaignDeps } from "./types.ts";

export type PreviewButton = { text: string } & ({ url: string } | { action: string });

export type MessagePreview = {
  text: string;
  parseMode: MessageSpec["parseMode"];
  buttons: PreviewButton[];
  photoUrl: string | null;
  /** Whose values filled the placeholders; null = nobody in the audience (fallbacks shown). */
  customerId: string | null;
  language: "ru" | "en";
  /** The customer's A/B variant, if the campaign has variants. */
  variant: string | null;
};

/** The bot's own words for tiers the owner did not name (bot/locales tier-*). */
const tierWords: Record<string, Record<"ru" | "en", string>> = {
  base: { ru: "Базовый", en: "Base" },
  silver: { ru: "Серебряный", en: "Silver" },
  gold: { ru: "Золотой", en: "Gold" },
};

function languageOf(customer: Customer, fallback: "ru" | "en"): "ru" | "en" {
  for (const candidate of [customer.language, customer.telegramLanguage]) {
    const base = candidate?.toLowerCase().split(/[-_]/)[0];
    if (base === "ru" || base === "en") return base;
  }
  return fallback;
}

/**
 * The message exactly as one customer would get it: their language, their variant, their
 * placeholders filled (each with its fallback where they have no value). Without a customer
 * id, the newest customer of the audience is the sample; with nobody in it, the fallbacks.
 */
export async function previewMessage(
  deps: CampaignDeps,
  id: string,
  customerId?: string,
): Promise<MessagePreview> {
  const campaign = await requireCampaign(deps.sql, id);
  const message = messageOf(campaign);
  let customer: Customer | null = null;
  if (customerId) {
    customer = await selectCustomerById(deps.sql, customerId);
    if (!customer) throw new AppError("not_found", "No customer with this id", { customerId });
  } else {
    const rule = await audienceRule(deps.sql, audienceOf(campaign));
    const where = audienceWhere(rule, campaign.marketing, compileContext(deps));
    const query = Fragment.sql`SELECT c."id" FROM "Customer" c WHERE ${where}
      ORDER BY c."createdAt" DESC, c."id" DESC LIMIT 1`;
    const [sample] = await deps.sql.query<{ id: string }>(query.text, query.values);
    if (sample) customer = await selectCustomerById(deps.sql, sample.id);
  }
  const fallback = deps.defaultLanguage ?? "ru";
  const language = customer ? languageOf(customer, fallback) : fallback;
  const variants = variantsOf(campaign);
  const variant =
    customer && variants.length > 0
      ? variantOfBucket(variants, variantBucket(campaign.id, customer.id))
      : (variants[0]?.key ?? null);
  const text = variants.find((v) => v.key === variant)?.text ?? message.text;
  const values = customer ? await valuesOf(deps, customer, language) : ({} as PlaceholderValues);
  return {
    text: renderText(textFor(text, language), values, message.parseMode),
    parseMode: message.parseMode,
    buttons: message.buttons.map((button) => ({
      text: renderText(textFor(button.text, language), values, null),
      ...("url" in button ? { url: button.url } : { action: button.action }),
    })),
    photoUrl: message.photoUrl,
    customerId: customer?.id ?? null,
    language,
    variant,
  };
}

async function valuesOf(
  deps: CampaignDeps,
  customer: Customer,
  language: "ru" | "en",
): Promise<PlaceholderValues> {
  const [card, settings, questions] = await Promise.all([
    findCardByCustomer(deps.sql, customer.id),
    deps.loyalty.get(),
    deps.questions.all(),
  ]);
  const fields: Record<string, unknown> = {};
  for (const question of questions) fields[question.key] = currentAnswer(customer, question.key);
  return recipientValues({
    name: customer.name,
    telegramFirstName: customer.telegramFirstName,
    balance: card?.balance ?? null,
    cardNumber: card?.number ?? null,
    tierName: tierName(deps, settings, customer.tier, language),
    fields,
  });
}

function tierName(
  deps: CampaignDeps,
  settings: LoyaltySettings,
  tier: string,
  language: "ru" | "en",
): string {
  const named = settings.tiers.levels.find((level) => level.key === tier)?.name;
  return named ?? deps.tierWord?.(tier, language) ?? tierWords[tier]?.[language] ?? tier;
}
