import { Composer, InlineKeyboard } from "grammy";
import type { RedemptionView } from "../../../core/db/tables/reward-redemptions.ts";
import { AppError } from "../../../core/errors.ts";
import { formatRewardCode, parseRewardCode } from "../../../core/rewards/code.ts";
import {
  findRedemptionForStaff,
  redemptionState,
  useRedemption,
} from "../../../core/rewards/use-redemption.ts";
import type { BotContext } from "../../context.ts";
import { answerCallback, bestEffort, removeButtons } from "../../cosmetic.ts";
import { rewardCb, rewardCbPatterns } from "../../keyboards/rewards.ts";
import { staffActor } from "../../staff.ts";
import { formatDateTime, rewardKindLabel } from "../../views/reward.ts";

/**
 * Staff at the till: a reward code, scanned (its QR opens `/start reward_<code>`) or typed,
 * shows the reward, whose it is and a "Mark used" button; marking it is once only. Anyone who
 * is not active staff learns nothing from a code.
 */
export const staffRewardFeature = new Composer<BotContext>();

async function when(ctx: BotContext, at: Date | string | null | undefined): Promise<string> {
  if (!at) return "—";
  return formatDateTime(new Date(at), await ctx.i18n.getLocale(), ctx.deps.config.timeZone);
}

async function statusLine(ctx: BotContext, redemption: RedemptionView): Promise<string> {
  const state = redemptionState(redemption, new Date());
  if (state === "used") {
    return ctx.t("staff-reward-used", {
      at: await when(ctx, redemption.usedAt),
      by: redemption.usedByName ?? ctx.t("staff-reward-by-api"),
    });
  }
  if (state === "expired") {
    return ctx.t("staff-reward-expired", { at: await when(ctx, redemption.expiresAt) });
  }
  return ctx.t("staff-reward-valid", { at: await when(ctx, redemption.expiresAt) });
}

/**
 * Shows a code to staff. "not_a_code" (the caller goes on to its customer lookup) when this is
 * not staff, the text cannot be a code, or a code typed without a dash was not found — it may
 * then be an @username.
 */
export async function showRewardCode(
  ctx: BotContext,
  text: string,
  options: { scanned?: boolean } = {},
): Promise<"shown" | "not_a_code"> {
  const actor = staffActor(ctx);
  const code = parseRewardCode(text);
  if (!actor || !code) return "not_a_code";
  let redemption: RedemptionView;
  try {
    redemption = await findRedemptionForStaff(ctx.deps.sql, { actor, code });
  } catch (error) {
    if (!(error instanceof AppError && error.code === "not_found")) throw error;
    if (!options.scanned && !/[\s-]/.test(text.trim())) return "not_a_code";
    await ctx.reply(ctx.t("staff-reward-not-found"));
    return "shown";
  }
  const own = redemption.customerId === ctx.customer?.id;
  const lines = [
    ctx.t("staff-reward-view", {
      title: redemption.rewardTitle,
      kind: rewardKindLabel(ctx.t, redemption.rewardKind),
      customer: redemption.customerName ?? "—",
      code: formatRewardCode(redemption.code),
      cost: redemption.cost,
    }),
    await statusLine(ctx, redemption),
  ];
  if (own) lines.push(ctx.t("staff-reward-own"));
  const usable = !own && redemptionState(redemption, new Date()) === "usable";
  await ctx.reply(lines.join("\n"), {
    ...(usable
      ? {
          reply_markup: new InlineKeyboard().text(
            ctx.t("btn-reward-mark-used"),
            rewardCb.use(redemption.code),
          ),
        }
      : {}),
  });
  return "shown";
}

staffRewardFeature.chatType("private").callbackQuery(rewardCbPatterns.use, async (ctx) => {
  const actor = staffActor(ctx);
  if (!actor) {
    // A customer pressing it on a forwarded message learns nothing and changes nothing.
    const key = ctx.staff ? "staff-no-access" : "staff-button-not-yours";
    await bestEffort(() => ctx.answerCallbackQuery({ text: ctx.t(key), show_alert: true }));
    return;
  }
  try {
    const used = await useRedemption(ctx.deps.sql, { actor, code: ctx.match[1] as string });
    await answerCallback(ctx);
    await removeButtons(ctx);
    await ctx.reply(
      ctx.t("staff-reward-marked", {
        title: used.rewardTitle,
        customer: used.customerName ?? "—",
        code: formatRewardCode(used.code),
      }),
    );
  } catch (error) {
    if (!(error instanceof AppError)) throw error;
    await answerCallback(ctx);
    await removeButtons(ctx);
    const reason = error.details?.reason;
    if (reason === "already_used") {
      const by = error.details?.usedBy;
      await ctx.reply(
        ctx.t("staff-reward-already-used", {
          at: await when(ctx, error.details?.usedAt as string | null),
          by: typeof by === "string" ? by : ctx.t("staff-reward-by-api"),
        }),
      );
    } else if (reason === "expired") {
      await ctx.reply(
        ctx.t("staff-reward-expired", {
          at: await when(ctx, error.details?.expiresAt as string),
        }),
      );
    } else if (reason === "own_card") {
      await ctx.reply(ctx.t("staff-reward-own"));
    } else if (error.code === "not_found") {
      await ctx.reply(ctx.t("staff-reward-not-found"));
    } else if (error.code === "forbidden") {
      await ctx.reply(ctx.t("staff-forbidden"));
    } else {
      throw error;
    }
  }
});
