import { Composer } from "grammy";
import type { Actor } from "../../../core/access/permissions.ts";
import { selectCustomerForStaff } from "../../../core/db/tables/customers.ts";
import { AppError } from "../../../core/errors.ts";
import { recordPurchase } from "../../../core/loyalty/record-purchase.ts";
import { refundPurchase } from "../../../core/loyalty/refund-purchase.ts";
import { tierLevel } from "../../../core/loyalty/tiers.ts";
import type { BotContext } from "../../context.ts";
import { STAFF_PURCHASE } from "../../conversations/staff-purchase.ts";
import { STAFF_REFUND } from "../../conversations/staff-refund.ts";
import { answerCallback, bestEffort, removeButtons } from "../../cosmetic.ts";
import {
  parsePurchaseConfirm,
  parseRefundConfirm,
  previewCancelData,
  purchaseConfirmPattern,
  refundConfirmPattern,
  staffCbPatterns,
} from "../../keyboards/staff-actions.ts";
import { staffActor } from "../../staff.ts";
import { tierLabel } from "../../views/card.ts";
import { formatMoney } from "../../views/money.ts";

/**
 * Purchases and refunds from the staff view. Every button checks who pressed it: a customer
 * pressing a staff button (a forwarded message keeps its buttons) learns nothing and changes
 * nothing, and a disabled staff member is told they have no access.
 */
export const staffPurchaseFeature = new Composer<BotContext>();

/** The presser as staff, or null after telling them this button is not for them. */
async function pressingStaff(ctx: BotContext): Promise<Actor | null> {
  const actor = staffActor(ctx);
  if (actor) return actor;
  const key = ctx.staff ? "staff-no-access" : "staff-button-not-yours";
  await bestEffort(() => ctx.answerCallbackQuery({ text: ctx.t(key), show_alert: true }));
  return null;
}

staffPurchaseFeature.callbackQuery(staffCbPatterns.purchase, async (ctx) => {
  if (!(await pressingStaff(ctx))) return;
  await answerCallback(ctx);
  await ctx.conversation.enter(STAFF_PURCHASE, ctx.match[1]);
});

staffPurchaseFeature.callbackQuery(staffCbPatterns.refund, async (ctx) => {
  if (!(await pressingStaff(ctx))) return;
  await answerCallback(ctx);
  await ctx.conversation.enter(STAFF_REFUND, ctx.match[1]);
});

// A preview's Cancel once its conversation is over: nothing was recorded, just tidy up.
staffPurchaseFeature.callbackQuery(previewCancelData, async (ctx) => {
  await answerCallback(ctx);
  await removeButtons(ctx);
});

/** The words for a failure core reported, or rethrows what is not core's. */
function failureKey(error: unknown): string {
  if (!(error instanceof AppError)) throw error;
  if (error.code === "forbidden") {
    return error.details?.reason === "own_card" ? "staff-own-card" : "staff-forbidden";
  }
  if (error.code === "insufficient_points") return "staff-purchase-stale";
  if (error.code === "not_found") return "staff-not-found";
  if (error.details?.reason === "already_refunded") return "staff-refund-already";
  if (error.details?.reason === "exceeds_remaining") return "staff-refund-stale";
  return "staff-purchase-failed";
}

staffPurchaseFeature.callbackQuery(purchaseConfirmPattern, async (ctx) => {
  const actor = await pressingStaff(ctx);
  if (!actor) return;
  await answerCallback(ctx);
  const confirmation = parsePurchaseConfirm(ctx.match as RegExpMatchArray);
  const settings = await ctx.deps.loyalty.get();
  const found = await selectCustomerForStaff(ctx.deps.sql, {
    cardNumber: confirmation.cardNumber,
  });
  if (!found?.card) return void (await ctx.reply(ctx.t("staff-not-found")));
  try {
    const result = await recordPurchase(ctx.deps.sql, settings, {
      actor,
      customerId: found.customer.id,
      amountMinor: confirmation.amountMinor,
      category: confirmation.category,
      pointsToSpend: confirmation.points,
      idempotencyKey: `bot:${confirmation.key}`,
    });
    await removeButtons(ctx);
    const { purchase } = result;
    if (result.duplicate) {
      return void (await ctx.reply(ctx.t("staff-purchase-duplicate", { balance: result.balance })));
    }
    const locale = await ctx.i18n.getLocale();
    const lines = [
      ctx.t("staff-purchase-recorded", {
        amount: formatMoney(purchase.amountMinor, purchase.currency, locale),
        earned: purchase.pointsEarned,
        spent: purchase.pointsSpent,
        balance: result.balance,
      }),
    ];
    if (result.tierUp) {
      const to = result.tierUp.to;
      lines.push(
        ctx.t("staff-purchase-tier-up", {
          tier: tierLabel(ctx.t, to, tierLevel(settings, to).name),
        }),
      );
    }
    await ctx.reply(lines.join("\n"));
  } catch (error) {
    await ctx.reply(ctx.t(failureKey(error)));
  }
});

staffPurchaseFeature.callbackQuery(refundConfirmPattern, async (ctx) => {
  const actor = await pressingStaff(ctx);
  if (!actor) return;
  await answerCallback(ctx);
  const confirmation = parseRefundConfirm(ctx.match as RegExpMatchArray);
  const settings = await ctx.deps.loyalty.get();
  try {
    const result = await refundPurchase(ctx.deps.sql, settings, {
      actor,
      purchaseId: confirmation.purchaseId,
      amountMinor: confirmation.amountMinor,
      idempotencyKey: `bot:${confirmation.key}`,
    });
    await removeButtons(ctx);
    const { refund } = result;
    if (result.duplicate) {
      return void (await ctx.reply(ctx.t("staff-refund-duplicate", { balance: result.balance })));
    }
    await ctx.reply(
      ctx.t("staff-refund-done", {
        amount: formatMoney(refund.amountMinor, settings.currency, await ctx.i18n.getLocale()),
        returned: refund.pointsSpentReturned,
        taken: refund.pointsEarnedReversed,
        unrecovered: refund.pointsUnrecovered,
        balance: result.balance,
      }),
    );
  } catch (error) {
    await ctx.reply(ctx.t(failureKey(error)));
  }
});
