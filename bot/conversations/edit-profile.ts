import { type EditableField, editableFields } from "../callback-data.ts";
import { mainMenuKeyboard } from "../keyboards/main-menu.ts";
import { adoptLocale } from "./locale.ts";
import {
  askGender,
  askName,
  askPhone,
  askTextField,
  type StepContext,
  type StepConversation,
  type StepDeps,
} from "./steps.ts";

export const EDIT_PROFILE = "edit-profile";

/** Changes one profile field from "Profile"; every question can be cancelled. */
export function createEditProfile(deps: StepDeps) {
  return async function editProfile(
    conversation: StepConversation,
    ctx: StepContext,
    field: EditableField,
  ): Promise<void> {
    if (!editableFields.includes(field)) return;
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
    } else if (field === "gender") {
      saved = await askGender(conversation, ctx, deps, { customerId, escape: "cancel" });
    } else if (field === "phone") {
      saved = (await askPhone(conversation, ctx, deps, { customerId, escape: "cancel" })) !== null;
    } else {
      saved = await askTextField(conversation, ctx, deps, { customerId, field, escape: "cancel" });
    }
    await ctx.reply(ctx.t(saved ? "profile-saved" : "profile-edit-cancelled"), {
      reply_markup: mainMenuKeyboard(ctx.t),
    });
  };
}
