import { InlineKeyboard } from "grammy";
import { AppError } from "../../core/errors.ts";
import { parseName } from "../../core/profile/validation.ts";
import { checkWalkInPhone, registerWalkIn } from "../../core/staff/register-walk-in.ts";
import { cb } from "../callback-data.ts";
import { showCustomer } from "../features/staff/lookup.ts";
import { cancelKeyboard } from "../keyboards/onboarding.ts";
import { staffActor } from "../staff.ts";
import { adoptLocale } from "./locale.ts";
import { CANCELLED, SKIPPED, staffInput } from "./staff-input.ts";
import type { StepContext, StepConversation, StepDeps } from "./steps.ts";

export const WALK_IN = "staff-walk-in";

/** What a step at the till came to; plain JSON, as conversation state keeps it. */
type Outcome = "shown" | "invalid_phone" | "no_access" | "forbidden" | { free: string };

/**
 * Registering a customer who is at the till but not in the bot: their phone (any usual format),
 * then their name or Skip, then the staff view of the new customer with their card. A phone
 * already on file shows that customer instead. Core is called through `external`, where the
 * outside context (with the staff member and deps) shows the customer exactly as a lookup does.
 */
export function createWalkIn(deps: StepDeps) {
  const region = deps.config.onboarding.phoneDefaultRegion;

  return async function walkIn(conversation: StepConversation, ctx: StepContext): Promise<void> {
    await adoptLocale(conversation, ctx);
    await ctx.reply(ctx.t("walk-in-phone"), { reply_markup: cancelKeyboard(ctx.t) });

    let phone: string;
    for (;;) {
      const input = await staffInput(conversation, deps, {
        hint: "walk-in-phone-hint",
        contact: true,
      });
      if (input === CANCELLED || input === SKIPPED) return cancelled(ctx);
      const outcome = await conversation.external(async (outside): Promise<Outcome> => {
        const actor = staffActor(outside);
        if (!actor) return "no_access";
        return asOutcome(async () => {
          const check = await checkWalkInPhone(deps.sql, {
            actor,
            phone: input,
            phoneRegion: region,
          });
          if (check.kind !== "existing")
            return check.kind === "free" ? { free: check.phone } : check.kind;
          await outside.reply(outside.t("walk-in-exists"));
          await showCustomer(outside, check);
          return "shown";
        });
      });
      if (typeof outcome === "object") {
        phone = outcome.free;
        break;
      }
      if (outcome === "invalid_phone") {
        await ctx.reply(ctx.t("walk-in-phone-invalid"));
        continue;
      }
      return ended(ctx, outcome);
    }

    await ctx.reply(ctx.t("walk-in-name"), {
      reply_markup: new InlineKeyboard()
        .text(ctx.t("btn-skip"), cb.skip)
        .text(ctx.t("btn-cancel"), cb.cancel),
    });
    let name: string | null = null;
    for (;;) {
      const input = await staffInput(conversation, deps, {
        hint: "walk-in-name-invalid",
        skip: true,
      });
      if (input === CANCELLED) return cancelled(ctx);
      if (input === SKIPPED) break;
      const parsed = parseName(input);
      if (parsed.ok) {
        name = parsed.value;
        break;
      }
      await ctx.reply(ctx.t("walk-in-name-invalid"));
    }

    const outcome = await conversation.external(async (outside): Promise<Outcome> => {
      const actor = staffActor(outside);
      if (!actor) return "no_access";
      return asOutcome(async () => {
        const settings = await deps.loyalty.get();
        const result = await registerWalkIn(deps.sql, {
          actor,
          phone,
          name,
          phoneRegion: region,
          welcomeBonus: settings.welcomeBonus,
        });
        if (result.kind === "invalid_phone") return "invalid_phone";
        if (result.kind === "existing") {
          await outside.reply(outside.t("walk-in-exists"));
        } else {
          const bonus =
            result.welcomeCredited > 0
              ? `\n${outside.t("walk-in-welcome-bonus", { count: result.welcomeCredited })}`
              : "";
          await outside.reply(`${outside.t("walk-in-registered")}${bonus}`);
        }
        await showCustomer(outside, result);
        return "shown";
      });
    });
    if (outcome !== "shown") await ended(ctx, outcome);
  };
}

/** A role that may not register customers meets the refusal here, not a generic error. */
async function asOutcome(step: () => Promise<Outcome>): Promise<Outcome> {
  try {
    return await step();
  } catch (error) {
    if (error instanceof AppError && error.code === "forbidden") return "forbidden";
    throw error;
  }
}

async function cancelled(ctx: StepContext): Promise<void> {
  await ctx.reply(ctx.t("walk-in-cancelled"));
}

async function ended(ctx: StepContext, outcome: Outcome): Promise<void> {
  if (outcome === "no_access") await ctx.reply(ctx.t("staff-no-access"));
  else if (outcome === "forbidden") await ctx.reply(ctx.t("staff-forbidden"));
}
