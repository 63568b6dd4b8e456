import { hears } from "@grammyjs/i18n";
import { Composer, InputFile } from "grammy";
import type { RedemptionView } from "../../../core/db/tables/reward-redemptions.ts";
import {
  selectRedemptionByCode,
  selectUsableRedemptions,
} from "../../../core/db/tables/reward-redemptions.ts";
import { selectRewardForCustomer } from "../../../core/db/tables/rewards.ts";
import { AppError } from "../../../core/errors.ts";
import { renderCardQr } from "../../../core/loyalty/card-qr.ts";
import { spendablePoints } from "../../../core/loyalty/pending.ts";
import { type Unavailable, whyUnavailable } from "../../../core/rewards/availability.ts";
import { rewardCatalogue } from "../../../core/rewards/catalogue.ts";
import { formatRewardCode, rewardDeepLink } from "../../../core/rewards/code.ts";
import { redeemReward } from "../../../core/rewards/redeem-reward.ts";
import type { BotContext } from "../../context.ts";
import { answerCallback, removeButtons } from "../../cosmetic.ts";
import {
  catalogueKeyboard,
  confirmKeyboard,
  myRewardsKeyboard,
  rewardCb,
  rewardCbPatterns,
  rewardIcon,
} from "../../keyboards/rewards.ts";
import { formatDateTime, rewardCodeCaption, rewardKindLabel } from "../../views/reward.ts";
import { withCard } from "./require-card.ts";

/**
 * The customer's rewards: the catalogue (🏆 in the menu), a confirmation, then the code with
 * its QR picture to show at the till; "My rewards" lists the codes still to be used. Taking a
 * reward is keyed by the confirmation message, so a double tap on "Yes" takes it once.
 */
export const rewardsFeature = new Composer<BotContext>();
const chats = rewardsFeature.chatType("private");

const reasons = new Set<Unavailable>([
  "inactive",
  "out_of_stock",
  "limit_reached",
  "insufficient_points",
]);

/** The reason core refused a reward for, or null for any other error. */
function refusal(error: unknown): Unavailable | null {
  if (!(error instanceof AppError)) return null;
  const reason = error.details?.reason;
  return reasons.has(reason as Unavailable) ? (reason as Unavailable) : null;
}

function refusalText(
  ctx: BotContext,
  reason: Unavailable,
  vars: { title: string; cost: number; spendable: number; limit: number | null },
): string {
  return ctx.t(`reward-refused-${reason}`, {
    title: vars.title,
    cost: vars.cost,
    spendable: vars.spendable,
    limit: vars.limit ?? 0,
  });
}

async function expiryText(ctx: BotContext, expiresAt: Date): Promise<string> {
  return formatDateTime(expiresAt, await ctx.i18n.getLocale(), ctx.deps.config.timeZone);
}

/** The code's QR picture (a deep link staff scan) with the code as text in the caption. */
async function sendCode(
  ctx: BotContext,
  redemption: Pick<RedemptionView, "code" | "expiresAt">,
  caption: string,
): Promise<void> {
  const png = await renderCardQr(rewardDeepLink(ctx.me.username, redemption.code));
  await ctx.replyWithPhoto(new InputFile(png, `reward-${redemption.code}.png`), { caption });
}

chats.filter(
  hears("menu-rewards"),
  withCard(async (ctx) => {
    if (!ctx.card) return void (await ctx.reply(ctx.t("card-not-issued")));
    const catalogue = await rewardCatalogue(ctx.deps.sql, await ctx.deps.loyalty.get(), {
      card: ctx.card,
    });
    const text =
      catalogue.items.length === 0
        ? ctx.t("rewards-empty", { count: catalogue.balance })
        : ctx.t("rewards-title", { count: catalogue.balance });
    await ctx.reply(text, { reply_markup: catalogueKeyboard(ctx.t, catalogue.items) });
  }),
);

