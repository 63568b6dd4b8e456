import { hears } from "@grammyjs/i18n";
import { Composer } from "grammy";
import { can, Permission } from "../../../core/access/permissions.ts";
import type { BotContext } from "../../context.ts";
import { WALK_IN } from "../../conversations/walk-in.ts";
import { staffActor } from "../../staff.ts";

/** "➕ New customer" in the staff menu: registering a walk-in by phone (conversations/walk-in.ts). */
export const staffWalkInFeature = new Composer<BotContext>();

staffWalkInFeature.chatType("private").filter(hears("staff-menu-new-customer"), async (ctx) => {
  const actor = staffActor(ctx);
  if (!actor) return void (await ctx.reply(ctx.t("staff-no-access")));
  if (!can(actor.role, Permission.registerCustomer)) {
    return void (await ctx.reply(ctx.t("staff-forbidden")));
  }
  await ctx.conversation.enter(WALK_IN);
});
