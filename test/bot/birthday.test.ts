import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { creditBirthdayBonuses } from "../../core/loyalty/birthday-bonus.ts";
import { warnAboutExpiringPoints } from "../../core/loyalty/expiry-warning.ts";
import { postLedgerEntry } from "../../core/loyalty/ledger.ts";
import { LoyaltySettingsSchema } from "../../core/loyalty/settings.ts";
import { addDays, localDateOf, startOfLocalDay } from "../../core/scheduling/calendar.ts";
import { type BotHarness, startBotHarness } from "../support/bot-harness.ts";
import { customerOf, onboardedUser, texts } from "../support/chat.ts";
import { testDbKind } from "../support/database.ts";

const timeZone = "Europe/Moscow";

let h: BotHarness;
beforeAll(async () => {
  h = await startBotHarness({ env: { TIME_ZONE: timeZone } });
});
afterAll(async () => {
  await h?.close();
});

let nextId = 8300;
async function customer(language_code: string) {
  const { user, customerId } = await onboardedUser(h, {
    id: nextId++,
    first_name: "Нина",
    language_code,
  });
  return { user, customerId };
}

/** Waits until the dispatcher has sent (or given up on) everything queued. */
async function outboxDrained(timeoutMs = 15_000) {
  const deadline = Date.now() + timeoutMs;
  while (
    (await h.db.prisma.outboxMessage.count({ where: { status: { in: ["PENDING", "SENDING"] } } })) >
    0
  ) {
    if (Date.now() > deadline) throw new Error("timed out waiting for the outbox to drain");
    await new Promise((r) => setTimeout(r, 25));
  }
}

describe(`birthdays and expiring points in the chat on ${testDbKind}`, () => {
  it("greets the customer on their birthday with the bonus, once however often the job runs", async () => {
    const today = localDateOf(new Date(), timeZone);
    const ru = await customer("ru");
    const en = await customer("en");
    const later = await customer("ru");
    const inTenDays = addDays(today, 10);
    for (const [who, date] of [
      [ru, today],
      [en, today],
      [later, inTenDays],
    ] as const) {
      await h.db.prisma.customer.update({
        where: { id: who.customerId },
        data: { birthMonth: date.month, birthDay: date.day },
      });
    }
    const balanceBefore = (await customerOf(h.db, ru.user))?.card?.balance ?? 0;

    await h.app.scheduler.runNow("birthday-bonus");
    await h.app.scheduler.runNow("birthday-bonus");
    // Tomorrow is still within the window (3 days by default): still nothing more.
    const settings = LoyaltySettingsSchema.parse({});
    expect(
      await creditBirthdayBonuses(h.db.sql, {
        settings,
        timeZone,
        now: new Date(Date.now() + 86_400_000),
      }),
    ).toEqual({ credited: 0 });
    await outboxDrained();

    expect(texts(ru.user).filter((t) => t.includes("С днём рождения"))).toEqual([
      "С днём рождения! 🎂\nНаш подарок — 200 баллов — уже на вашей карте. Приходите отпраздновать, будем очень рады вас видеть!",
    ]);
    expect(texts(en.user).filter((t) => t.includes("Happy birthday"))).toEqual([
      "Happy birthday! 🎂\nHere is a gift from us: 200 points, already on your card. Come and celebrate with us — we would love to see you!",
    ]);
    expect(texts(later.user).some((t) => t.includes("С днём рождения"))).toBe(false);

    const after = await customerOf(h.db, ru.user);
    expect(after?.card?.balance).toBe(balanceBefore + 200);
    expect(after?.ledger.filter((e) => e.kind === "BIRTHDAY")).toHaveLength(1);
    expect(
      (await customerOf(h.db, later.user))?.ledger.filter((e) => e.kind === "BIRTHDAY"),
    ).toEqual([]);
  });

  it("warns in the customer's language how many points expire on which day", async () => {
    const settings = LoyaltySettingsSchema.parse({
      expiry: { kind: "after_days", days: 365 },
      expiryWarningDays: 14,
    });
    const now = new Date();
    const today = localDateOf(now, timeZone);
    // Earned at noon 351 days ago: they expire in 14 days.
    const earnedAt = new Date(
      startOfLocalDay(addDays(today, -351), timeZone).getTime() + 12 * 3_600_000,
    );
    const ru = await customer("ru");
    const en = await customer("en");
    for (const [who, points] of [
      [ru, 1],
      [en, 70],
    ] as const) {
      await postLedgerEntry(h.db.sql, {
        card: { activeCardOfCustomer: who.customerId },
        kind: "ADJUSTMENT",
        delta: points,
        idempotencyKey: `old-points:${who.customerId}`,
        now: earnedAt,
      });
    }

    const result = await warnAboutExpiringPoints(h.db.sql, { settings, timeZone, now });
    expect(result.queued).toBeGreaterThanOrEqual(2);
    await outboxDrained();

    const expires = addDays(today, 14);
    const ruMonths = ["января", "февраля", "марта", "апреля", "мая", "июня", "июля"]
      .concat(["августа", "сентября", "октября", "ноября", "декабря"])
      .at(expires.month - 1);
    const enMonths = ["January", "February", "March", "April", "May", "June", "July"]
      .concat(["August", "September", "October", "November", "December"])
      .at(expires.month - 1);
    expect(texts(ru.user).filter((t) => t.startsWith("⏳"))).toEqual([
      `⏳ 1 балл на вашей карте сгорит ${expires.day} ${ruMonths} ${expires.year}. Успейте воспользоваться!`,
    ]);
    expect(texts(en.user).filter((t) => t.startsWith("⏳"))).toEqual([
      `⏳ 70 points on your card will expire on ${expires.day} ${enMonths} ${expires.year}. Don't miss out!`,
    ]);
  });
});
