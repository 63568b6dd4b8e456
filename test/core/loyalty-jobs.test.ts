import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { CardStatus, CustomerStatus, PointsKind } from "../../core/db/client.ts";
import type { Database } from "../../core/db/database.ts";
import { selectPointsToExpire } from "../../core/db/tables/points-expiry.ts";
import { creditBirthdayBonuses } from "../../core/loyalty/birthday-bonus.ts";
import { expirePoints } from "../../core/loyalty/expire-points.ts";
import { warnAboutExpiringPoints } from "../../core/loyalty/expiry-warning.ts";
import { postLedgerEntry } from "../../core/loyalty/ledger.ts";
import { computeRfmScores } from "../../core/loyalty/rfm.ts";
import {
  type LoyaltySettings,
  type LoyaltySettingsInput,
  LoyaltySettingsSchema,
} from "../../core/loyalty/settings.ts";
import { reviewTiers } from "../../core/loyalty/tier-review.ts";
import { tierAfterReview } from "../../core/loyalty/tiers.ts";
import { openTestDatabase, testDbKind } from "../support/database.ts";

const timeZone = "Europe/Moscow";
const DAY = 86_400_000;

/** Noon in Moscow on the given day (UTC+3 all year). */
const moscowNoon = (isoDay: string) => new Date(`${isoDay}T09:00:00Z`);
/** Noon in Moscow `n` days after 1 January 2025 (day 0). */
const day = (n: number) => new Date(Date.UTC(2025, 0, 1, 9) + n * DAY);

const settingsWith = (input: LoyaltySettingsInput): LoyaltySettings =>
  LoyaltySettingsSchema.parse(input);

// Every test gets a database of its own: the jobs work on all customers at once.
let db: Database;
beforeEach(async () => {
  db = await openTestDatabase();
});
afterEach(async () => {
  await db?.close();
});

let counter = 0;
async function newCustomer(
  options: {
    status?: CustomerStatus;
    birthday?: [month: number, day: number];
    deleted?: boolean;
    card?: CardStatus | null;
    language?: string;
  } = {},
) {
  const n = ++counter;
  const customer = await db.prisma.customer.create({
    data: {
      referralCode: `JOBS${n}`,
      telegramId: BigInt(700_000 + n),
      status: options.status ?? "ACTIVE",
      birthMonth: options.birthday?.[0] ?? null,
      birthDay: options.birthday?.[1] ?? null,
      deletedAt: options.deleted ? new Date() : null,
      language: options.language ?? "ru",
    },
  });
  const card =
    options.card === null
      ? null
      : await db.prisma.loyaltyCard.create({
          data: {
            number: `8${String(n).padStart(11, "0")}`,
            customerId: customer.id,
            status: options.card ?? "ACTIVE",
          },
        });
  return { id: customer.id, cardId: card?.id ?? "" };
}

let entryCounter = 0;
async function post(cardId: string, kind: PointsKind, delta: number, at: Date) {
  await postLedgerEntry(db.sql, {
    card: { id: cardId },
    kind,
    delta,
    idempotencyKey: `test:${entryCounter++}`,
    now: at,
  });
}

const ledgerOf = (customerId: string, kind?: PointsKind) =>
  db.prisma.pointsEntry.findMany({
    where: { customerId, ...(kind ? { kind } : {}) },
    orderBy: { id: "asc" },
  });

const balanceOf = async (cardId: string) =>
  (await db.prisma.loyaltyCard.findUniqueOrThrow({ where: { id: cardId } })).balance;

