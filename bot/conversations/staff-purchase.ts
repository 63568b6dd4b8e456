import { randomBytes } from "node:crypto";
import { InlineKeyboard } from "grammy";
import type { Actor } from "../../core/access/permissions.ts";
import { selectCustomerForStaff } from "../../core/db/tables/customers.ts";
import { AppError } from "../../core/errors.ts";
import { formatCardNumber } from "../../core/loyalty/card-number.ts";
import { parseAmount } from "../../core/loyalty/money.ts";
import { previewPurchase } from "../../core/loyalty/record-purchase.ts";
import type { LoyaltySettings } from "../../core/loyalty/settings.ts";
import { answerCallback, removeButtons } from "../cosmetic.ts";
import { previewCancelData, purchaseConfirmData } from "../keyboards/staff-actions.ts";
import { staffActor } from "../staff.ts";
import { formatMoney } from "../views/money.ts";
import { adoptLocale } from "./locale.ts";
import { type Accepted, CANCELLED, staffAnswer } from "./staff-input.ts";
import type { StepContext, StepConversation, StepDeps } from "./steps.ts";

export const STAFF_PURCHASE = "staff-purchase";

/** Short, unguessable, and fits the Confirm button's data (see purchaseConfirmData). */
export function newPreviewKey(): string {
  return randomBytes(6).toString("base64url").replace(/[-_]/g, "x");
}

const categoryData = (key: string | null) => `cat:${key ?? ""}`;
const categoryPattern = /^cat:([a-z0-9_]{0,16})$/;
const spendData = (points: number) => `spend:${points}`;
const spendPattern = /^spend:(\d{1,7})$/;

type Customer = { id: string; name: string; cardNumber: string };

/**
 * Staff record a purchase: the amount, a category when the owner has any, the points to spend
 * when there are any to spend, then a preview with Confirm. The conversation ends with the
 * preview; Confirm is handled outside it (features/staff/purchase.ts), so it is idempotent,
 * survives a restart and records nothing until pressed. Every answer is checked by core again.
 */
export function createStaffPurchase(deps: StepDeps) {
  return async function staffPurchase(
    conversation: StepConversation,
    ctx: StepContext,
    customerId: string,
  ): Promise<void> {
    const locale = await adoptLocale(conversation, ctx);
    const start = await conversation.external(async (outside) => {
      const actor = staffActor(outside);
      if (!actor) return null;
      const found = await selectCustomerForStaff(deps.sql, { id: customerId });
      const settings = await deps.loyalty.get();
      if (!found?.card) return { actor, customer: null, settings };
      const { customer, card } = found;
      const name = customer.name ?? customer.telegramFirstName ?? customer.phone ?? "—";
      return { actor, customer: { id: customer.id, name, cardNumber: card.number }, settings };
    });
    if (!start) return void (await ctx.reply(ctx.t("staff-no-access")));
    if (!start.customer) return void (await ctx.reply(ctx.t("staff-not-found")));
    const { actor, customer, settings } = start;
    const money = (minor: bigint | string) => formatMoney(minor, settings.currency, locale);

    await ctx.reply(ctx.t("staff-purchase-amount", { name: customer.name }), {
      reply_markup: new InlineKeyboard().text(ctx.t("btn-cancel"), previewCancelData),
    });
    const amount = await ask<string>(conversation, deps, async (c) => {
      const text = c.message?.text;
      if (text === undefined) return void (await c.reply(c.t("staff-amount-text-expected")));
      const parsed = parseAmount(text, { maxMinor: BigInt(settings.maxPurchaseMinor) });
      if (parsed.ok) return { value: parsed.minor.toString() };
      await c.reply(
        c.t(`staff-amount-${parsed.problem}`, {
          max: money(BigInt(settings.maxPurchaseMinor)),
        }),
      );
    });
    if (amount === CANCELLED) return;
    const amountMinor = BigInt(amount);

    const category = await askCategory(conversation, ctx, deps, settings);
    if (category === CANCELLED) return;

    const limits = await quote(conversation, deps, settings, actor, customer, {
      amountMinor,
      category,
      points: 0,
    });
    if (!limits.ok) return void (await ctx.reply(ctx.t(limits.error)));
    let points = 0;
    if (limits.maxSpendable > 0) {
      const chosen = await askPoints(conversation, ctx, deps, limits, settings);
      if (chosen === CANCELLED) return;
      points = chosen;
    }

    const preview = await quote(conversation, deps, settings, actor, customer, {
      amountMinor,
      category,
      points,
    });
    if (!preview.ok) return void (await ctx.reply(ctx.t(preview.error)));
    const key = await conversation.external(() => newPreviewKey());
    await ctx.reply(
      ctx.t("staff-purchase-preview", {
        name: customer.name,
        card: formatCardNumber(customer.cardNumber),
        amount: money(amountMinor),
        category: category ? (settings.categories[category]?.name ?? category) : "—",
        spent: points,
        discount: money(preview.discountMinor),
        paid: money(preview.paidMinor),
        earned: preview.pointsEarned,
      }),
      {
        reply_markup: new InlineKeyboard()
          .text(
            ctx.t("btn-confirm"),
            purchaseConfirmData({
              cardNumber: customer.cardNumber,
              amountMinor,
              points,
              category,
              key,
            }),
          )
          .text(ctx.t("btn-cancel"), previewCancelData),
      },
    );
  };
}

