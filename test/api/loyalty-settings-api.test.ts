import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { LoyaltySettingsStore } from "../../core/loyalty/settings-store.ts";
import { ADMIN_TOKEN, apiCaller } from "../support/api.ts";
import { type BotHarness, startBotHarness } from "../support/bot-harness.ts";
import { customerOf, onboardedUser, texts } from "../support/chat.ts";
import { testDbKind } from "../support/database.ts";

let h: BotHarness;
beforeAll(async () => {
  // What the environment seeds the settings with, the first time only.
  h = await startBotHarness({
    env: { ADMIN_TOKEN, WELCOME_BONUS: "77", REFERRAL_BONUS: "33" },
  });
});
afterAll(async () => {
  await h?.close();
});

const call = apiCaller(() => h.app.httpUrl);
const fields = (answer: { body: { error: { details: { issues: Array<{ field: string }> } } } }) =>
  answer.body.error.details.issues.map((issue) => issue.field).sort();

let nextId = 8100;

describe(`loyalty settings API on ${testDbKind}`, () => {
  it("seeds from the environment once; a change reaches the bot at once and the database wins", async () => {
    const seeded = await call("GET", "/api/settings/loyalty");
    expect(seeded.status).toBe(200);
    expect(seeded.body.settings).toMatchObject({
      welcomeBonus: 77,
      referralBonus: 33,
      maxRedeemPercent: 30,
      eventBonuses: { review_left: 50 },
    });
    expect(seeded.body.settings.tiers.levels.map((l: { key: string }) => l.key)).toEqual([
      "base",
      "silver",
      "gold",
    ]);
    const { version } = seeded.body;

    const changed = await call("PUT", "/api/settings/loyalty", { welcomeBonus: 120 });
    expect(changed.status).toBe(200);
    expect(changed.body.version).toBe(version + 1);
    // Only what was sent changed: the rest kept its stored values.
    expect(changed.body.settings).toEqual({ ...seeded.body.settings, welcomeBonus: 120 });

    // The bot in the same process credits the new bonus to the next customer.
    const { user } = await onboardedUser(h, { id: nextId++ });
    expect(texts(user)).toContain("На карту начислено 120 баллов в подарок.");
    const customer = await customerOf(h.db, user);
    expect(customer?.ledger.map((e) => [e.kind, e.delta])).toEqual([["WELCOME", 120]]);

    // A process started later with other environment values reads what is stored.
    const restarted = new LoyaltySettingsStore(h.db.sql, { welcomeBonus: 5, referralBonus: 6 });
    expect(await restarted.get()).toMatchObject({ welcomeBonus: 120, referralBonus: 33 });
    expect(restarted.version).toBe(version + 1);
    expect(await h.db.prisma.loyaltySettings.count()).toBe(1);

    // So does this app after a restart (its WELCOME_BONUS is still 77).
    await h.restart();
    const after = await call("GET", "/api/settings/loyalty");
    expect(after.body).toEqual(changed.body);
  });

  it("audits every change with the values before and after", async () => {
    const before = (await call("GET", "/api/settings/loyalty")).body.settings;
    const changed = await call("PUT", "/api/settings/loyalty", {
      maxRedeemPercent: 50,
      eventBonuses: { review_left: 70, checkin: 10 },
    });
    expect(changed.status).toBe(200);
    const audit = await call("GET", "/api/audit?limit=1");
    expect(audit.body.entries[0]).toMatchObject({
      action: "settings.changed",
      actor: "admin-token",
      customerId: null,
      data: {
        version: changed.body.version,
        before: { maxRedeemPercent: before.maxRedeemPercent, eventBonuses: before.eventBonuses },
        after: { maxRedeemPercent: 50, eventBonuses: { review_left: 70, checkin: 10 } },
      },
    });
    // Unchanged fields are not in the record.
    expect(Object.keys(audit.body.entries[0].data.after).sort()).toEqual([
      "eventBonuses",
      "maxRedeemPercent",
    ]);
  });

  it("refuses bad settings, naming each field, and changes nothing", async () => {
    const { settings, version } = (await call("GET", "/api/settings/loyalty")).body;
    const levels = settings.tiers.levels;
    const withLevels = (change: (levels: Array<Record<string, unknown>>) => void) => {
      const copy = structuredClone(levels);
      change(copy);
      return { tiers: { ...settings.tiers, levels: copy } };
    };

    const bad = await call("PUT", "/api/settings/loyalty", {
      maxRedeemPercent: 150,
      welcomeBonus: -1,
    });
    expect(bad.status).toBe(400);
    expect(fields(bad)).toEqual(["maxRedeemPercent", "welcomeBonus"]);

    const cases: Array<[unknown, string[]]> = [
      [{ currency: "rubles" }, ["currency"]],
      [{ eventBonuses: { "Review Left": 10 } }, ["eventBonuses.Review Left"]],
      [{ expiry: { kind: "after_days", days: 0 } }, ["expiry.days"]],
      [
        withLevels((l) => Object.assign(l[2] as object, { minSpentMinor: 1 })),
        ["tiers.levels.2.minSpentMinor"],
      ],
      [
        withLevels((l) => Object.assign(l[0] as object, { minSpentMinor: 500 })),
        ["tiers.levels.0.minSpentMinor"],
      ],
      [withLevels((l) => Object.assign(l[1] as object, { key: "gold" })), ["tiers.levels.1.key"]],
      [
        withLevels((l) => {
          Object.assign(l[1] as object, { name: "VIP" });
          Object.assign(l[2] as object, { name: "vip" });
        }),
        ["tiers.levels.2.name"],
      ],
      [withLevels((l) => l.pop()), ["tiers.levels"]],
    ];
    for (const [body, expected] of cases) {
      const answer = await call("PUT", "/api/settings/loyalty", body);
      expect(answer.status, JSON.stringify(body)).toBe(400);
      expect(fields(answer), JSON.stringify(body)).toEqual(expected);
    }

    // A misspelt setting is refused rather than ignored; so is a change of nothing.
    const typo = await call("PUT", "/api/settings/loyalty", { welcomBonus: 10 });
    expect(typo.status).toBe(400);
    expect(typo.body.error.details.issues[0].message).toContain("welcomBonus");
    expect((await call("PUT", "/api/settings/loyalty", {})).status).toBe(400);
    expect((await call("PUT", "/api/settings/loyalty", "{oops")).status).toBe(400);

    const unchanged = await call("GET", "/api/settings/loyalty");
    expect(unchanged.body).toEqual({ settings, version });
  });

  it("is for owners only", async () => {
    for (const role of ["MANAGER", "CASHIER"]) {
      const token = (await call("POST", "/api/tokens", { name: role, role })).body.token as string;
      const read = await call("GET", "/api/settings/loyalty", undefined, token);
      expect(read.status).toBe(403);
      expect(read.body.error.code).toBe("forbidden");
      const write = await call("PUT", "/api/settings/loyalty", { welcomeBonus: 1 }, token);
      expect(write.status).toBe(403);
    }
    const settings = (await call("GET", "/api/settings/loyalty")).body.settings;
    expect(settings.welcomeBonus).toBe(120);
  });
});
