import { formatRewardCode } from "../../core/rewards/code.ts";

type T = (key: string, vars?: Record<string, string | number>) => string;

/** "25.12.2026, 14:35" / "25/12/2026, 14:35" in the business's time zone. */
export function formatDateTime(at: Date, locale: string, timeZone: string): string {
  return new Intl.DateTimeFormat(locale === "en" ? "en-GB" : "ru-RU", {
    timeZone,
    day: "2-digit",
    month: "2-digit",
    year: "numeric",
    hour: "2-digit",
    minute: "2-digit",
  }).format(at);
}

/** The words for a reward's kind: "подарок" / "купон". */
export function rewardKindLabel(t: T, kind: string): string {
  return t(kind === "COUPON" ? "reward-kind-coupon" : "reward-kind-gift");
}

/** The caption under a code's QR picture: what it is, the code as text, until when. */
export function rewardCodeCaption(
  t: T,
  options: { title: string; code: string; expiresAt: string },
): string {
  return t("reward-code-caption", {
    title: options.title,
    code: formatRewardCode(options.code),
    expires: options.expiresAt,
  });
}
