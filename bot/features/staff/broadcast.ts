import { hears } from "@grammyjs/i18n";
import { Composer } from "grammy";
import { can, Permission } from "../../../core/access/permissions.ts";
import { getCampaign } from "../../../core/campaigns/get-campaign.ts";
import { AppError } from "../../../core/errors.ts";
import type { BotContext } from "../../context.ts";
import {
  BROADCAST,
  broadcastCb,
  broadcastStatusPattern,
  campaignDeps,
} from "../../conversations/broadcast.ts";
import { answerCallback, bestEffort } from "../../cosmetic.ts";
import { staffActor } from "../../staff.ts";

/**
 * Broadcasting from the bot: /broadcast or the staff menu's "📣 Рассылка" starts the
 * conversation (conversations/broadcast.ts) for a manager or owner; a cashier is told it is
 * theirs to ask for. Once launched, "🔄 Refresh" under the status shows the campaign's progress.
 */
export const staffBroadcastFeature = new Composer<BotContext>();
const chats = staffBroadcastFeature.chatType("private");

/** The manager or owner behind the update, or null after telling anyone else why not. */
async function broadcaster(ctx: BotContext) {
  const actor = staffActor(ctx);
  if (actor && can(actor.role, Permission.broadcast)) return actor;
  const key = ctx.staff?.active ? "broadcast-forbidden" : "staff-no-access";
  if (ctx.callbackQuery) {
    await bestEffort(() => ctx.answerCallbackQuery({ text: ctx.t(key), show_alert: true }));
  } else {
    await ctx.reply(ctx.t(key));
  }
  return null;
}

async function start(ctx: BotContext, next: () => Promise<void>) {
  // For a customer it is just an unknown command.
  if (!ctx.staff) return next();
  if (!(await broadcaster(ctx))) return;
  await ctx.conversation.enter(BROADCAST);
}

chats.command("broadcast", start);
chats.filter(hears("staff-menu-broadcast"), start);

chats.callbackQuery(broadcastCb.noop, (ctx) =>
  answerCallback(ctx, ctx.t("broadcast-preview-button")),
);

chats.callbackQuery(broadcastStatusPattern, async (ctx) => {
  const actor = await broadcaster(ctx);
  if (!actor) return;
  const id = ctx.match[1] as string;
  let campaign: Awaited<ReturnType<typeof getCampaign>>;
  try {
    campaign = await getCampaign(campaignDeps(ctx.deps, actor), id);
  } catch (error) {
    if (!(error instanceof AppError)) throw error;
    return answerCallback(ctx, ctx.t("broadcast-not-found"));
  }
  await answerCallback(ctx);
  const { stats } = campaign;
  const text = ctx.t("broadcast-status", {
    name: campaign.name,
    id,
    status: campaign.status,
    recipients: stats.recipients,
    sent: stats.sent,
    failed: stats.failed,
    blocked: stats.blocked,
    skipped: stats.skipped,
    pending: stats.pending,
    clicks: stats.clicks,
  });
  // The same figures again would make Telegram refuse the edit ("message is not modified").
  if (ctx.callbackQuery.message?.text === text) return;
  const markup = ctx.callbackQuery.message?.reply_markup;
  await bestEffort(() => ctx.editMessageText(text, markup ? { reply_markup: markup } : {}));
});
