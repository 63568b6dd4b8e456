import type { Sql } from "../db/sql.ts";
import { setCardQrPhoto } from "../db/tables/loyalty-cards.ts";
import { qrPng } from "./qr-png.ts";

/**
 * The QR code on a card encodes a deep link into the bot (`/start card_<number>`): a staff
 * member's phone camera opens the bot straight on that card, and any QR scanner still shows
 * the number.
 */
export function cardDeepLink(botUsername: string, cardNumber: string): string {
  return `https://t.me/${botUsername}?start=card_${cardNumber}`;
}

// Loaded on first use: nothing else needs it, and most updates never draw a card. Kept, since
// every import() goes through the module loader again.
const importQrcode = () => import("qrcode");
let qrcode: ReturnType<typeof importQrcode> | undefined;
function loadQrcode() {
  qrcode ??= importQrcode();
  return qrcode;
}

/**
 * Renders the QR picture (PNG). It is drawn once per card: afterwards the picture is re-sent by
 * Telegram's file_id.
 */
export async function renderCardQr(content: string): Promise<Buffer> {
  const { default: QRCode } = await loadQrcode();
  const { modules } = QRCode.create(content, { errorCorrectionLevel: "M" });
  // 10 px per module (370 px for a 33-module code): every module the same size, sharp for a
  // camera.
  return qrPng(modules, { scale: 10, margin: 2 });
}

/** Keeps the id Telegram gave the uploaded picture, valid for the link it encodes. */
export function rememberCardQrPhoto(
  sql: Sql,
  options: { cardId: string; fileId: string; link: string },
): Promise<void> {
  return setCardQrPhoto(sql, options);
}
