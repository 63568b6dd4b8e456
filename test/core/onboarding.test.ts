import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { registerBotStart } from "../../core/customers/register-bot-start.ts";
import type { Database } from "../../core/db/database.ts";
import { attachPhone } from "../../core/onboarding/attach-phone.ts";
import { completeOnboarding } from "../../core/onboarding/complete-onboarding.ts";
import { giveDataConsent } from "../../core/onboarding/consent.ts";
import { deleteCustomerData } from "../../core/privacy/delete-customer-data.ts";
import { openTestDatabase, testDbKind } from "../support/database.ts";

let db: Database;
beforeAll(async () => {
  db = await openTestDatabase();
});
afterAll(async () => {
  await db?.close();
});

let nextTelegramId = 5000;
async function consentingCustomer(payload?: string) {
  const telegramId = nextTelegramId++;
  const { customer } = await registerBotStart(db.sql, {
    identity: { telegramId, firstName: "Test" },
    payload,
  });
  await giveDataConsent(db.sql, {
    customerId: customer.id,
    version: "v1",
    identity: { telegramId, firstName: "Test" },
  });
  return { customerId: customer.id, telegramId };
}

const bonuses = { welcomeBonus: 100, referralBonus: 50 };

describe(`onboarding use cases on ${testDbKind}`, () => {
  it("issues one card and one welcome bonus however often completion is called", async () => {
    const { customerId } = await consentingCustomer();
    const results = await Promise.all([
      completeOnboarding(db.sql, { customerId, ...bonuses }).catch((e: unknown) => e),
      completeOnboarding(db.sql, { customerId, ...bonuses }).catch((e: unknown) => e),
    ]);
    const again = await completeOnboarding(db.sql, { customerId, ...bonuses });
    expect(results.every((r) => !(r instanceof Error))).toBe(true);
    expect(again.issued).toBe(false);
    expect(again.welcomeCredited).toBe(0);
    expect(await db.prisma.loyaltyCard.count({ where: { customerId } })).toBe(1);
    expect(await db.prisma.pointsEntry.count({ where: { customerId, kind: "WELCOME" } })).toBe(1);
    expect(again.card.balance).toBe(100);
  });

  it("refuses to issue a card without consent", async () => {
    const { customer } = await registerBotStart(db.sql, {
      identity: { telegramId: nextTelegramId++, firstName: "NoConsent" },
    });
    await expect(
      completeOnboarding(db.sql, { customerId: customer.id, ...bonuses }),
    ).rejects.toMatchObject({
      code: "forbidden",
    });
  });

  it("credits the referrer once, when the friend finishes", async () => {
    const referrer = await consentingCustomer();
    await completeOnboarding(db.sql, { customerId: referrer.customerId, ...bonuses });
    const code = (
      await db.prisma.customer.findUniqueOrThrow({ where: { id: referrer.customerId } })
    ).referralCode;

    const friend = await consentingCustomer(`ref_${code}`);
    const first = await completeOnboarding(db.sql, {
      customerId: friend.customerId,
      ...bonuses,
    });
    const second = await completeOnboarding(db.sql, {
      customerId: friend.customerId,
      ...bonuses,
    });
    expect(first.referrerCredited).toBe(referrer.customerId);
    expect(second.referrerCredited).toBeNull();
    const referrerCard = await db.prisma.loyaltyCard.findUniqueOrThrow({
      where: { customerId: referrer.customerId },
    });
    expect(referrerCard.balance).toBe(150);
    expect(
      await db.prisma.customerEvent.count({
        where: { customerId: referrer.customerId, type: "referral.credited" },
      }),
    ).toBe(1);
  });

  it("ignores referral codes that do not exist and never re-refers an existing customer", async () => {
    const stranger = await consentingCustomer("ref_NOSUCH99");
    const row = await db.prisma.customer.findUniqueOrThrow({ where: { id: stranger.customerId } });
    expect(row.referrerId).toBeNull();

    // An existing customer following someone's link (or their own) stays as they were.
    const again = await registerBotStart(db.sql, {
      identity: { telegramId: stranger.telegramId, firstName: "Test" },
      payload: `ref_${row.referralCode}`,
    });
    expect(again.customer.referrerId).toBeNull();
    expect(again.kind).toBe("onboarding");
  });

  it("merges a verified phone into a record imported without Telegram", async () => {
    const imported = await db.prisma.customer.create({
      data: {
        referralCode: "IMPORTED1",
        phone: "+79990000001",
        name: "Imported Name",
        status: "ACTIVE",
      },
    });
    await db.prisma.loyaltyCard.create({
      data: { number: "100000000009", customerId: imported.id, balance: 0 },
    });
    const fresh = await consentingCustomer("src_instagram");

    expect(
      await attachPhone(db.sql, {
        customerId: fresh.customerId,
        phone: "+79990000001",
        verified: false,
      }),
    ).toEqual({
      kind: "needs_verification",
    });
    const merged = await attachPhone(db.sql, {
      customerId: fresh.customerId,
      phone: "+79990000001",
      verified: true,
    });
    expect(merged).toMatchObject({ kind: "merged", customer: { id: imported.id } });
    expect(await db.prisma.customer.findUnique({ where: { id: fresh.customerId } })).toBeNull();
    const result = await db.prisma.customer.findUniqueOrThrow({ where: { id: imported.id } });
    expect(result.telegramId).toBe(BigInt(fresh.telegramId));
    expect(result.name).toBe("Imported Name");
    expect(result.dataConsentVersion).toBe("v1");
    // The events of the fresh record (bot.started, consent.given) moved with it.
    const types = (
      await db.prisma.customerEvent.findMany({ where: { customerId: imported.id } })
    ).map((e) => e.type);
    expect(types).toEqual(
      expect.arrayContaining(["bot.started", "consent.given", "customer.merged", "phone.verified"]),
    );

    // A customer who already has a card cannot absorb a separate history by a button press.
    const carded = await consentingCustomer();
    await completeOnboarding(db.sql, { customerId: carded.customerId, ...bonuses });
    await db.prisma.customer.create({ data: { referralCode: "IMPORTED2", phone: "+79990000003" } });
    expect(
      await attachPhone(db.sql, {
        customerId: carded.customerId,
        phone: "+79990000003",
        verified: true,
      }),
    ).toEqual({ kind: "needs_staff" });

    // Another Telegram account cannot take the same number.
    const other = await consentingCustomer();
    expect(
      await attachPhone(db.sql, {
        customerId: other.customerId,
        phone: "+79990000001",
        verified: true,
      }),
    ).toEqual({
      kind: "taken",
    });
  });

  it("deletes personal data but keeps the anonymous ledger", async () => {
    const { customerId, telegramId } = await consentingCustomer("src_vk");
    await attachPhone(db.sql, { customerId, phone: "+79990000002", verified: true });
    await completeOnboarding(db.sql, { customerId, ...bonuses });
    await deleteCustomerData(db.prisma, { customerId });

    const row = await db.prisma.customer.findUniqueOrThrow({ where: { id: customerId } });
    expect(row).toMatchObject({
      status: "DELETED",
      telegramId: null,
      phone: null,
      name: null,
      source: null,
    });
    expect(await db.prisma.pointsEntry.count({ where: { customerId } })).toBe(1);
    expect((await db.prisma.loyaltyCard.findUniqueOrThrow({ where: { customerId } })).status).toBe(
      "CLOSED",
    );
    const events = await db.prisma.customerEvent.findMany({ where: { customerId } });
    expect(events.map((e) => e.type)).toEqual(["data.deleted"]);
    // Coming back later is a fresh start.
    const back = await registerBotStart(db.sql, { identity: { telegramId, firstName: "Back" } });
    expect(back.kind).toBe("new");
    expect(back.customer.id).not.toBe(customerId);
  });
});
