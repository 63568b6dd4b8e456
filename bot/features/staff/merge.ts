import { Composer } from "grammy";
import { can, Permission } from "../../../core/access/permissions.ts";
import { mergeCustomers } from "../../../core/customers/merge-customers.ts";
import { AppError } from "../../../core/errors.ts";
import type { BotContext } from "../../context.ts";
import { MERGE_CARDS } from "../../conversations/merge-cards.ts";
import { answerCallback, removeButtons } from "../../cosmetic.ts";
import { mergeCb, mergeCbPatterns, parseMergeConfirm } from "../../keyboards/merge.ts";
import { staffCbPatterns } from "../../keyboards/staff-actions.ts";
import { staffActor } from "../../staff.ts";
import { showCustomer } from "./lookup.ts";

/**
 * "🔗 Merge cards" under a customer staff found (MANAGER or OWNER): asks for the other card
 * (conversations/merge-cards.ts), which shows both with Confirm; Confirm merges here. The
 * presser's role is checked at every button, so a button on a forwarded or old message does
 * nothing for anyone who may not merge.
 */
export const staffMergeFeature = new Composer<BotContext>();
const chats = staffMergeFeature.chatType("private");

/** The staff member who may merge, or null after telling the presser why not. */
async function merger(ctx: BotContext) {
  const actor = staffActor(ctx);
  const refusal = !actor
    ? "staff-no-access"
    : !can(actor.role, Permission.mergeCustomers)
      ? "staff-forbidden"
      : null;
  if (!refusal) return actor;
  await answerCallback(ctx, ctx.t(refusal));
  await ctx.reply(ctx.t(refusal));
  return null;
}

chats.callbackQuery(staffCbPatterns.merge, async (ctx) => {
  if (!(await merger(ctx))) return;
  await answerCallback(ctx);
  await ctx.conversation.enter(MERGE_CARDS, ctx.match[1] as string);
});

/** Why core refused, as the message staff read. */
function refusalKey(error: AppError): string {
  const reason = error.details?.reason;
  if (error.code === "forbidden")
    return reason === "own_card" ? "merge-own-card" : "staff-forbidden";
  if (error.code === "not_found") return "staff-not-found";
  if (reason === "same_customer") return "merge-same";
  if (reason === "two_telegram_accounts") return "merge-two-telegram";
  if (reason === "kept_has_no_card") return "merge-kept-no-card";
  return "merge-closed";
}

chats.callbackQuery(mergeCbPatterns.confirm, async (ctx) => {
  const actor = await merger(ctx);
  if (!actor) return;
  const { keepId, mergeId } = parseMergeConfirm(ctx.match as RegExpMatchArray);
  let result: Awaited<ReturnType<typeof mergeCustomers>>;
  try {
    result = await mergeCustomers(ctx.deps.sql, {
      actor,
      keepId,
      mergeId,
      settings: await ctx.deps.loyalty.get(),
    });
  } catch (error) {
    if (!(error instanceof AppError)) throw error;
    await answerCallback(ctx);
    await removeButtons(ctx);
    await ctx.reply(ctx.t(refusalKey(error)));
    return;
  }
  // A second tap on the same Confirm: merged once already, nothing more to say.
  if (!result.merged) return void (await answerCallback(ctx, ctx.t("merge-already")));
  await answerCallback(ctx);
  await removeButtons(ctx);
  await ctx.reply(ctx.t("merge-done", { count: result.pointsTransferred }));
  await showCustomer(ctx, { customer: result.customer, card: result.card });
});

chats.callbackQuery(mergeCb.cancel, async (ctx) => {
  await answerCallback(ctx);
  await removeButtons(ctx);
  await ctx.reply(ctx.t("merge-cancelled"));
});