chats.callbackQuery(
  rewardCbPatterns.pick,
  withCard(async (ctx) => {
    await answerCallback(ctx);
    const card = ctx.card;
    const rewardId = ctx.match[1] as string;
    const reward = card
      ? await selectRewardForCustomer(ctx.deps.sql, rewardId, ctx.customer.id)
      : null;
    if (!card || !reward) return void (await ctx.reply(ctx.t("reward-refused-inactive")));
    const spendable = await spendablePoints(
      ctx.deps.sql,
      await ctx.deps.loyalty.get(),
      card,
      new Date(),
    );
    const reason = whyUnavailable(reward, spendable);
    if (reason) {
      const vars = { ...reward, spendable, limit: reward.perCustomerLimit };
      return void (await ctx.reply(refusalText(ctx, reason, vars)));
    }
    const lines = [
      ctx.t("reward-confirm", {
        icon: rewardIcon(reward.kind),
        kind: rewardKindLabel(ctx.t, reward.kind),
        title: reward.title,
        cost: reward.cost,
        left: card.balance - reward.cost,
        days: reward.validDays,
      }),
    ];
    if (reward.description) lines.splice(1, 0, reward.description);
    await ctx.reply(lines.join("\n\n"), { reply_markup: confirmKeyboard(ctx.t, reward.id) });
  }),
);

chats.callbackQuery(
  rewardCbPatterns.take,
  withCard(async (ctx) => {
    const message = ctx.callbackQuery.message;
    if (!message) return void (await answerCallback(ctx, ctx.t("unhandled-callback")));
    const rewardId = ctx.match[1] as string;
    let taken: Awaited<ReturnType<typeof redeemReward>>;
    try {
      taken = await redeemReward(ctx.deps.sql, await ctx.deps.loyalty.get(), {
        customerId: ctx.customer.id,
        rewardId,
        // The confirmation message: pressing its "Yes" again is the same request.
        idempotencyKey: `tg:${message.chat.id}:${message.message_id}`,
      });
    } catch (error) {
      const reason = refusal(error);
      if (!reason) throw error;
      await answerCallback(ctx);
      await removeButtons(ctx);
      const details = (error as AppError).details ?? {};
      await ctx.reply(
        refusalText(ctx, reason, {
          title: String(details.title ?? ""),
          cost: Number(details.cost ?? 0),
          spendable: Number(details.spendable ?? 0),
          limit: typeof details.limit === "number" ? details.limit : null,
        }),
      );
      return;
    }
    if (taken.duplicate) return void (await answerCallback(ctx, ctx.t("reward-already-taken")));
    await answerCallback(ctx);
    await removeButtons(ctx);
    ctx.card = ctx.card ? { ...ctx.card, balance: taken.balance } : null;
    const caption = [
      ctx.t("reward-taken"),
      rewardCodeCaption(ctx.t, {
        title: taken.reward.title,
        code: taken.redemption.code,
        expiresAt: await expiryText(ctx, taken.redemption.expiresAt),
      }),
      ctx.t("reward-debited", { cost: taken.redemption.cost, count: taken.balance }),
    ].join("\n\n");
    await sendCode(ctx, taken.redemption, caption);
  }),
);

chats.callbackQuery(rewardCb.decline, async (ctx) => {
  await answerCallback(ctx);
  await removeButtons(ctx);
  await ctx.reply(ctx.t("reward-declined"));
});

chats.callbackQuery(
  rewardCb.mine,
  withCard(async (ctx) => {
    await answerCallback(ctx);
    const usable = await selectUsableRedemptions(ctx.deps.sql, ctx.customer.id, new Date());
    if (usable.length === 0) return void (await ctx.reply(ctx.t("my-rewards-empty")));
    const lines = [ctx.t("my-rewards-title")];
    for (const redemption of usable) {
      lines.push(
        ctx.t("my-rewards-item", {
          icon: rewardIcon(redemption.rewardKind),
          title: redemption.rewardTitle,
          code: formatRewardCode(redemption.code),
          expires: await expiryText(ctx, redemption.expiresAt),
        }),
      );
    }
    await ctx.reply(lines.join("\n"), { reply_markup: myRewardsKeyboard(ctx.t, usable) });
  }),
);

chats.callbackQuery(
  rewardCbPatterns.show,
  withCard(async (ctx) => {
    await answerCallback(ctx);
    const redemption = await selectRedemptionByCode(ctx.deps.sql, ctx.match[1] as string);
    // Only the customer's own code, and only while it can still be used.
    if (
      redemption?.customerId !== ctx.customer.id ||
      redemption.status !== "ISSUED" ||
      redemption.expiresAt <= new Date()
    ) {
      return void (await ctx.reply(ctx.t("reward-code-gone")));
    }
    const caption = rewardCodeCaption(ctx.t, {
      title: redemption.rewardTitle,
      code: redemption.code,
      expiresAt: await expiryText(ctx, redemption.expiresAt),
    });
    await sendCode(ctx, redemption, caption);
  }),
);
