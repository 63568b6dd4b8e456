import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Actor } from "../../core/access/permissions.ts";
import { findMergeCandidate } from "../../core/customers/find-merge-candidate.ts";
import { mergeCustomers } from "../../core/customers/merge-customers.ts";
import { registerBotStart } from "../../core/customers/register-bot-start.ts";
import type { Database } from "../../core/db/database.ts";
import { recordPurchase } from "../../core/loyalty/record-purchase.ts";
import { refundPurchase } from "../../core/loyalty/refund-purchase.ts";
import { seedSettings } from "../../core/loyalty/settings.ts";
import { attachPhone } from "../../core/onboarding/attach-phone.ts";
import { completeOnboarding } from "../../core/onboarding/complete-onboarding.ts";
import { giveDataConsent } from "../../core/onboarding/consent.ts";
import { saveAnswer } from "../../core/questions/save-answer.ts";
import { registerWalkIn } from "../../core/staff/register-walk-in.ts";
import { openTestDatabase, testDbKind } from "../support/database.ts";

let db: Database;
const settings = seedSettings({ welcomeBonus: 100, referralBonus: 50 });
let manager: Actor;
let cashier: Actor;

beforeAll(async () => {
  db = await openTestDatabase();
  const staff = async (role: "MANAGER" | "CASHIER", name: string): Promise<Actor> => {
    const member = await db.prisma.staffMember.create({ data: { name, role } });
    return { staffId: member.id, role, via: "telegram", ownCustomerId: null };
  };
  manager = await staff("MANAGER", "Пётр");
  cashier = await staff("CASHIER", "Марина");
});
afterAll(async () => {
  await db?.close();
});

const DAY = 86_400_000;
const now = new Date();
const daysAgo = (days: number) => new Date(now.getTime() - days * DAY);

let nextTelegramId = 9100;
let nextPhone = 1000;
const phone = () => `+7916555${String(nextPhone++).padStart(4, "0")}`;

/** A customer who went through the bot: consent, phone (unless left out), card. */
async function botCustomer(options: { phone?: string | null; at?: Date; name?: string } = {}) {
  const telegramId = nextTelegramId++;
  const identity = { telegramId, firstName: options.name ?? "Аня" };
  const at = options.at ?? now;
  const { customer } = await registerBotStart(db.sql, { identity, now: at });
  await giveDataConsent(db.sql, { customerId: customer.id, version: "v1", identity, now: at });
  if (options.phone !== null) {
    await attachPhone(db.sql, {
      customerId: customer.id,
      phone: options.phone ?? phone(),
      verified: true,
      now: at,
    });
  }
  const done = await completeOnboarding(db.sql, { customerId: customer.id, ...bonuses, now: at });
  return { customerId: customer.id, cardId: done.card.id, telegramId };
}
const bonuses = { welcomeBonus: 100, referralBonus: 50 };

async function walkIn(options: { name?: string; at?: Date } = {}) {
  const result = await registerWalkIn(db.sql, {
    actor: cashier,
    phone: phone(),
    name: options.name ?? null,
    phoneRegion: "RU",
    welcomeBonus: 100,
    ...(options.at ? { now: options.at } : {}),
  });
  if (result.kind !== "registered") throw new Error(`walk-in not registered: ${result.kind}`);
  return { customerId: result.customer.id, cardId: result.card.id };
}

let purchaseKey = 0;
function buy(customerId: string, rubles: number, at: Date) {
  return recordPurchase(db.sql, settings, {
    actor: cashier,
    customerId,
    amountMinor: BigInt(rubles * 100),
    category: null,
    pointsToSpend: 0,
    idempotencyKey: `merge-test-${purchaseKey++}`,
    now: at,
  });
}

/** Every card's cached balance against the sum of its ledger. */
async function ledgerMismatches() {
  return db.sql.query(
    `SELECT k."id", k."balance", COALESCE(SUM(e."delta"), 0)::int AS "sum"
     FROM "LoyaltyCard" k LEFT JOIN "PointsEntry" e ON e."cardId" = k."id"
     GROUP BY k."id" HAVING k."balance" <> COALESCE(SUM(e."delta"), 0)`,
  );
}

const merge = (keepId: string, mergeId: string, actor: Actor = manager) =>
  mergeCustomers(db.sql, { actor, keepId, mergeId, settings, now });

