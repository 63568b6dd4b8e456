import { hears } from "@grammyjs/i18n";
import { Composer, InlineKeyboard } from "grammy";
import { getHistory, type HistoryPage } from "../../../core/loyalty/history.ts";
import { cb, cbPatterns } from "../../callback-data.ts";
import type { BotContext } from "../../context.ts";
import { answerCallback } from "../../cosmetic.ts";
import { formatMoney } from "../../views/money.ts";
import { withCard } from "./require-card.ts";

const PAGE_SIZE = 10;

export const historyFeature = new Composer<BotContext>();
const chats = historyFeature.chatType("private");

async function render(
  ctx: BotContext,
  history: HistoryPage,
): Promise<{ text: string; keyboard: InlineKeyboard }> {
  if (history.total === 0) return { text: ctx.t("history-empty"), keyboard: new InlineKeyboard() };
  const locale = await ctx.i18n.getLocale();
  const { currency } = await ctx.deps.loyalty.get();
  const dateFormat = new Intl.DateTimeFormat(locale === "en" ? "en-GB" : "ru-RU", {
    timeZone: ctx.deps.config.timeZone,
    day: "2-digit",
    month: "2-digit",
    year: "numeric",
  });
  const lines = history.items.map((item) =>
    ctx.t("history-entry", {
      date: dateFormat.format(new Date(item.at)),
      sign: item.delta > 0 ? "+" : "−",
      points: Math.abs(item.delta),
      what: item.purchaseAmountMinor
        ? ctx.t("history-purchase", {
            amount: formatMoney(item.purchaseAmountMinor, currency, locale),
          })
        : ctx.t(`history-kind-${item.kind}`),
    }),
  );
  const keyboard = new InlineKeyboard();
  if (history.page > 1) keyboard.text(ctx.t("btn-prev"), cb.historyPage(history.page - 1));
  if (history.page < history.pages)
    keyboard.text(ctx.t("btn-next"), cb.historyPage(history.page + 1));
  return {
    text: [ctx.t("history-title", { page: history.page, pages: history.pages }), ...lines].join(
      "\n",
    ),
    keyboard,
  };
}

chats.filter(
  hears("menu-history"),
  withCard(async (ctx) => {
    const history = await getHistory(ctx.deps.sql, {
      customerId: ctx.customer.id,
      page: 1,
      pageSize: PAGE_SIZE,
    });
    const { text, keyboard } = await render(ctx, history);
    await ctx.reply(text, { reply_markup: keyboard });
  }),
);

chats.callbackQuery(
  cbPatterns.historyPage,
  withCard(async (ctx) => {
    const page = Number(ctx.match[1]);
    const history = await getHistory(ctx.deps.sql, {
      customerId: ctx.customer.id,
      page,
      pageSize: PAGE_SIZE,
    });
    const { text, keyboard } = await render(ctx, history);
    await answerCallback(ctx);
    // A double tap asks for the page already shown; Telegram then says "message is not modified".
    await ctx.editMessageText(text, { reply_markup: keyboard }).catch((err: unknown) => {
      if (!String((err as Error).message).includes("not modified")) throw err;
    });
  }),
);
