import { Composer, InlineKeyboard } from "grammy";
import { can, Permission } from "../../core/access/permissions.ts";
import { selectFeedbackDetail } from "../../core/db/tables/feedback.ts";
import {
  commentFeedback,
  FEEDBACK_COMMENT_MAX_LENGTH,
} from "../../core/feedback/comment-feedback.ts";
import {
  feedbackReplyPattern,
  feedbackScorePattern,
  feedbackSkipCommentCallback,
  feedbackSkipCommentPattern,
} from "../../core/feedback/feedback-message.ts";
import { setFeedbackSubscription } from "../../core/feedback/feedback-subscription.ts";
import { giveFeedback } from "../../core/feedback/give-feedback.ts";
import { readOpenQuestion } from "../../core/questions/open-question.ts";
import type { BotContext } from "../context.ts";
import { FEEDBACK_REPLY } from "../conversations/feedback-reply.ts";
import { answerCallback, bestEffort, removeButtons } from "../cosmetic.ts";
import { staffActor } from "../staff.ts";
import { telegramIdentity } from "../telegram-identity.ts";

/**
 * The rating after a purchase (core/feedback): the customer's score, "what went wrong?" after a
 * low one, and staff answering from the alert. The comment handler acts only while a
 * "feedback_comment" question is open, and is installed after the menus (a menu button is
 * never taken for a comment) and before the progressive questions' answers.
 */
export const feedbackFeature = new Composer<BotContext>();
const chats = feedbackFeature.chatType("private");

chats.callbackQuery(feedbackScorePattern, async (ctx) => {
  const customer = ctx.customer;
  const [, token = "", score = ""] = ctx.match;
  const result = customer
    ? await giveFeedback(ctx.deps.sql, {
        customer,
        token,
        score: Number(score),
        settings: (await ctx.deps.loyalty.get()).feedback,
      })
    : ({ kind: "stale" } as const);
  if (result.kind === "stale") {
    await answerCallback(ctx, ctx.t("feedback-stale"));
    return;
  }
  ctx.customer = result.customer;
  await answerCallback(ctx);
  await removeButtons(ctx);
  if (result.kind === "low" && result.commentToken) {
    await ctx.reply(ctx.t("feedback-ask-comment"), {
      reply_markup: new InlineKeyboard().text(
        ctx.t("btn-feedback-no-comment"),
        feedbackSkipCommentCallback(result.commentToken),
      ),
    });
    return;
  }
  const reviewUrl = (await ctx.deps.loyalty.get()).feedback.reviewUrl;
  if (result.kind === "high" && reviewUrl) {
    await ctx.reply(ctx.t("feedback-thanks-review"), {
      reply_markup: new InlineKeyboard().url(ctx.t("btn-feedback-review"), reviewUrl),
    });
    return;
  }
  await ctx.reply(ctx.t("feedback-thanks"));
});

/** The comment (or none) is saved and staff are alerted; a second answer does nothing. */
async function finishComment(ctx: BotContext, comment: string | null, token?: string) {
  const customer = ctx.customer;
  if (!customer) return "stale" as const;
  const result = await commentFeedback(ctx.deps.sql, {
    customer,
    comment,
    ...(token === undefined ? {} : { token }),
    timeZone: ctx.deps.config.timeZone,
  });
  if (result.kind === "stale") return "stale" as const;
  ctx.customer = result.customer;
  if (result.unreachableStaff.length > 0) {
    ctx.logger.warn(
      { staffIds: result.unreachableStaff },
      "staff receiving feedback have no chat with the bot; alert not sent to them",
    );
  }
  return "saved" as const;
}

chats.callbackQuery(feedbackSkipCommentPattern, async (ctx) => {
  if ((await finishComment(ctx, null, ctx.match[1])) === "stale") {
    await answerCallback(ctx, ctx.t("feedback-stale"));
    return;
  }
  await answerCallback(ctx);
  await removeButtons(ctx);
  await ctx.reply(ctx.t("feedback-comment-skipped"));
});

chats.on("message", async (ctx, next) => {
  if (readOpenQuestion(ctx.customer?.openQuestion)?.kind !== "feedback_comment") return next();
  const text = ctx.message.text;
  if (text?.startsWith("/")) return next();
  const comment = text?.trim();
  if (!comment) return void (await ctx.reply(ctx.t("feedback-comment-text-expected")));
  if (comment.length > FEEDBACK_COMMENT_MAX_LENGTH) {
    await ctx.reply(
      ctx.t("feedback-comment-too-long", {
        length: comment.length,
        max: FEEDBACK_COMMENT_MAX_LENGTH,
      }),
    );
    return;
  }
  if ((await finishComment(ctx, comment)) === "stale") return next();
  await ctx.reply(ctx.t("feedback-comment-thanks"));
});

// Staff: "✍️ Reply" under an alert.
chats.callbackQuery(feedbackReplyPattern, async (ctx) => {
  const actor = staffActor(ctx);
  const refusal = !actor
    ? ctx.staff
      ? "staff-no-access"
      : "staff-button-not-yours"
    : !can(actor.role, Permission.answerFeedback)
      ? "staff-forbidden"
      : null;
  if (refusal) {
    await bestEffort(() => ctx.answerCallbackQuery({ text: ctx.t(refusal), show_alert: true }));
    return;
  }
  await answerCallback(ctx);
  const feedbackId = ctx.match[1] as string;
  const detail = await selectFeedbackDetail(ctx.deps.sql, feedbackId);
  if (detail?.status === "CLOSED") {
    await ctx.reply(ctx.t("feedback-already-answered", { name: detail.answeredByName ?? "—" }));
    return;
  }
  if (detail?.status !== "OPEN") return void (await ctx.reply(ctx.t("feedback-not-found")));
  await ctx.conversation.enter(FEEDBACK_REPLY, feedbackId);
});

// Staff choose whether low scores come to them.
for (const [command, receives] of [
  ["feedback_on", true],
  ["feedback_off", false],
] as const) {
  chats.command(command, async (ctx, next) => {
    if (!ctx.staff) return next();
    const actor = staffActor(ctx);
    if (!actor || !can(actor.role, Permission.answerFeedback)) {
      await ctx.reply(ctx.t(actor ? "staff-forbidden" : "staff-no-access"));
      return;
    }
    await setFeedbackSubscription(ctx.deps.sql, {
      actor,
      receives,
      identity: telegramIdentity(ctx.from),
    });
    await ctx.reply(ctx.t(receives ? "feedback-subscribed" : "feedback-unsubscribed"));
  });
}
