import type { Keyboard } from "grammy";
import { InputFile } from "grammy";
import type { Message } from "grammy/types";
import { formatCardNumber } from "../../core/loyalty/card-number.ts";
import { cardDeepLink, renderCardQr } from "../../core/loyalty/card-qr.ts";
import type { CardSummary } from "../../core/loyalty/card-summary.ts";

type T = (key: string, vars?: Record<string, string | number>) => string;

export function formatRubles(minor: string | bigint): string {
  const value = BigInt(minor);
  const rubles = value / 100n;
  const kopecks = value % 100n;
  const whole = rubles.toString().replace(/\B(?=(\d{3})+(?!\d))/g, " ");
  return kopecks === 0n ? whole : `${whole},${kopecks.toString().padStart(2, "0")}`;
}

export function cardCaption(t: T, card: CardSummary): string {
  const lines = [
    t("card-caption", {
      number: formatCardNumber(card.number),
      count: card.balance,
      tier: t(`tier-${card.tier}`),
    }),
    card.nextTier
      ? t("card-next-tier", {
          tier: t(`tier-${card.nextTier}`),
          amount: formatRubles(card.remainingMinor),
        })
      : t("card-top-tier"),
  ];
  return lines.join("\n");
}

/** The card: QR code image with number, balance and tier in the caption. */
export async function sendCard(
  ctx: {
    me: { username: string };
    replyWithPhoto(
      photo: InputFile,
      other?: { caption?: string; reply_markup?: Keyboard },
    ): Promise<Message.PhotoMessage>;
  },
  t: T,
  card: CardSummary,
  keyboard?: Keyboard,
): Promise<void> {
  const png = await renderCardQr(cardDeepLink(ctx.me.username, card.number));
  await ctx.replyWithPhoto(new InputFile(png, `card-${card.number}.png`), {
    caption: cardCaption(t, card),
    ...(keyboard ? { reply_markup: keyboard } : {}),
  });
}
