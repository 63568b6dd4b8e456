import { findMergeCandidate } from "../../core/customers/find-merge-candidate.ts";
import { AppError } from "../../core/errors.ts";
import { mergeConfirmKeyboard } from "../keyboards/merge.ts";
import { cancelKeyboard } from "../keyboards/onboarding.ts";
import { staffActor } from "../staff.ts";
import { staffCustomerView } from "../views/staff-customer.ts";
import { adoptLocale } from "./locale.ts";
import { CANCELLED, SKIPPED, staffInput } from "./staff-input.ts";
import type { StepContext, StepConversation, StepDeps } from "./steps.ts";

export const MERGE_CARDS = "staff-merge-cards";

/** The message for each way the second card is not (yet) one to merge with. */
const answers = {
  not_found: "staff-not-found",
  bad_card_number: "staff-bad-card-number",
  not_a_query: "staff-not-a-query",
  same_customer: "merge-same",
} as const;

const refusals = {
  own_card: "merge-own-card",
  closed: "merge-closed",
  two_telegram_accounts: "merge-two-telegram",
  kept_has_no_card: "merge-kept-no-card",
} as const;

type Outcome =
  | "shown"
  | "no_access"
  | "forbidden"
  | keyof typeof answers
  | { refused: keyof typeof refusals };

/**
 * The first half of merging two cards (MANAGER or OWNER): staff send the other card's number,
 * phone or @username; both customers are shown side by side with Confirm. Confirm is handled
 * outside this conversation (features/staff/merge.ts), so it works however late it is pressed.
 * Another card number or phone is asked for again after a miss; a refusal (two Telegram
 * accounts, a closed record, one's own card) ends it.
 */
export function createMergeCards(deps: StepDeps) {
  return async function mergeCards(
    conversation: StepConversation,
    ctx: StepContext,
    keepId: string,
  ): Promise<void> {
    await adoptLocale(conversation, ctx);
    await ctx.reply(ctx.t("merge-ask-other"), { reply_markup: cancelKeyboard(ctx.t) });
    for (;;) {
      const input = await staffInput(conversation, deps, {
        hint: "staff-not-a-query",
        contact: true,
      });
      if (input === CANCELLED || input === SKIPPED) {
        await ctx.reply(ctx.t("merge-cancelled"));
        return;
      }
      const outcome = await conversation.external(async (outside): Promise<Outcome> => {
        const actor = staffActor(outside);
        if (!actor) return "no_access";
        try {
          const found = await findMergeCandidate(deps.sql, {
            actor,
            keepId,
            query: input,
            phoneRegion: deps.config.onboarding.phoneDefaultRegion,
          });
          if (found.kind === "refused") return { refused: found.reason };
          if (found.kind !== "found") return found.kind;
          const view = async (side: typeof found.kept) =>
            staffCustomerView(outside.t, side, {
              settings: await deps.loyalty.get(),
              locale: await outside.i18n.getLocale(),
              timeZone: deps.config.timeZone,
              actions: null,
            }).text;
          await outside.reply(
            outside.t("merge-preview", {
              kept: await view(found.kept),
              other: await view(found.other),
              count: found.kept.card && found.other.card ? found.other.card.balance : 0,
            }),
            { reply_markup: mergeConfirmKeyboard(outside.t, keepId, found.other.customer.id) },
          );
          return "shown";
        } catch (error) {
          if (error instanceof AppError && error.code === "forbidden") return "forbidden";
          throw error;
        }
      });
      if (outcome === "shown") return;
      if (outcome === "no_access") return void (await ctx.reply(ctx.t("staff-no-access")));
      if (outcome === "forbidden") return void (await ctx.reply(ctx.t("staff-forbidden")));
      if (typeof outcome === "object")
        return void (await ctx.reply(ctx.t(refusals[outcome.refused])));
      await ctx.reply(ctx.t(answers[outcome]));
    }
  };
}
