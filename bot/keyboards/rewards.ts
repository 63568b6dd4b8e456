import { InlineKeyboard } from "grammy";
import type { RedemptionView } from "../../core/db/tables/reward-redemptions.ts";
import type { CatalogueItem } from "../../core/rewards/catalogue.ts";

type T = (key: string, vars?: Record<string, string | number>) => string;

/**
 * Callback data of the rewards buttons. A reward goes by its id, a code by itself (8
 * characters): both well under Telegram's 64 bytes, and a button on an old message still parses.
 */
export const rewardCb = {
  pick: (rewardId: string) => `rw:pick:${rewardId}`,
  take: (rewardId: string) => `rw:take:${rewardId}`,
  decline: "rw:no",
  mine: "rw:mine",
  show: (code: string) => `rw:show:${code}`,
  use: (code: string) => `rw:use:${code}`,
} as const;

const uuid = "([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})";
const code = "([2-9A-Z]{8})";
export const rewardCbPatterns = {
  pick: new RegExp(`^rw:pick:${uuid}$`),
  take: new RegExp(`^rw:take:${uuid}$`),
  show: new RegExp(`^rw:show:${code}$`),
  use: new RegExp(`^rw:use:${code}$`),
} as const;

/** 🎁 a gift, 🏷 a coupon; 🔒 what the customer cannot take now (pressing it says why). */
export function rewardIcon(kind: string, available = true): string {
  if (!available) return "🔒";
  return kind === "COUPON" ? "🏷" : "🎁";
}

/** One button per reward with its cost and, when counted, how many are left. */
export function catalogueKeyboard(t: T, items: readonly CatalogueItem[]): InlineKeyboard {
  const keyboard = new InlineKeyboard();
  for (const { reward, unavailable } of items) {
    const vars = {
      icon: rewardIcon(reward.kind, unavailable === null),
      title: reward.title,
      cost: reward.cost,
    };
    const label =
      reward.stock === null
        ? t("reward-button", vars)
        : t("reward-button-stock", { ...vars, left: reward.stock });
    keyboard.text(label, rewardCb.pick(reward.id)).row();
  }
  return keyboard.text(t("btn-my-rewards"), rewardCb.mine);
}

export function confirmKeyboard(t: T, rewardId: string): InlineKeyboard {
  return new InlineKeyboard()
    .text(t("btn-reward-take"), rewardCb.take(rewardId))
    .text(t("btn-reward-decline"), rewardCb.decline);
}

/** The customer's usable codes, each opening its QR picture again. */
export function myRewardsKeyboard(t: T, redemptions: readonly RedemptionView[]): InlineKeyboard {
  const keyboard = new InlineKeyboard();
  for (const redemption of redemptions) {
    keyboard
      .text(t("btn-reward-show", { title: redemption.rewardTitle }), rewardCb.show(redemption.code))
      .row();
  }
  return keyboard;
}
