import type { QRCodeToBufferOptions } from "qrcode";
import type { Sql } from "../db/sql.ts";
import { setCardQrPhoto } from "../db/tables/loyalty-cards.ts";

/**
 * The QR code on a card encodes a deep link into the bot (`/start card_<number>`): a staff
 * member's phone camera opens the bot straight on that card, and any QR scanner still shows
 * the number.
 */
export function cardDeepLink(botUsername: string, cardNumber: string): string {
  return `https://t.me/${botUsername}?start=card_${cardNumber}`;
}

/**
 * Renders the QR picture (PNG). A fixed row filter: pngjs otherwise tries all five filters on
 * every row, about 3× the time for a picture that only needs to scan well. It is rendered once
 * per card anyway: afterwards the picture is re-sent by Telegram's file_id.
 */
export async function renderCardQr(content: string): Promise<Buffer> {
  // Loaded on first use: nothing else needs it, and most updates never draw a card.
  const { default: QRCode } = await import("qrcode");
  return QRCode.toBuffer(content, {
    type: "png",
    errorCorrectionLevel: "M",
    margin: 2,
    width: 480,
    // pngjs takes filterType; @types/qrcode does not list it.
    rendererOpts: { filterType: 1 } as QRCodeToBufferOptions["rendererOpts"],
  });
}

/** Keeps the id Telegram gave the uploaded picture, valid for the link it encodes. */
export function rememberCardQrPhoto(
  sql: Sql,
  options: { cardId: string; fileId: string; link: string },
): Promise<void> {
  return setCardQrPhoto(sql, options);
}
