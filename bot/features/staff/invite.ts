import { Composer } from "grammy";
import { parseStartPayload } from "../../../core/customers/deep-link.ts";
import { acceptStaffInvite } from "../../../core/staff/accept-invite.ts";
import { setStaffCommands } from "../../commands.ts";
import type { BotContext } from "../../context.ts";
import { bestEffort } from "../../cosmetic.ts";
import { staffMenuKeyboard } from "../../keyboards/main-menu.ts";

/**
 * `/start staff_<code>`: the invite link makes this Telegram account a staff member. Nothing
 * about it is registered as a customer. Installed before the start feature.
 */
export const staffInviteFeature = new Composer<BotContext>();

staffInviteFeature.chatType("private").command("start", async (ctx, next) => {
  const payload = parseStartPayload(ctx.match);
  if (payload.kind !== "staff") return next();
  const result = await acceptStaffInvite(ctx.deps.sql, {
    code: payload.code,
    telegramId: ctx.from.id,
  });
  if (result.kind === "joined") {
    ctx.staff = {
      id: result.staff.id,
      name: result.staff.name,
      role: result.staff.role,
      active: true,
    };
    await ctx.reply(
      ctx.t("staff-joined", {
        name: result.staff.name,
        role: ctx.t(`staff-role-${result.staff.role}`),
      }),
      { reply_markup: staffMenuKeyboard(ctx.t, result.staff.role) },
    );
    // Their command menu gains /staff (and /broadcast); the buttons above work without it.
    await bestEffort(() =>
      setStaffCommands(ctx.api, { telegramId: ctx.from.id, role: result.staff.role, active: true }),
    );
    return;
  }
  if (result.kind === "already_staff") {
    await ctx.reply(ctx.t("staff-already", { role: ctx.t(`staff-role-${result.staff.role}`) }), {
      reply_markup: staffMenuKeyboard(ctx.t, result.staff.role),
    });
    return;
  }
  await ctx.reply(ctx.t(`staff-invite-${result.kind}`));
});
