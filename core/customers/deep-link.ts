/**
 * Parses the payload of `/start <payload>` (Telegram deep links: t.me/<bot>?start=<payload>).
 * Telegram allows A–Z, a–z, 0–9, _ and - up to 64 characters; anything else is ignored rather
 * than rejected, because a customer cannot fix a link someone else printed.
 */
export type StartPayload =
  | { kind: "source"; source: string }
  | { kind: "referral"; code: string }
  /** A staff invite: t.me/<bot>?start=staff_<code> (core/staff). */
  | { kind: "staff"; code: string }
  /** A card's QR code: staff scanning it open that customer. */
  | { kind: "card"; number: string }
  /** A reward code's QR code: staff scanning it open the code to mark it used (core/rewards). */
  | { kind: "reward"; code: string }
  /** A survey to take: t.me/<bot>?start=survey_<slug> (core/surveys). */
  | { kind: "survey"; slug: string }
  | { kind: "none" };

const validPayload = /^[A-Za-z0-9_-]{1,64}$/;

export function parseStartPayload(raw: string | undefined): StartPayload {
  const payload = raw?.trim() ?? "";
  if (!validPayload.test(payload)) return { kind: "none" };
  const source = /^src_([A-Za-z0-9_-]{1,60})$/.exec(payload);
  if (source?.[1]) return { kind: "source", source: source[1].toLowerCase() };
  const referral = /^ref_([A-Za-z0-9]{4,32})$/.exec(payload);
  if (referral?.[1]) return { kind: "referral", code: referral[1].toUpperCase() };
  const staff = /^staff_([A-Za-z0-9]{8,40})$/.exec(payload);
  if (staff?.[1]) return { kind: "staff", code: staff[1].toUpperCase() };
  const card = /^card_(\d{12})$/.exec(payload);
  if (card?.[1]) return { kind: "card", number: card[1] };
  const reward = /^reward_([A-Za-z0-9]{8})$/.exec(payload);
  if (reward?.[1]) return { kind: "reward", code: reward[1].toUpperCase() };
  const survey = /^survey_([A-Za-z0-9_-]{1,57})$/.exec(payload);
  if (survey?.[1]) return { kind: "survey", slug: survey[1] };
  return { kind: "none" };
}

/** The deep link that makes whoever opens it a staff member. */
export function staffInviteLink(botUsername: string, code: string): string {
  return `https://t.me/${botUsername}?start=staff_${code}`;
}

/** The deep link a customer shares to invite a friend. */
export function referralLink(botUsername: string, referralCode: string): string {
  return `https://t.me/${botUsername}?start=ref_${referralCode}`;
}