/** A question of this flow: its Cancel says the purchase was cancelled. */
function ask<T>(
  conversation: StepConversation,
  deps: StepDeps,
  handle: (c: StepContext) => Promise<Accepted<T> | undefined>,
): Promise<T | typeof CANCELLED> {
  return staffAnswer(conversation, deps, {
    cancelData: previewCancelData,
    cancelled: "staff-purchase-cancelled",
    handle,
  });
}

async function askCategory(
  conversation: StepConversation,
  ctx: StepContext,
  deps: StepDeps,
  settings: LoyaltySettings,
): Promise<string | null | typeof CANCELLED> {
  const categories = Object.entries(settings.categories);
  if (categories.length === 0) return null;
  const keyboard = new InlineKeyboard();
  for (const [index, [key, category]] of categories.entries()) {
    keyboard.text(category.name, categoryData(key));
    if (index % 2 === 1) keyboard.row();
  }
  keyboard
    .row()
    .text(ctx.t("btn-no-category"), categoryData(null))
    .text(ctx.t("btn-cancel"), previewCancelData);
  await ctx.reply(ctx.t("staff-purchase-category"), { reply_markup: keyboard });
  return ask<string | null>(conversation, deps, async (c) => {
    const match = categoryPattern.exec(c.callbackQuery?.data ?? "");
    if (match) {
      await answerCallback(c);
      await removeButtons(c);
      const key = match[1] || null;
      return { value: key && settings.categories[key] ? key : null };
    }
    if (c.callbackQuery) return void (await answerCallback(c));
    await c.reply(c.t("press-button-hint"));
  });
}

async function askPoints(
  conversation: StepConversation,
  ctx: StepContext,
  deps: StepDeps,
  limits: { maxSpendable: number; balance: number; spendable: number },
  settings: LoyaltySettings,
): Promise<number | typeof CANCELLED> {
  await ctx.reply(
    ctx.t("staff-purchase-points", {
      balance: limits.balance,
      max: limits.maxSpendable,
      percent: settings.maxRedeemPercent,
    }),
    {
      reply_markup: new InlineKeyboard()
        .text(ctx.t("btn-spend-max", { max: limits.maxSpendable }), spendData(limits.maxSpendable))
        .text(ctx.t("btn-spend-none"), spendData(0))
        .row()
        .text(ctx.t("btn-cancel"), previewCancelData),
    },
  );
  return ask<number>(conversation, deps, async (c) => {
    const pressed = spendPattern.exec(c.callbackQuery?.data ?? "");
    if (pressed) {
      await answerCallback(c);
      await removeButtons(c);
      return { value: Math.min(Number(pressed[1]), limits.maxSpendable) };
    }
    if (c.callbackQuery) return void (await answerCallback(c));
    const text = c.message?.text?.trim();
    if (text === undefined || !/^\d{1,7}$/.test(text)) {
      return void (await c.reply(c.t("staff-points-not-a-number", { max: limits.maxSpendable })));
    }
    const wanted = Number(text);
    if (wanted > limits.spendable) {
      return void (await c.reply(c.t("staff-points-over-balance", { max: limits.maxSpendable })));
    }
    if (wanted > limits.maxSpendable) {
      await c.reply(
        c.t("staff-points-over-share", {
          max: limits.maxSpendable,
          percent: settings.maxRedeemPercent,
        }),
      );
      return;
    }
    return { value: wanted };
  });
}

/** A quote through core, as plain values a conversation can keep (no bigint). */
async function quote(
  conversation: StepConversation,
  deps: StepDeps,
  settings: LoyaltySettings,
  actor: Actor,
  customer: Customer,
  input: { amountMinor: bigint; category: string | null; points: number },
) {
  const result = await conversation.external(async () => {
    try {
      const preview = await previewPurchase(deps.sql, settings, {
        actor,
        customerId: customer.id,
        amountMinor: input.amountMinor,
        category: input.category,
        pointsToSpend: input.points,
      });
      return {
        ok: true as const,
        maxSpendable: preview.maxSpendable,
        balance: preview.balance,
        spendable: preview.spendable,
        pointsEarned: preview.pointsEarned,
        discountMinor: preview.discountMinor.toString(),
        paidMinor: preview.paidMinor.toString(),
      };
    } catch (error) {
      if (!(error instanceof AppError)) throw error;
      return {
        ok: false as const,
        error: error.code === "forbidden" ? "staff-forbidden" : "staff-purchase-failed",
      };
    }
  });
  return result;
}
