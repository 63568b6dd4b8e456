import QRCode from "qrcode";

/**
 * The QR code on a card encodes a deep link into the bot (`/start card_<number>`): a staff
 * member's phone camera opens the bot straight on that card, and any QR scanner still shows
 * the number.
 */
export function cardDeepLink(botUsername: string, cardNumber: string): string {
  return `https://t.me/${botUsername}?start=card_${cardNumber}`;
}

export function renderCardQr(content: string): Promise<Buffer> {
  return QRCode.toBuffer(content, {
    type: "png",
    errorCorrectionLevel: "M",
    margin: 2,
    width: 480,
  });
}
