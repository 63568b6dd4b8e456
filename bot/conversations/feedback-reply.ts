import { type Actor, can, Permission } from "../../core/access/permissions.ts";
import { selectFeedbackDetail } from "../../core/db/tables/feedback.ts";
import { AppError } from "../../core/errors.ts";
import { answerFeedback, FEEDBACK_ANSWER_MAX_LENGTH } from "../../core/feedback/answer-feedback.ts";
import { cancelKeyboard } from "../keyboards/onboarding.ts";
import { staffActor } from "../staff.ts";
import { adoptLocale } from "./locale.ts";
import { CANCELLED, SKIPPED, staffInput } from "./staff-input.ts";
import type { StepContext, StepConversation, StepDeps } from "./steps.ts";

export const FEEDBACK_REPLY = "staff-feedback-reply";

type Outcome = "sent" | "no_access" | "forbidden" | "not_found" | { already: string };

/**
 * A staff member answers a customer's low score (after "✍️ Reply" under the alert): the text
 * they write goes to the customer from the business, and the item is closed with who answered.
 * Cancel, a menu button or a command leave without sending anything.
 */
export function createFeedbackReply(deps: StepDeps) {
  return async function feedbackReply(
    conversation: StepConversation,
    ctx: StepContext,
    feedbackId: string,
  ): Promise<void> {
    await adoptLocale(conversation, ctx);
    const name = await conversation.external(async () => {
      const detail = await selectFeedbackDetail(deps.sql, feedbackId);
      return detail?.name ?? detail?.firstName ?? "—";
    });
    await ctx.reply(ctx.t("feedback-reply-prompt", { name, business: deps.config.businessName }), {
      reply_markup: cancelKeyboard(ctx.t),
    });
    for (;;) {
      const input = await staffInput(conversation, deps, { hint: "feedback-reply-text-expected" });
      if (input === CANCELLED || input === SKIPPED) {
        await ctx.reply(ctx.t("feedback-reply-cancelled"));
        return;
      }
      const answer = input.trim();
      if (answer.length === 0) {
        await ctx.reply(ctx.t("feedback-reply-text-expected"));
        continue;
      }
      if (answer.length > FEEDBACK_ANSWER_MAX_LENGTH) {
        await ctx.reply(
          ctx.t("feedback-reply-too-long", {
            length: answer.length,
            max: FEEDBACK_ANSWER_MAX_LENGTH,
          }),
        );
        continue;
      }
      const outcome = await conversation.external(async (outside): Promise<Outcome> => {
        const actor: Actor | null = staffActor(outside);
        if (!actor) return "no_access";
        if (!can(actor.role, Permission.answerFeedback)) return "forbidden";
        try {
          const result = await answerFeedback(deps.sql, {
            actor,
            feedbackId,
            answer,
            business: deps.config.businessName,
          });
          if (result.kind === "already_answered") return { already: result.by ?? "—" };
          return result.kind === "answered" ? "sent" : "not_found";
        } catch (error) {
          if (error instanceof AppError && error.code === "forbidden") return "forbidden";
          throw error;
        }
      });
      if (typeof outcome === "object") {
        await ctx.reply(ctx.t("feedback-already-answered", { name: outcome.already }));
      } else {
        const key = {
          sent: "feedback-reply-sent",
          no_access: "staff-no-access",
          forbidden: "staff-forbidden",
          not_found: "feedback-not-found",
        }[outcome];
        await ctx.reply(ctx.t(key));
      }
      return;
    }
  };
}