describe(`the birthday bonus on ${testDbKind}`, () => {
  const settings = settingsWith({ birthday: { bonus: 200, daysBefore: 3, daysAfter: 3 } });
  const run = (now: Date, s = settings) =>
    creditBirthdayBonuses(db.sql, { settings: s, timeZone, now });

  it("credits active customers whose birthday is in the window, once a year", async () => {
    const threeDaysAgo = await newCustomer({ birthday: [6, 12] });
    const inThreeDays = await newCustomer({ birthday: [6, 18] });
    const fourDaysAgo = await newCustomer({ birthday: [6, 11] });
    const inFourDays = await newCustomer({ birthday: [6, 19] });
    const blockedCard = await newCustomer({ birthday: [6, 15], card: "BLOCKED" });
    const deleted = await newCustomer({ birthday: [6, 15], status: "DELETED", deleted: true });
    const onboarding = await newCustomer({ birthday: [6, 15], status: "ONBOARDING" });
    const noCard = await newCustomer({ birthday: [6, 15], card: null });

    expect(await run(moscowNoon("2026-06-15"))).toEqual({ credited: 2 });
    // Again the same day: nothing more.
    expect(await run(moscowNoon("2026-06-15"))).toEqual({ credited: 0 });

    for (const credited of [threeDaysAgo, inThreeDays]) {
      const entries = await ledgerOf(credited.id);
      expect(entries).toMatchObject([
        { kind: "BIRTHDAY", delta: 200, idempotencyKey: `birthday:${credited.id}:2026` },
      ]);
      expect(await balanceOf(credited.cardId)).toBe(200);
      const messages = await db.prisma.outboxMessage.findMany({
        where: { customerId: credited.id },
      });
      expect(messages).toMatchObject([
        {
          kind: "birthday_bonus",
          service: false,
          dedupeKey: `birthday:${credited.id}:2026`,
          payload: { template: "birthday-bonus", vars: { count: 200 } },
        },
      ]);
      const events = await db.prisma.customerEvent.findMany({ where: { customerId: credited.id } });
      expect(events).toMatchObject([
        { type: "points.credited", data: { kind: "BIRTHDAY", points: 200, year: 2026 } },
      ]);
    }
    for (const left of [fourDaysAgo, inFourDays, blockedCard, deleted, onboarding, noCard]) {
      expect(await ledgerOf(left.id)).toEqual([]);
      expect(await db.prisma.outboxMessage.count({ where: { customerId: left.id } })).toBe(0);
    }

    // Next year's birthday is a new one.
    expect(await run(moscowNoon("2027-06-15"))).toEqual({ credited: 2 });
    expect((await ledgerOf(threeDaysAgo.id)).map((e) => e.idempotencyKey)).toEqual([
      `birthday:${threeDaysAgo.id}:2026`,
      `birthday:${threeDaysAgo.id}:2027`,
    ]);
  });

  it("gives a birthday near New Year to the year of the birthday itself", async () => {
    const lastDayOfYear = await newCustomer({ birthday: [12, 31] });
    const firstDayOfYear = await newCustomer({ birthday: [1, 1] });

    // 29 December 2026: 1 January is three days ahead, the birthday of 2027.
    expect(await run(moscowNoon("2026-12-29"))).toEqual({ credited: 2 });
    expect((await ledgerOf(firstDayOfYear.id)).map((e) => e.idempotencyKey)).toEqual([
      `birthday:${firstDayOfYear.id}:2027`,
    ]);
    // 2 January 2027: still the window of both; neither is credited again.
    expect(await run(moscowNoon("2027-01-02"))).toEqual({ credited: 0 });
    expect((await ledgerOf(lastDayOfYear.id)).map((e) => e.idempotencyKey)).toEqual([
      `birthday:${lastDayOfYear.id}:2026`,
    ]);

    // 2 January 2028, no run in December: 31 December 2027 (two days ago) is the birthday of
    // 2027, 1 January 2028 the one of 2028.
    expect(await run(moscowNoon("2028-01-02"))).toEqual({ credited: 2 });
    expect((await ledgerOf(lastDayOfYear.id)).map((e) => e.idempotencyKey)).toEqual([
      `birthday:${lastDayOfYear.id}:2026`,
      `birthday:${lastDayOfYear.id}:2027`,
    ]);
    expect((await ledgerOf(firstDayOfYear.id)).map((e) => e.idempotencyKey)).toEqual([
      `birthday:${firstDayOfYear.id}:2027`,
      `birthday:${firstDayOfYear.id}:2028`,
    ]);
  });

  it("celebrates 29 February on 28 February in a common year", async () => {
    const leapling = await newCustomer({ birthday: [2, 29] });
    const exact = settingsWith({ birthday: { bonus: 50, daysBefore: 0, daysAfter: 0 } });

    expect(await run(moscowNoon("2027-02-28"), exact)).toEqual({ credited: 1 });
    expect((await ledgerOf(leapling.id)).map((e) => e.idempotencyKey)).toEqual([
      `birthday:${leapling.id}:2027`,
    ]);
    // In a leap year it waits for the day itself.
    expect(await run(moscowNoon("2028-02-28"), exact)).toEqual({ credited: 0 });
    expect(await run(moscowNoon("2028-02-29"), exact)).toEqual({ credited: 1 });
    expect(await balanceOf(leapling.cardId)).toBe(100);
  });

  it("does nothing while the bonus is 0", async () => {
    const customer = await newCustomer({ birthday: [4, 10] });
    const off = settingsWith({ birthday: { bonus: 0, daysBefore: 3, daysAfter: 3 } });
    expect(await run(moscowNoon("2026-04-10"), off)).toEqual({ credited: 0 });
    expect(await ledgerOf(customer.id)).toEqual([]);
    expect(await db.prisma.outboxMessage.count()).toBe(0);
    // Turned on again within the window, it still comes.
    expect(await run(moscowNoon("2026-04-11"))).toEqual({ credited: 1 });
  });

  it("counts days in the business's time zone", async () => {
    const customer = await newCustomer({ birthday: [9, 15] });
    const exact = settingsWith({ birthday: { bonus: 10, daysBefore: 0, daysAfter: 0 } });
    // 22:30 UTC on 14 September is already 15 September in Moscow.
    const lateEvening = new Date("2026-09-14T22:30:00Z");
    expect(
      await creditBirthdayBonuses(db.sql, { settings: exact, timeZone: "UTC", now: lateEvening }),
    ).toEqual({ credited: 0 });
    expect(await run(lateEvening, exact)).toEqual({ credited: 1 });
    expect(await balanceOf(customer.cardId)).toBe(10);
  });

  it("credits once when two processes run it at the same time", async () => {
    const customers = await Promise.all(
      Array.from({ length: 5 }, () => newCustomer({ birthday: [10, 5] })),
    );
    const runs = await Promise.all([
      run(moscowNoon("2026-10-05")),
      run(moscowNoon("2026-10-05")),
      run(moscowNoon("2026-10-06")),
    ]);
    expect(runs.reduce((sum, r) => sum + r.credited, 0)).toBe(5);
    for (const customer of customers) {
      expect(await ledgerOf(customer.id, "BIRTHDAY")).toHaveLength(1);
      expect(await balanceOf(customer.cardId)).toBe(200);
      expect(await db.prisma.outboxMessage.count({ where: { customerId: customer.id } })).toBe(1);
      expect(await db.prisma.customerEvent.count({ where: { customerId: customer.id } })).toBe(1);
    }
  });
});

