import { InlineKeyboard } from "grammy";
import { type Actor, can, Permission } from "../../core/access/permissions.ts";

type T = (key: string) => string;

/**
 * The actions under a customer staff found, by what the staff member's role may do. Callback
 * data carries the customer's id, so a button pressed later (or by someone else) acts on that
 * customer only after the handler checks the presser's own role again.
 */
export const staffCb = {
  purchase: (customerId: string) => `sp:buy:${customerId}`,
  refund: (customerId: string) => `sp:ref:${customerId}`,
  merge: (customerId: string) => `sp:mrg:${customerId}`,
} as const;

const uuid = "([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})";
export const staffCbPatterns = {
  purchase: new RegExp(`^sp:buy:${uuid}$`),
  refund: new RegExp(`^sp:ref:${uuid}$`),
  merge: new RegExp(`^sp:mrg:${uuid}$`),
} as const;

/**
 * A purchase preview's Confirm button carries the whole purchase (Telegram allows 64 bytes):
 * the card number, the amount and points in base 36, the category key (≤ 16 characters) and the
 * idempotency key made when the preview was shown. Pressing it twice, or by two staff, records
 * one purchase; it also works after a restart, with no state kept between preview and confirm.
 */
export type PurchaseConfirmation = {
  cardNumber: string;
  amountMinor: bigint;
  points: number;
  category: string | null;
  key: string;
};

export function purchaseConfirmData(p: PurchaseConfirmation): string {
  return `pc:${p.cardNumber}:${p.amountMinor.toString(36)}:${p.points.toString(36)}:${p.category ?? ""}:${p.key}`;
}

export const purchaseConfirmPattern =
  /^pc:(\d{12}):([0-9a-z]{1,10}):([0-9a-z]{1,6}):([a-z0-9_]{0,16}):([A-Za-z0-9]{8,12})$/;

export function parsePurchaseConfirm(match: RegExpMatchArray): PurchaseConfirmation {
  const [, cardNumber = "", amount = "0", points = "0", category = "", key = ""] = match;
  return {
    cardNumber,
    amountMinor: [...amount].reduce((n, ch) => n * 36n + BigInt(Number.parseInt(ch, 36)), 0n),
    points: Number.parseInt(points, 36),
    category: category || null,
    key,
  };
}

/** A refund's Confirm button: the purchase, the amount in base 36, the idempotency key. */
export type RefundConfirmation = { purchaseId: string; amountMinor: bigint; key: string };

export function refundConfirmData(r: RefundConfirmation): string {
  return `rc:${r.purchaseId}:${r.amountMinor.toString(36)}:${r.key}`;
}

export const refundConfirmPattern = new RegExp(`^rc:${uuid}:([0-9a-z]{1,10}):([A-Za-z0-9]{8,12})$`);

export function parseRefundConfirm(match: RegExpMatchArray): RefundConfirmation {
  const [, purchaseId = "", amount = "0", key = ""] = match;
  return {
    purchaseId,
    amountMinor: [...amount].reduce((n, ch) => n * 36n + BigInt(Number.parseInt(ch, 36)), 0n),
    key,
  };
}

/** Cancels a preview (purchase or refund): nothing was recorded. */
export const previewCancelData = "sp:cancel";

export function staffActionsKeyboard(t: T, actor: Actor, customerId: string): InlineKeyboard {
  const keyboard = new InlineKeyboard();
  if (can(actor.role, Permission.recordPurchase)) {
    keyboard.text(t("btn-staff-purchase"), staffCb.purchase(customerId));
  }
  if (can(actor.role, Permission.refundPurchase)) {
    keyboard.text(t("btn-staff-refund"), staffCb.refund(customerId));
  }
  if (can(actor.role, Permission.mergeCustomers)) {
    keyboard.row().text(t("btn-staff-merge"), staffCb.merge(customerId));
  }
  return keyboard;
}
