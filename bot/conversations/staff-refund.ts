import { InlineKeyboard } from "grammy";
import { AppError } from "../../core/errors.ts";
import { parseAmount } from "../../core/loyalty/money.ts";
import { refundablePurchases, refundShares } from "../../core/loyalty/refund-purchase.ts";
import { answerCallback, removeButtons } from "../cosmetic.ts";
import { previewCancelData, refundConfirmData } from "../keyboards/staff-actions.ts";
import { staffActor } from "../staff.ts";
import { formatMoney } from "../views/money.ts";
import { adoptLocale } from "./locale.ts";
import { type Accepted, CANCELLED, staffAnswer } from "./staff-input.ts";
import { newPreviewKey } from "./staff-purchase.ts";
import type { StepContext, StepConversation, StepDeps } from "./steps.ts";

export const STAFF_REFUND = "staff-refund";

const pickData = (index: number) => `rp:${index}`;
const pickPattern = /^rp:(\d)$/;
const allData = "rp:all";

type Refundable = {
  id: string;
  amountMinor: string;
  refundedMinor: string;
  pointsEarned: number;
  pointsSpent: number;
  pointsEarnedReversed: number;
  pointsSpentReturned: number;
  createdAt: string;
};

/**
 * Staff refund a purchase: pick one of the customer's latest purchases, refund all that is left
 * of it or type a smaller amount, see what happens to the points, Confirm. As with purchases,
 * Confirm is handled outside the conversation and is idempotent.
 */
export function createStaffRefund(deps: StepDeps) {
  return async function staffRefund(
    conversation: StepConversation,
    ctx: StepContext,
    customerId: string,
  ): Promise<void> {
    const locale = await adoptLocale(conversation, ctx);
    const start = await conversation.external(async (outside) => {
      const actor = staffActor(outside);
      if (!actor) return { error: "staff-no-access" };
      try {
        const purchases = await refundablePurchases(deps.sql, actor, customerId);
        const { currency } = await deps.loyalty.get();
        return {
          currency,
          purchases: purchases.map(
            (p): Refundable => ({
              id: p.id,
              amountMinor: p.amountMinor.toString(),
              refundedMinor: p.refundedMinor.toString(),
              pointsEarned: p.pointsEarned,
              pointsSpent: p.pointsSpent,
              pointsEarnedReversed: p.pointsEarnedReversed,
              pointsSpentReturned: p.pointsSpentReturned,
              createdAt: p.createdAt.toISOString(),
            }),
          ),
        };
      } catch (error) {
        if (!(error instanceof AppError)) throw error;
        return { error: "staff-forbidden" };
      }
    });
    if ("error" in start) return void (await ctx.reply(ctx.t(start.error ?? "staff-forbidden")));
    const money = (minor: bigint | string) => formatMoney(minor, start.currency, locale);
    const date = (iso: string) =>
      new Intl.DateTimeFormat(locale === "en" ? "en-GB" : "ru-RU", {
        timeZone: deps.config.timeZone,
        day: "2-digit",
        month: "2-digit",
      }).format(new Date(iso));
    if (start.purchases.length === 0) return void (await ctx.reply(ctx.t("staff-refund-none")));

    const list = new InlineKeyboard();
    for (const [index, p] of start.purchases.entries()) {
      const left = BigInt(p.amountMinor) - BigInt(p.refundedMinor);
      const label =
        left === BigInt(p.amountMinor)
          ? `${date(p.createdAt)} · ${money(p.amountMinor)}`
          : ctx.t("btn-refund-partly-refunded", {
              date: date(p.createdAt),
              amount: money(p.amountMinor),
              left: money(left),
            });
      list.text(label, pickData(index)).row();
    }
    list.text(ctx.t("btn-cancel"), previewCancelData);
    await ctx.reply(ctx.t("staff-refund-choose"), { reply_markup: list });
    const chosen = await ask<Refundable>(conversation, deps, async (c) => {
      const match = pickPattern.exec(c.callbackQuery?.data ?? "");
      const picked = match ? start.purchases[Number(match[1])] : undefined;
      if (picked) {
        await answerCallback(c);
        await removeButtons(c);
        return { value: picked };
      }
      if (c.callbackQuery) await answerCallback(c);
      else await c.reply(c.t("press-button-hint"));
    });
    if (chosen === CANCELLED) return;

    const remaining = BigInt(chosen.amountMinor) - BigInt(chosen.refundedMinor);
    await ctx.reply(
      ctx.t("staff-refund-amount", {
        amount: money(chosen.amountMinor),
        date: date(chosen.createdAt),
        remaining: money(remaining),
      }),
      {
        reply_markup: new InlineKeyboard()
          .text(ctx.t("btn-refund-all", { remaining: money(remaining) }), allData)
          .row()
          .text(ctx.t("btn-cancel"), previewCancelData),
      },
    );
    const amountText = await ask<string>(conversation, deps, async (c) => {
      if (c.callbackQuery?.data === allData) {
        await answerCallback(c);
        await removeButtons(c);
        return { value: remaining.toString() };
      }
      if (c.callbackQuery) return void (await answerCallback(c));
      const text = c.message?.text;
      if (text === undefined) return void (await c.reply(c.t("staff-amount-text-expected")));
      const parsed = parseAmount(text, { maxMinor: remaining });
      if (parsed.ok) return { value: parsed.minor.toString() };
      await c.reply(
        parsed.problem === "too_large"
          ? c.t("staff-refund-too-much", { remaining: money(remaining) })
          : c.t(`staff-amount-${parsed.problem}`, { max: money(remaining) }),
      );
    });
    if (amountText === CANCELLED) return;
    const amountMinor = BigInt(amountText);
    const shares = refundShares(
      {
        amountMinor: BigInt(chosen.amountMinor),
        refundedMinor: BigInt(chosen.refundedMinor),
        pointsEarned: chosen.pointsEarned,
        pointsSpent: chosen.pointsSpent,
        pointsEarnedReversed: chosen.pointsEarnedReversed,
        pointsSpentReturned: chosen.pointsSpentReturned,
      },
      amountMinor,
    );
    const key = await conversation.external(() => newPreviewKey());
    await ctx.reply(
      ctx.t("staff-refund-preview", {
        amount: money(amountMinor),
        returned: shares.spentToReturn,
        reversed: shares.earnedToReverse,
      }),
      {
        reply_markup: new InlineKeyboard()
          .text(
            ctx.t("btn-confirm"),
            refundConfirmData({ purchaseId: chosen.id, amountMinor, key }),
          )
          .text(ctx.t("btn-cancel"), previewCancelData),
      },
    );
  };
}

/** A question of this flow: its Cancel says the refund was cancelled. */
function ask<T>(
  conversation: StepConversation,
  deps: StepDeps,
  handle: (c: StepContext) => Promise<Accepted<T> | undefined>,
): Promise<T | typeof CANCELLED> {
  return staffAnswer(conversation, deps, {
    cancelData: previewCancelData,
    cancelled: "staff-refund-cancelled",
    handle,
  });
}