describe(`points expiry on ${testDbKind}`, () => {
  const afterDays = (days: number) => settingsWith({ expiry: { kind: "after_days", days } });
  const expire = (now: Date, settings: LoyaltySettings) =>
    expirePoints(db.sql, { settings, timeZone, now });

  it("expires what is left of the oldest credits, first in first out (SQL, hand-made ledgers)", async () => {
    /**
     * The closed form against a plain simulation: credits are lots used up oldest first by
     * every debit; what is left of the lots earned before the cutoff must expire.
     */
    type Op = [day: number, kind: PointsKind, delta: number];
    const ledgers: Array<{ ops: Op[]; cutoffDay: number; expected: number }> = [
      // The README's example: 100 on day 0, 50 on day 200, 30 spent on day 250.
      {
        ops: [
          [0, "WELCOME", 100],
          [200, "PURCHASE", 50],
          [250, "REDEEM", -30],
        ],
        cutoffDay: 2,
        expected: 70,
      },
      // Spending before the second credit: still taken from the first.
      {
        ops: [
          [0, "PURCHASE", 100],
          [10, "REDEEM", -60],
          [20, "PURCHASE", 100],
        ],
        cutoffDay: 15,
        expected: 40,
      },
      // Everything of the old credits spent: nothing expires, the newer points stay.
      {
        ops: [
          [0, "PURCHASE", 30],
          [5, "PURCHASE", 70],
          [6, "REDEEM", -50],
        ],
        cutoffDay: 1,
        expected: 0,
      },
      // A refund taking earned points back counts as a debit, like spending.
      {
        ops: [
          [0, "PURCHASE", 80],
          [3, "PURCHASE", 20],
          [4, "REVERSAL", -20],
        ],
        cutoffDay: 1,
        expected: 60,
      },
      // Earlier expiries are debits too: they are not taken twice.
      {
        ops: [
          [0, "PURCHASE", 100],
          [30, "EXPIRE", -100],
          [40, "PURCHASE", 40],
          [50, "REDEEM", -10],
        ],
        cutoffDay: 45,
        expected: 30,
      },
    ];
    for (const ledger of ledgers) {
      const card = await newCustomer();
      for (const [n, kind, delta] of ledger.ops) await post(card.cardId, kind, delta, day(n));
      const cutoff = day(ledger.cutoffDay);
      expect(await selectPointsToExpire(db.sql, card.cardId, cutoff)).toBe(ledger.expected);
      expect(simulateFifo(ledger.ops, ledger.cutoffDay)).toBe(ledger.expected);
    }
  });

  it("agrees with a lot-by-lot simulation on random ledgers", async () => {
    let seed = 42;
    const random = () => {
      seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
      return seed / 2 ** 31;
    };
    for (let round = 0; round < 12; round++) {
      const card = await newCustomer();
      const ops: Array<[number, PointsKind, number]> = [];
      let balance = 0;
      for (let n = 0; n < 40; n += 1 + Math.floor(random() * 4)) {
        const credit = balance === 0 || random() < 0.55;
        const delta = credit
          ? 1 + Math.floor(random() * 100)
          : -(1 + Math.floor(random() * balance));
        const kind: PointsKind = credit ? "PURCHASE" : "REDEEM";
        balance += delta;
        ops.push([n, kind, delta]);
        await post(card.cardId, kind, delta, day(n));
      }
      for (const cutoffDay of [0, 7, 19, 33, 41]) {
        expect(await selectPointsToExpire(db.sql, card.cardId, day(cutoffDay))).toBe(
          simulateFifo(ops, cutoffDay),
        );
      }
    }
  });

  it("takes points N days after they were earned, once, never more than the balance", async () => {
    const card = await newCustomer();
    await post(card.cardId, "WELCOME", 100, day(0));
    await post(card.cardId, "PURCHASE", 50, day(200));
    await post(card.cardId, "REDEEM", -30, day(250));
    const settings = afterDays(365);

    expect(await expire(day(364), settings)).toEqual({ cards: 0, points: 0 });
    expect(await expire(day(365), settings)).toEqual({ cards: 1, points: 70 });
    expect(await expire(day(365), settings)).toEqual({ cards: 0, points: 0 });
    expect(await expire(day(366), settings)).toEqual({ cards: 0, points: 0 });
    expect(await balanceOf(card.cardId)).toBe(50);
    const expired = await ledgerOf(card.id, "EXPIRE");
    expect(expired).toMatchObject([
      { delta: -70, balanceAfter: 50, idempotencyKey: `expire:${card.id}:2025-01-02` },
    ]);

    // The 50 earned on day 200 go on day 565.
    expect(await expire(day(564), settings)).toEqual({ cards: 0, points: 0 });
    expect(await expire(day(565), settings)).toEqual({ cards: 1, points: 50 });
    expect(await balanceOf(card.cardId)).toBe(0);
  });

  it("catches up on a missed day: day 366 expires the 70 of day 0", async () => {
    const card = await newCustomer();
    await post(card.cardId, "WELCOME", 100, day(0));
    await post(card.cardId, "PURCHASE", 50, day(200));
    await post(card.cardId, "REDEEM", -30, day(250));
    expect(await expire(day(366), afterDays(365))).toEqual({ cards: 1, points: 70 });
    expect(await balanceOf(card.cardId)).toBe(50);
  });

  it("at the end of the year takes what was earned in it, by the business's calendar", async () => {
    const card = await newCustomer();
    await post(card.cardId, "PURCHASE", 100, new Date("2026-03-10T09:00:00Z"));
    // 23:30 on 31 December in Moscow: still 2026.
    await post(card.cardId, "PURCHASE", 20, new Date("2026-12-31T20:30:00Z"));
    // 00:30 on 1 January in Moscow (still 31 December in UTC): 2027.
    await post(card.cardId, "PURCHASE", 30, new Date("2026-12-31T21:30:00Z"));
    await post(card.cardId, "REDEEM", -10, new Date("2026-12-31T21:40:00Z"));
    const settings = settingsWith({ expiry: { kind: "end_of_year" } });

    expect(await expire(moscowNoon("2026-12-31"), settings)).toEqual({ cards: 0, points: 0 });
    expect(await expire(moscowNoon("2027-01-01"), settings)).toEqual({ cards: 1, points: 110 });
    expect(await expire(moscowNoon("2027-06-01"), settings)).toEqual({ cards: 0, points: 0 });
    expect(await balanceOf(card.cardId)).toBe(30);
    expect(await ledgerOf(card.id, "EXPIRE")).toMatchObject([
      { delta: -110, idempotencyKey: `expire:${card.id}:2027-01-01` },
    ]);
  });

  it("leaves points alone when they never expire", async () => {
    const card = await newCustomer();
    await post(card.cardId, "PURCHASE", 100, day(0));
    expect(await expire(day(2000), settingsWith({ expiry: { kind: "never" } }))).toEqual({
      cards: 0,
      points: 0,
    });
    expect(await balanceOf(card.cardId)).toBe(100);
  });

  it("expires once when two processes run it at the same time", async () => {
    const cards = await Promise.all(Array.from({ length: 4 }, () => newCustomer()));
    for (const card of cards) {
      await post(card.cardId, "PURCHASE", 40, day(0));
      await post(card.cardId, "PURCHASE", 25, day(20));
    }
    const settings = afterDays(10);
    const runs = await Promise.all([
      expire(day(10), settings),
      expire(day(10), settings),
      expire(day(11), settings),
    ]);
    expect(runs.reduce((sum, r) => sum + r.points, 0)).toBe(4 * 40);
    for (const card of cards) {
      expect(await ledgerOf(card.id, "EXPIRE")).toHaveLength(1);
      expect(await balanceOf(card.cardId)).toBe(25);
    }
  });
});

