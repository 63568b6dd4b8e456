import { hears } from "@grammyjs/i18n";
import { Composer, InlineKeyboard, InputFile } from "grammy";
import { deleteCustomerData } from "../../../core/privacy/delete-customer-data.ts";
import { exportCustomerData } from "../../../core/privacy/export-customer-data.ts";
import { cb } from "../../callback-data.ts";
import type { BotContext } from "../../context.ts";
import { answerCallback, removeButtons } from "../../cosmetic.ts";
import { withCard } from "./require-card.ts";

export const myDataFeature = new Composer<BotContext>();
const chats = myDataFeature.chatType("private");

chats.filter(
  hears("menu-data"),
  withCard(async (ctx) => {
    await ctx.reply(ctx.t("data-view"), {
      reply_markup: new InlineKeyboard()
        .text(ctx.t("btn-data-export"), cb.dataExport)
        .row()
        .text(ctx.t("btn-data-delete"), cb.dataDelete),
    });
  }),
);

chats.callbackQuery(
  cb.dataExport,
  withCard(async (ctx) => {
    await answerCallback(ctx);
    const data = await exportCustomerData(ctx.deps.prisma, ctx.customer.id);
    const none = ctx.t("not-set");
    await ctx.reply(
      ctx.t("data-export-summary", {
        name: data.profile.name ?? none,
        phone: data.profile.phone ?? none,
        birthday: data.profile.birthday ?? none,
        city: data.profile.city ?? none,
        email: data.profile.email ?? none,
        card: data.card?.number ?? none,
        count: data.card?.balance ?? 0,
        purchases: data.purchases.length,
        consentAt: data.consents.dataProcessing.at?.slice(0, 10) ?? none,
        marketing: data.consents.marketing.granted ? "yes" : "no",
        events: data.timeline.length,
      }),
    );
    const file = Buffer.from(JSON.stringify(data, null, 2), "utf8");
    await ctx.replyWithDocument(new InputFile(file, "my-data.json"), {
      caption: ctx.t("data-export-caption"),
    });
  }),
);

chats.callbackQuery(
  cb.dataDelete,
  withCard(async (ctx) => {
    await answerCallback(ctx);
    await ctx.reply(ctx.t("data-delete-confirm"), {
      reply_markup: new InlineKeyboard()
        .text(ctx.t("btn-data-delete-confirm"), cb.dataDeleteConfirm)
        .row()
        .text(ctx.t("btn-cancel"), cb.dataDeleteCancel),
    });
  }),
);

chats.callbackQuery(cb.dataDeleteCancel, async (ctx) => {
  await answerCallback(ctx);
  await removeButtons(ctx);
  await ctx.reply(ctx.t("data-delete-cancelled"));
});

// Not behind requireCard: a second tap after deletion finds no customer and must stay quiet.
chats.callbackQuery(cb.dataDeleteConfirm, async (ctx) => {
  await answerCallback(ctx);
  await removeButtons(ctx);
  const customer = ctx.customer;
  if (customer?.status !== "ACTIVE") return;
  const goodbye = ctx.t("data-deleted");
  await deleteCustomerData(ctx.deps.prisma, { customerId: customer.id });
  // grammY deletes the stored session when it is set to undefined.
  (ctx as { session: unknown }).session = undefined;
  ctx.customer = null;
  await ctx.reply(goodbye, { reply_markup: { remove_keyboard: true } });
});
