import { mayBeAsked } from "../../core/questions/eligibility.ts";
import { QUESTION_KEY_PATTERN } from "../../core/questions/types.ts";
import { mainMenuKeyboard } from "../keyboards/main-menu.ts";
import { askBankQuestion } from "./ask-question.ts";
import { adoptLocale } from "./locale.ts";
import {
  askName,
  askPhone,
  type StepContext,
  type StepConversation,
  type StepDeps,
} from "./steps.ts";

export const EDIT_PROFILE = "edit-profile";

/**
 * Changes one field from "My profile": the name, the phone, or the answer to any active
 * question of the bank (standard or custom). Every question can be cancelled; a changed answer
 * keeps its history in the answer log.
 */
export function createEditProfile(deps: StepDeps) {
  return async function editProfile(
    conversation: StepConversation,
    ctx: StepContext,
    field: string,
  ): Promise<void> {
    if (typeof field !== "string" || !QUESTION_KEY_PATTERN.test(field)) return;
    await adoptLocale(conversation, ctx);
    // The customer as this update loaded them: no query of its own.
    const customerId = await conversation.external((outside) =>
      outside.customer?.status === "ACTIVE" ? outside.customer.id : null,
    );
    if (!customerId) return;

    let saved: boolean;
    if (field === "name") {
      saved =
        (await askName(conversation, ctx, deps, {
          customerId,
          suggested: undefined,
          escape: "cancel",
        })) !== null;
    } else if (field === "phone") {
      saved = (await askPhone(conversation, ctx, deps, { customerId, escape: "cancel" })) !== null;
    } else {
      // A button from an older "My profile" may name a question removed since, switched off,
      // or not to be asked (a health question without its consent).
      const question = await conversation.external(async (outside) => {
        const found = await deps.questions.byKey(field);
        return found &&
          outside.customer &&
          mayBeAsked(outside.customer, { ...found, condition: null })
          ? found
          : null;
      });
      if (!question) {
        await ctx.reply(ctx.t("ask-question-changed"));
        return;
      }
      const result = await askBankQuestion(conversation, ctx, deps, {
        customerId,
        question,
        escape: "cancel",
        source: "profile",
      });
      if (result === "gone") return;
      saved = result === "answered";
    }
    await ctx.reply(ctx.t(saved ? "profile-saved" : "profile-edit-cancelled"), {
      reply_markup: mainMenuKeyboard(ctx.t),
    });
  };
}