describe(`the expiry warning on ${testDbKind}`, () => {
  const warn = (now: Date, settings: LoyaltySettings) =>
    warnAboutExpiringPoints(db.sql, { settings, timeZone, now });
  const warnings = (customerId?: string) =>
    db.prisma.outboxMessage.findMany({
      where: { kind: "expiry_warning", ...(customerId ? { customerId } : {}) },
      orderBy: { id: "asc" },
    });

  it("tells how many points expire on which day, once per customer and day", async () => {
    const settings = settingsWith({
      expiry: { kind: "after_days", days: 365 },
      expiryWarningDays: 14,
    });
    const customer = await newCustomer();
    await post(customer.cardId, "PURCHASE", 100, day(0));
    await post(customer.cardId, "PURCHASE", 50, day(10));
    await post(customer.cardId, "REDEEM", -30, day(20));
    const blocked = await newCustomer({ status: "DELETED", deleted: true });
    await post(blocked.cardId, "PURCHASE", 100, day(0));

    // Day 351: the 70 left of day 0 expire on day 365 (1 January 2026).
    expect(await warn(day(351), settings)).toEqual({ queued: 1, expiresOn: "2026-01-01" });
    expect(await warn(day(351), settings)).toEqual({ queued: 0, expiresOn: "2026-01-01" });
    // Day 352: nothing was earned on day 1.
    expect(await warn(day(352), settings)).toEqual({ queued: 0, expiresOn: "2026-01-02" });
    // Day 361: the 50 of day 10 expire on day 375.
    expect(await warn(day(361), settings)).toEqual({ queued: 1, expiresOn: "2026-01-11" });

    expect(await warnings(customer.id)).toMatchObject([
      {
        service: true,
        dedupeKey: `expiry-warning:${customer.id}:2026-01-01`,
        payload: {
          template: "expiry-warning",
          vars: { count: 70, day: "1", month: 1, year: "2026" },
        },
      },
      {
        dedupeKey: `expiry-warning:${customer.id}:2026-01-11`,
        payload: { vars: { count: 50, day: "11", month: 1, year: "2026" } },
      },
    ]);
    expect(await warnings(blocked.id)).toEqual([]);
  });

  it("warns before the end of the year about everything earned in it", async () => {
    const settings = settingsWith({ expiry: { kind: "end_of_year" }, expiryWarningDays: 14 });
    const customer = await newCustomer();
    await post(customer.cardId, "PURCHASE", 120, new Date("2026-05-01T09:00:00Z"));
    await post(customer.cardId, "REDEEM", -20, new Date("2026-06-01T09:00:00Z"));
    const empty = await newCustomer();

    // Nothing expires on 31 December; everything of 2026 on 1 January, 14 days after the 18th.
    expect(await warn(moscowNoon("2026-12-17"), settings)).toEqual({
      queued: 0,
      expiresOn: null,
    });
    expect(await warn(moscowNoon("2026-12-18"), settings)).toEqual({
      queued: 1,
      expiresOn: "2027-01-01",
    });
    expect(await warn(moscowNoon("2026-12-18"), settings)).toEqual({
      queued: 0,
      expiresOn: "2027-01-01",
    });
    expect(await warnings(customer.id)).toMatchObject([
      { payload: { vars: { count: 100, day: "1", month: 1, year: "2027" } } },
    ]);
    expect(await warnings(empty.id)).toEqual([]);
  });

  it("sends nothing when the warning is off or points never expire", async () => {
    const customer = await newCustomer();
    await post(customer.cardId, "PURCHASE", 100, day(0));
    const off = settingsWith({ expiry: { kind: "after_days", days: 30 }, expiryWarningDays: 0 });
    const never = settingsWith({ expiry: { kind: "never" }, expiryWarningDays: 14 });
    for (let n = 0; n <= 30; n++) {
      expect((await warn(day(n), off)).queued).toBe(0);
      expect((await warn(day(n), never)).queued).toBe(0);
    }
    expect(await warnings()).toEqual([]);
  });
});