describe(`merging two cards of one person on ${testDbKind}`, () => {
  it("moves the balance, purchases, refunds and timeline, recomputes metrics, keeps the older profile", async () => {
    // The walk-in came first (the older record); later the person joined the bot without a phone.
    const shop = await walkIn({ name: "Анна Петрова", at: daysAgo(40) });
    const bot = await botCustomer({ phone: null, at: daysAgo(5), name: "Аня" });
    await db.prisma.customer.update({
      where: { id: bot.customerId },
      data: {
        email: "anya@example.com",
        city: "Казань",
        tags: ["vip"],
        marketingConsent: true,
        marketingConsentAt: daysAgo(5),
      },
    });
    await db.prisma.customer.update({
      where: { id: shop.customerId },
      data: { city: "Москва", tags: ["till"] },
    });

    const first = await buy(shop.customerId, 4000, daysAgo(30));
    const second = await buy(shop.customerId, 2000, daysAgo(20));
    await refundPurchase(db.sql, settings, {
      actor: manager,
      purchaseId: second.purchase.id,
      amountMinor: 50_000n,
      idempotencyKey: "merge-test-refund-1",
      now: daysAgo(19),
    });
    await buy(bot.customerId, 5000, daysAgo(2));
    const before = await db.prisma.loyaltyCard.findMany({
      where: { id: { in: [shop.cardId, bot.cardId] } },
    });
    const total = before.reduce((sum, card) => sum + card.balance, 0);
    const shopBalance = before.find((card) => card.id === shop.cardId)?.balance ?? 0;
    expect(shopBalance).toBeGreaterThan(100);

    // The bot record stays (it has the Telegram account the customer uses).
    const result = await merge(bot.customerId, shop.customerId);
    expect(result).toMatchObject({ merged: true, pointsTransferred: shopBalance });
    expect(result.moved).toMatchObject({ purchases: 2, refunds: 1 });
    expect(result.card?.balance).toBe(total);

    const kept = await db.prisma.customer.findUniqueOrThrow({
      where: { id: bot.customerId },
      include: { card: true, purchases: true, refunds: true, events: true },
    });
    // Older record's fields win; the newer one fills the gaps; Telegram stays.
    expect(kept).toMatchObject({
      status: "ACTIVE",
      name: "Анна Петрова",
      city: "Москва",
      email: "anya@example.com",
      source: "walk_in",
      marketingConsent: true,
      dataConsentVersion: "v1",
    });
    expect(kept.telegramId).toBe(BigInt(bot.telegramId));
    expect(kept.phone).toMatch(/^\+7916555/);
    expect(kept.tags.sort()).toEqual(["till", "vip"]);
    expect(kept.purchases).toHaveLength(3);
    expect(kept.purchases.every((p) => p.cardId === bot.cardId)).toBe(true);
    expect(kept.refunds).toHaveLength(1);
    expect(kept.events.map((e) => e.type)).toEqual(
      expect.arrayContaining(["customer.registered", "bot.started", "customer.merged"]),
    );

    // Metrics recomputed from all three purchases (4000 + 1500 left of 2000 + 5000).
    expect(kept.purchaseCount).toBe(3);
    expect(kept.totalSpentMinor).toBe(1_050_000n);
    expect(kept.firstPurchaseAt).toEqual(first.purchase.createdAt);
    expect(kept.lastPurchaseAt).toEqual(daysAgo(2));
    expect(kept.avgPurchaseIntervalDays).toBeCloseTo(14, 5);
    // Neither reached silver (10 000 ₽) alone; together they do.
    expect(kept.tier).toBe("silver");
    expect(kept.tierSpendMinor).toBe(1_050_000n);

    // The ledger is append-only: the balance moved with two entries, nothing was rewritten.
    const moves = await db.prisma.pointsEntry.findMany({
      where: { idempotencyKey: { startsWith: `merge:${shop.customerId}:` } },
      orderBy: { id: "asc" },
    });
    expect(moves.map((m) => [m.idempotencyKey.split(":")[2], m.kind, m.delta, m.cardId])).toEqual([
      ["out", "ADJUSTMENT", -shopBalance, shop.cardId],
      ["in", "ADJUSTMENT", shopBalance, bot.cardId],
    ]);
    expect(moves.every((m) => m.staffId === manager.staffId)).toBe(true);
    expect(await ledgerMismatches()).toEqual([]);

    const retired = await db.prisma.customer.findUniqueOrThrow({
      where: { id: shop.customerId },
      include: { card: true, events: true },
    });
    expect(retired).toMatchObject({
      status: "DELETED",
      telegramId: null,
      phone: null,
      name: null,
      purchaseCount: 0,
    });
    expect(retired.deletedAt).not.toBeNull();
    expect(retired.card).toMatchObject({ status: "CLOSED", balance: 0 });
    expect(retired.events.map((e) => [e.type, e.data])).toEqual([
      ["customer.merged", { mergedInto: bot.customerId }],
    ]);

    const audit = await db.prisma.auditEntry.findMany({ where: { action: "customers.merged" } });
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({
      staffId: manager.staffId,
      customerId: bot.customerId,
      data: {
        mergedCustomerId: shop.customerId,
        pointsTransferred: shopBalance,
        purchasesMoved: 2,
      },
    });

    // A moved purchase is refunded on the card that now holds its points.
    const refund = await refundPurchase(db.sql, settings, {
      actor: manager,
      purchaseId: first.purchase.id,
      amountMinor: null,
      idempotencyKey: "merge-test-refund-2",
    });
    expect(refund.balance).toBe(total - first.purchase.pointsEarned);
    expect(await ledgerMismatches()).toEqual([]);
  });

  it("moves answers, survey runs and ratings; the answered fields fill the gaps", async () => {
    const shop = await walkIn({ at: daysAgo(30) });
    const bot = await botCustomer({ phone: null, at: daysAgo(3) });
    const species = await db.prisma.question.create({
      data: {
        id: randomUUID(),
        key: `pet_species_${nextTelegramId}`,
        type: "SINGLE_CHOICE",
        text: { ru: "Кто у вас?" },
        options: [
          { value: "dog", label: { ru: "Собака" } },
          { value: "cat", label: { ru: "Кошка" } },
        ],
      },
    });
    const survey = await db.prisma.survey.create({
      data: { id: randomUUID(), slug: `pets-${nextTelegramId}`, title: { ru: "Питомцы" } },
    });
    await saveAnswer(db.sql, {
      customerId: shop.customerId,
      question: species,
      value: "cat",
      source: "staff",
      consentVersion: "v1",
    });
    await db.prisma.surveyRun.create({
      data: { surveyId: survey.id, customerId: shop.customerId },
    });
    await db.prisma.customer.update({
      where: { id: shop.customerId },
      data: { familyStatus: "married", children: 2 },
    });
    await db.prisma.customer.update({
      where: { id: bot.customerId },
      data: { children: 1, healthConsentAt: daysAgo(1), healthConsentVersion: "v1" },
    });
    const purchase = await buy(shop.customerId, 1000, daysAgo(10));
    await db.prisma.feedback.create({
      data: {
        id: randomUUID(),
        customerId: shop.customerId,
        purchaseId: purchase.purchase.id,
        scale: "rating",
        score: 2,
        status: "OPEN",
      },
    });

    const result = await merge(bot.customerId, shop.customerId);
    expect(result.moved).toMatchObject({ answers: 1, surveys: 1, feedback: 1 });
    const kept = await db.prisma.customer.findUniqueOrThrow({
      where: { id: bot.customerId },
      include: { answers: true, surveys: true, feedback: true },
    });
    expect(kept.attributes).toMatchObject({ [species.key]: "cat" });
    // The older record's answers win, the newer one fills the gaps.
    expect(kept).toMatchObject({
      familyStatus: "married",
      children: 2,
      healthConsentVersion: "v1",
    });
    expect(kept.answers.map((a) => a.value)).toEqual(["cat"]);
    expect(kept.surveys.map((r) => r.surveyId)).toEqual([survey.id]);
    expect(kept.feedback.map((f) => f.purchaseId)).toEqual([purchase.purchase.id]);
  });

  it("merges once however often it is confirmed, even at the same moment", async () => {
    const kept = await botCustomer();
    const other = await walkIn();
    const results = await Promise.all([
      merge(kept.customerId, other.customerId),
      merge(kept.customerId, other.customerId),
    ]);
    expect(results.map((r) => r.merged).sort()).toEqual([false, true]);
    const again = await merge(kept.customerId, other.customerId);
    expect(again).toMatchObject({ merged: false, pointsTransferred: 100 });
    expect(again.card?.balance).toBe(200);
    expect(
      await db.prisma.pointsEntry.count({
        where: { idempotencyKey: { startsWith: `merge:${other.customerId}:` } },
      }),
    ).toBe(2);
    expect(
      await db.prisma.auditEntry.count({
        where: { action: "customers.merged", customerId: kept.customerId },
      }),
    ).toBe(1);
    expect(await ledgerMismatches()).toEqual([]);
  });

  it("keeps the higher tier of the two", async () => {
    const kept = await walkIn();
    const other = await walkIn();
    const reachedAt = daysAgo(100);
    await db.prisma.customer.update({
      where: { id: other.customerId },
      data: { tier: "gold", tierReachedAt: reachedAt },
    });
    await merge(kept.customerId, other.customerId);
    const after = await db.prisma.customer.findUniqueOrThrow({ where: { id: kept.customerId } });
    expect(after).toMatchObject({ tier: "gold", tierReachedAt: reachedAt });
  });

  it("gives the kept record the Telegram account of the merged one", async () => {
    const kept = await walkIn({ name: "Олег" });
    const other = await botCustomer({ name: "Oleg" });
    await merge(kept.customerId, other.customerId);
    const after = await db.prisma.customer.findUniqueOrThrow({ where: { id: kept.customerId } });
    expect(after.telegramId).toBe(BigInt(other.telegramId));
    expect(after.telegramFirstName).toBe("Oleg");
    // The customer's own consent in the bot beats the one staff recorded at the till.
    expect(after.dataConsentVersion).toBe("v1");
    expect(after.name).toBe("Олег");
  });

  it("refuses what cannot be one person's two cards, and those who may not merge", async () => {
    const a = await botCustomer();
    const b = await botCustomer();
    const c = await walkIn();
    await expect(merge(a.customerId, a.customerId)).rejects.toMatchObject({
      code: "invalid_input",
      details: { reason: "same_customer" },
    });
    // Two Telegram accounts are two people.
    await expect(merge(a.customerId, b.customerId)).rejects.toMatchObject({
      code: "conflict",
      details: { reason: "two_telegram_accounts" },
    });
    await expect(merge(a.customerId, c.customerId, cashier)).rejects.toMatchObject({
      code: "forbidden",
      details: { permission: "mergeCustomers" },
    });
    // A manager who is also a customer merges neither into nor out of their own card.
    for (const [keep, other] of [
      [a.customerId, c.customerId],
      [c.customerId, a.customerId],
    ] as const) {
      await expect(
        merge(keep, other, { ...manager, ownCustomerId: a.customerId }),
      ).rejects.toMatchObject({ code: "forbidden", details: { reason: "own_card" } });
    }
    // A record without a card cannot keep one that has a card.
    const { customer: cardless } = await registerBotStart(db.sql, {
      identity: { telegramId: nextTelegramId++, firstName: "Без карты" },
    });
    await expect(merge(cardless.id, c.customerId)).rejects.toMatchObject({
      code: "conflict",
      details: { reason: "kept_has_no_card" },
    });
    await expect(merge(a.customerId, "00000000-0000-4000-8000-000000000000")).rejects.toMatchObject(
      { code: "not_found" },
    );
    // Merged into someone else already: closed.
    await merge(a.customerId, c.customerId);
    const d = await walkIn();
    await expect(merge(d.customerId, c.customerId)).rejects.toMatchObject({
      code: "conflict",
      details: { reason: "closed" },
    });
    expect(await ledgerMismatches()).toEqual([]);
  });

  it("previews a merge: the other card by number or phone, or why not", async () => {
    const a = await botCustomer();
    const b = await botCustomer();
    const c = await walkIn();
    const card = await db.prisma.loyaltyCard.findUniqueOrThrow({ where: { id: c.cardId } });
    const cPhone = (await db.prisma.customer.findUniqueOrThrow({ where: { id: c.customerId } }))
      .phone as string;
    const preview = (query: string, actor = manager) =>
      findMergeCandidate(db.sql, { actor, keepId: a.customerId, query, phoneRegion: "RU" });
    for (const query of [card.number, cPhone]) {
      const found = await preview(query);
      expect(found.kind).toBe("found");
      if (found.kind === "found") {
        expect(found.kept.customer.id).toBe(a.customerId);
        expect(found.other.customer.id).toBe(c.customerId);
      }
    }
    const bCard = await db.prisma.loyaltyCard.findUniqueOrThrow({ where: { id: b.cardId } });
    expect(await preview(bCard.number)).toEqual({
      kind: "refused",
      reason: "two_telegram_accounts",
    });
    const aCard = await db.prisma.loyaltyCard.findUniqueOrThrow({ where: { id: a.cardId } });
    expect(await preview(aCard.number)).toEqual({ kind: "same_customer" });
    expect(await preview("+7 900 000 00 00")).toEqual({ kind: "not_found" });
    await expect(preview(card.number, cashier)).rejects.toMatchObject({ code: "forbidden" });
  });
});
