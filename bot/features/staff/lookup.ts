import { hears } from "@grammyjs/i18n";
import { Composer } from "grammy";
import { parseStartPayload } from "../../../core/customers/deep-link.ts";
import type { CustomerWithCard } from "../../../core/db/tables/customers.ts";
import { findCustomer } from "../../../core/staff/find-customer.ts";
import type { BotContext } from "../../context.ts";
import { mainMenuKeyboard, staffMenuKeyboard } from "../../keyboards/main-menu.ts";
import { staffActionsKeyboard } from "../../keyboards/staff-actions.ts";
import { staffActor } from "../../staff.ts";
import { staffCustomerView } from "../../views/staff-customer.ts";
import { startAsCustomer } from "../start.ts";
import { showRewardCode } from "./reward-codes.ts";

/**
 * Staff find customers: by scanning a card's QR code (it opens `/start card_<number>`), or by
 * sending a card number, a phone or an @username. Others learn nothing from a card link: for
 * them it is the customer's own /start. A disabled staff member is told so.
 */
export const staffLookupFeature = new Composer<BotContext>();
const chats = staffLookupFeature.chatType("private");

/** The staff view of a customer with the actions the staff member's role allows. */
export async function showCustomer(ctx: BotContext, found: CustomerWithCard): Promise<void> {
  const actor = staffActor(ctx);
  const { text, keyboard } = staffCustomerView(ctx.t, found, {
    settings: await ctx.deps.loyalty.get(),
    locale: await ctx.i18n.getLocale(),
    timeZone: ctx.deps.config.timeZone,
    actions: actor && found.card ? staffActionsKeyboard(ctx.t, actor, found.customer.id) : null,
  });
  const own = found.customer.id === ctx.customer?.id;
  await ctx.reply(own ? `${text}\n\n${ctx.t("staff-own-card")}` : text, {
    ...(keyboard && !own ? { reply_markup: keyboard } : {}),
  });
}

async function lookUp(ctx: BotContext, query: string): Promise<"shown" | "not_a_query"> {
  const actor = staffActor(ctx);
  if (!actor) return "not_a_query";
  const result = await findCustomer(ctx.deps.sql, {
    actor,
    query,
    phoneRegion: ctx.deps.config.onboarding.phoneDefaultRegion,
  });
  if (result.kind === "not_a_query") return "not_a_query";
  if (result.kind === "found") await showCustomer(ctx, result);
  else
    await ctx.reply(
      ctx.t(result.kind === "not_found" ? "staff-not-found" : "staff-bad-card-number"),
    );
  return "shown";
}

/**
 * /start from staff: a card's QR code opens that customer, and a plain /start from staff without
 * a card of their own opens the staff menu rather than a customer's onboarding. Installed before
 * the start feature, which handles everyone else (a card link opened by anyone but staff is just
 * their own /start).
 */
export const staffStartFeature = new Composer<BotContext>();
staffStartFeature.chatType("private").command("start", async (ctx, next) => {
  if (!staffActor(ctx)) return next();
  const payload = parseStartPayload(ctx.match);
  if (payload.kind === "card") return void (await lookUp(ctx, payload.number));
  if (payload.kind === "reward") {
    return void (await showRewardCode(ctx, payload.code, { scanned: true }));
  }
  if (payload.kind === "none" && ctx.customer?.status !== "ACTIVE") {
    await ctx.reply(ctx.t("staff-mode-on"), {
      reply_markup: staffMenuKeyboard(ctx.t, staffActor(ctx)?.role),
    });
    return;
  }
  await next();
});

async function enterStaffMode(ctx: BotContext): Promise<void> {
  if (!staffActor(ctx)) {
    await ctx.reply(ctx.t("staff-no-access"), {
      reply_markup:
        ctx.customer?.status === "ACTIVE" ? mainMenuKeyboard(ctx.t) : { remove_keyboard: true },
    });
    return;
  }
  await ctx.reply(ctx.t("staff-mode-on"), {
    reply_markup: staffMenuKeyboard(ctx.t, staffActor(ctx)?.role),
  });
}

chats.command("staff", enterStaffMode);
chats.filter(hears("menu-staff-mode"), enterStaffMode);

chats.filter(hears("staff-menu-find"), async (ctx) => {
  if (!staffActor(ctx)) return void (await ctx.reply(ctx.t("staff-no-access")));
  await ctx.reply(ctx.t("staff-find-prompt"), {
    reply_markup: staffMenuKeyboard(ctx.t, staffActor(ctx)?.role),
  });
});

chats.filter(hears("staff-menu-customer-mode"), async (ctx) => {
  // No card of their own yet: the customer's /start, which onboards them.
  if (ctx.customer?.status !== "ACTIVE") return startAsCustomer(ctx, "");
  await ctx.reply(ctx.t("staff-customer-mode-on"), {
    reply_markup: mainMenuKeyboard(ctx.t, { staff: staffActor(ctx) !== null }),
  });
});

// Anything a staff member types that no menu took: a reward code, a card number, a phone, an
// @username.
chats.on("message:text", async (ctx, next) => {
  if (ctx.message.text.startsWith("/")) return next();
  if ((await showRewardCode(ctx, ctx.message.text)) === "shown") return;
  if ((await lookUp(ctx, ctx.message.text)) === "not_a_query") return next();
});