describe(`the nightly tier review on ${testDbKind}`, () => {
  const settings = settingsWith({
    tiers: {
      basis: { kind: "window", months: 12 },
      levels: [
        { key: "base", name: null, minSpentMinor: 0, earnPercent: 5 },
        { key: "silver", name: null, minSpentMinor: 1_000_000, earnPercent: 7 },
        { key: "gold", name: null, minSpentMinor: 3_000_000, earnPercent: 10 },
      ],
    },
  });
  const now = new Date("2027-06-01T00:40:00Z");
  const monthsAgo = (months: number) => {
    const at = new Date(now);
    at.setUTCMonth(at.getUTCMonth() - months);
    return at;
  };

  let purchaseCounter = 0;
  async function purchase(
    customer: { id: string; cardId: string },
    amountMinor: number,
    at: Date,
    refundedMinor = 0,
  ) {
    await db.prisma.purchase.create({
      data: {
        customerId: customer.id,
        cardId: customer.cardId,
        amountMinor: BigInt(amountMinor),
        refundedMinor: BigInt(refundedMinor),
        idempotencyKey: `test-purchase:${purchaseCounter++}`,
        createdAt: at,
      },
    });
  }
  async function withTier(tier: string, reachedMonthsAgo: number | null) {
    const customer = await newCustomer();
    await db.prisma.customer.update({
      where: { id: customer.id },
      data: {
        tier,
        tierReachedAt: reachedMonthsAgo === null ? null : monthsAgo(reachedMonthsAgo),
      },
    });
    return customer;
  }

  it("moves down only whom the window's spend no longer carries, a window after reaching", async () => {
    // Gold for 13 months, nothing bought in the last 12: down to base.
    const lapsed = await withTier("gold", 13);
    await purchase(lapsed, 3_500_000, monthsAgo(13));
    // Gold for 2 months, spend fell below gold with a refund: kept until a window has passed.
    const recent = await withTier("gold", 2);
    await purchase(recent, 3_200_000, monthsAgo(2), 2_500_000);
    // Silver for 14 months and still spending like silver: stays.
    const steady = await withTier("silver", 14);
    await purchase(steady, 600_000, monthsAgo(11));
    await purchase(steady, 600_000, monthsAgo(1));
    // Gold for 20 months, spend now only reaches silver: down one step.
    const slowing = await withTier("gold", 20);
    await purchase(slowing, 4_000_000, monthsAgo(14));
    await purchase(slowing, 1_500_000, monthsAgo(3), 200_000);
    // Base with a gold spend (bought before the tiers existed): no upgrade at night.
    const quiet = await withTier("base", null);
    await purchase(quiet, 5_000_000, monthsAgo(1));
    const nobody = await newCustomer();

    const before = await db.prisma.customer.findMany({ include: { purchases: true } });
    const windowStart = monthsAgo(12);
    const expected = new Map(
      before.map((c) => {
        const spend = c.purchases
          .filter((p) => p.createdAt >= windowStart)
          .reduce((sum, p) => sum + p.amountMinor - p.refundedMinor, 0n);
        return [c.id, { tier: tierAfterReview(settings, c, spend, now), spend }];
      }),
    );

    expect(await reviewTiers(db.sql, { settings, now })).toEqual({
      updated: 5,
      downgraded: 2,
    });
    const after = await db.prisma.customer.findMany();
    for (const customer of after) {
      expect(customer.tier).toBe(expected.get(customer.id)?.tier);
      expect(customer.tierSpendMinor).toBe(expected.get(customer.id)?.spend);
    }
    const byId = new Map(after.map((c) => [c.id, c]));
    expect(byId.get(lapsed.id)).toMatchObject({
      tier: "base",
      tierSpendMinor: 0n,
      tierReachedAt: now,
    });
    expect(byId.get(recent.id)).toMatchObject({ tier: "gold", tierSpendMinor: 700_000n });
    expect(byId.get(steady.id)).toMatchObject({ tier: "silver", tierSpendMinor: 1_200_000n });
    expect(byId.get(slowing.id)).toMatchObject({ tier: "silver", tierSpendMinor: 1_300_000n });
    expect(byId.get(quiet.id)).toMatchObject({ tier: "base", tierSpendMinor: 5_000_000n });
    expect(byId.get(nobody.id)).toMatchObject({ tier: "base", tierSpendMinor: 0n });

    const events = await db.prisma.customerEvent.findMany({ orderBy: { id: "asc" } });
    expect(events.map((e) => [e.customerId, e.type, e.data, e.staffId])).toEqual(
      expect.arrayContaining([
        [
          lapsed.id,
          "tier.changed",
          { from: "gold", to: "base", reason: "review", spendMinor: "0" },
          null,
        ],
        [
          slowing.id,
          "tier.changed",
          { from: "gold", to: "silver", reason: "review", spendMinor: "1300000" },
          null,
        ],
      ]),
    );
    expect(events).toHaveLength(2);
    // Quiet downgrades: no message.
    expect(await db.prisma.outboxMessage.count()).toBe(0);

    // The same night again: nothing to do.
    expect(await reviewTiers(db.sql, { settings, now })).toEqual({
      updated: 0,
      downgraded: 0,
    });
    // A month later the one just moved down is not moved again (a window has not passed).
    const later = new Date(now.getTime() + 31 * DAY);
    await reviewTiers(db.sql, { settings, now: later });
    expect(await db.prisma.customer.findUniqueOrThrow({ where: { id: slowing.id } })).toMatchObject(
      { tier: "silver" },
    );
  });

  it("never moves anyone down on the lifetime basis", async () => {
    const lifetime = settingsWith({
      tiers: { ...settings.tiers, basis: { kind: "lifetime" } },
    });
    const old = await withTier("gold", 40);
    await purchase(old, 3_100_000, monthsAgo(40), 1_000_000);
    expect(await reviewTiers(db.sql, { settings: lifetime, now })).toMatchObject({
      updated: 1,
      downgraded: 0,
    });
    expect(await db.prisma.customer.findUniqueOrThrow({ where: { id: old.id } })).toMatchObject({
      tier: "gold",
      tierSpendMinor: 2_100_000n,
    });
  });

  it("runs once when two processes start it together", async () => {
    const lapsed = await withTier("silver", 13);
    await purchase(lapsed, 1_000_000, monthsAgo(13));
    const runs = await Promise.all([
      reviewTiers(db.sql, { settings, now }),
      reviewTiers(db.sql, { settings, now }),
    ]);
    expect(runs.reduce((sum, r) => sum + r.downgraded, 0)).toBe(1);
    expect(await db.prisma.customerEvent.count({ where: { customerId: lapsed.id } })).toBe(1);
  });
});

