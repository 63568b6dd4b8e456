import { GrammyError, InputFile, type Keyboard } from "grammy";
import type { Message } from "grammy/types";
import { formatCardNumber } from "../../core/loyalty/card-number.ts";
import { cardDeepLink, renderCardQr } from "../../core/loyalty/card-qr.ts";
import type { CardSummary } from "../../core/loyalty/card-summary.ts";
import { formatMoney } from "./money.ts";

type T = (key: string, vars?: Record<string, string | number>) => string;

/** The owner's name for a tier, or the bot's own word for its key. */
export function tierLabel(t: T, key: string, name: string | null): string {
  return name ?? t(`tier-${key}`);
}

export function cardCaption(t: T, card: CardSummary, locale: string): string {
  const lines = [
    t("card-caption", {
      number: formatCardNumber(card.number),
      count: card.balance,
      tier: tierLabel(t, card.tier, card.tierName),
    }),
    card.nextTier
      ? t("card-next-tier", {
          tier: tierLabel(t, card.nextTier, card.nextTierName),
          amount: formatMoney(card.remainingMinor, card.currency, locale),
        })
      : t("card-top-tier"),
  ];
  if (card.nextTier && card.basisMonths) {
    lines.push(t("card-tier-basis", { months: card.basisMonths }));
  }
  return lines.join("\n");
}

type PhotoOptions = { caption?: string; reply_markup?: Keyboard };

/** What sending a card needs; works outside and inside conversations. */
export type CardReplyContext = {
  me: { username: string };
  t: T;
  i18n: { getLocale(): Promise<string> };
  replyWithPhoto(photo: InputFile | string, other?: PhotoOptions): Promise<Message.PhotoMessage>;
};

/** A new upload Telegram now keeps under `fileId`; the caller remembers it with the card. */
export type UploadedCardQr = { fileId: string; link: string };

/**
 * The card: QR code picture with number, balance and tier in the caption. The picture is
 * uploaded once; afterwards it is re-sent by the file_id Telegram gave it, unless that id no
 * longer works (another bot token, or the bot's username and so the link changed).
 * Returns the new upload, if there was one.
 */
export async function sendCard(
  ctx: CardReplyContext,
  card: CardSummary,
  keyboard?: Keyboard,
): Promise<UploadedCardQr | null> {
  const link = cardDeepLink(ctx.me.username, card.number);
  const options: PhotoOptions = {
    caption: cardCaption(ctx.t, card, await ctx.i18n.getLocale()),
    ...(keyboard ? { reply_markup: keyboard } : {}),
  };
  if (card.qrFileId && card.qrLink === link) {
    try {
      await ctx.replyWithPhoto(card.qrFileId, options);
      return null;
    } catch (error) {
      // "wrong file identifier": uploaded by another bot or expired; upload it again.
      if (!(error instanceof GrammyError && error.error_code === 400)) throw error;
    }
  }
  const png = await renderCardQr(link);
  const sent = await ctx.replyWithPhoto(new InputFile(png, `card-${card.number}.png`), options);
  const fileId = sent.photo?.at(-1)?.file_id;
  return fileId ? { fileId, link } : null;
}