describe(`RFM scores on ${testDbKind}`, () => {
  const now = new Date("2027-06-01T00:50:00Z");

  it("scores buyers 1–5 by quintiles and clears everyone else", async () => {
    // Ten buyers: the i-th bought last i×10 days ago, i+… times, for (11 − i)×1000.
    const buyers = [];
    for (let i = 1; i <= 10; i++) {
      const customer = await newCustomer();
      await db.prisma.customer.update({
        where: { id: customer.id },
        data: {
          purchaseCount: i,
          totalSpentMinor: BigInt((11 - i) * 1000),
          firstPurchaseAt: new Date(now.getTime() - 400 * DAY),
          lastPurchaseAt: new Date(now.getTime() - i * 10 * DAY),
        },
      });
      buyers.push(customer.id);
    }
    // No purchases, yet scored before (everything refunded since): cleared.
    const refunded = await newCustomer();
    await db.prisma.customer.update({
      where: { id: refunded.id },
      data: { rfmRecency: 3, rfmFrequency: 3, rfmMonetary: 3, rfmComputedAt: now },
    });
    const deleted = await newCustomer({ status: "DELETED", deleted: true });
    await db.prisma.customer.update({
      where: { id: deleted.id },
      data: { purchaseCount: 50, totalSpentMinor: 10n ** 9n, lastPurchaseAt: now },
    });
    const never = await newCustomer();

    expect(await computeRfmScores(db.sql, { now })).toEqual({
      scored: 10,
      cleared: 1,
    });
    const scores = new Map(
      (await db.prisma.customer.findMany()).map((c) => [
        c.id,
        [c.rfmRecency, c.rfmFrequency, c.rfmMonetary, c.rfmComputedAt?.toISOString() ?? null],
      ]),
    );
    buyers.forEach((id, index) => {
      const fifth = Math.floor(index / 2); // 0 for the first two, … 4 for the last two
      // Recent and rare and cheap at the start of the list, long ago and frequent and rich at its end.
      expect(scores.get(id)).toEqual([5 - fifth, 1 + fifth, 5 - fifth, now.toISOString()]);
    });
    for (const id of [refunded.id, deleted.id, never.id]) {
      expect(scores.get(id)).toEqual([null, null, null, null]);
    }

    // Run again: the same scores, nobody cleared twice.
    expect(await computeRfmScores(db.sql, { now })).toEqual({
      scored: 10,
      cleared: 0,
    });
  });
});

/** FIFO lot by lot: what is left of the credits earned before `cutoffDay`. */
function simulateFifo(ops: Array<[number, PointsKind, number]>, cutoffDay: number): number {
  const lots: Array<{ day: number; left: number }> = [];
  for (const [n, , delta] of ops) {
    if (delta > 0) {
      lots.push({ day: n, left: delta });
      continue;
    }
    let owed = -delta;
    for (const lot of lots) {
      const taken = Math.min(lot.left, owed);
      lot.left -= taken;
      owed -= taken;
    }
  }
  return lots.filter((lot) => lot.day < cutoffDay).reduce((sum, lot) => sum + lot.left, 0);
}
