import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Actor } from "../../core/access/permissions.ts";
import type { CampaignInput } from "../../core/campaigns/campaign-input.ts";
import { createCampaign } from "../../core/campaigns/create-campaign.ts";
import { cancelCampaign, launchCampaign } from "../../core/campaigns/launch-campaign.ts";
import { variantBucket, variantOfBucket } from "../../core/campaigns/materialise.ts";
import { launchScheduledCampaigns } from "../../core/campaigns/scheduled-launch.ts";
import { campaignStats } from "../../core/campaigns/stats.ts";
import { sendTestMessage } from "../../core/campaigns/test-send.ts";
import type { CampaignDeps } from "../../core/campaigns/types.ts";
import type { Database } from "../../core/db/database.ts";
import { LoyaltySettingsStore } from "../../core/loyalty/settings-store.ts";
import { QuestionBank } from "../../core/questions/bank-store.ts";
import { type BotHarness, startBotHarness } from "../support/bot-harness.ts";
import { onboardedUser } from "../support/chat.ts";
import { openTestDatabase, testDbKind } from "../support/database.ts";
import { staffUser, until } from "../support/staff.ts";

const owner: Actor = { staffId: null, role: "OWNER", via: "cli" };
const TIME_ZONE = "Europe/Moscow";

function depsOf(db: Database, now?: () => Date): CampaignDeps {
  return {
    db: db.prisma,
    sql: db.sql,
    timeZone: TIME_ZONE,
    actor: owner,
    loyalty: new LoyaltySettingsStore(db.sql, { welcomeBonus: 100, referralBonus: 50 }),
    questions: new QuestionBank(db.sql),
    ...(now ? { now } : {}),
  };
}

const input = (extra: Partial<CampaignInput> = {}): CampaignInput => ({
  name: "Тест",
  text: "Привет, {first_name|друг}",
  segment: "all",
  ...extra,
});

describe(`campaign recipients on ${testDbKind}`, () => {
  let db: Database;
  beforeAll(async () => {
    db = await openTestDatabase();
  });
  afterAll(async () => {
    await db?.close();
  });

  async function customers(
    count: number,
    data: (i: number) => Record<string, unknown> = () => ({}),
  ) {
    const rows = Array.from({ length: count }, (_, i) => ({
      referralCode: `CORE${Date.now().toString(36)}${i}${Math.random().toString(36).slice(2, 6)}`,
      status: "ACTIVE" as const,
      telegramId: BigInt(8_000_000 + Math.floor(Math.random() * 1e9)),
      marketingConsent: true,
      ...data(i),
    }));
    await db.prisma.customer.createMany({ data: rows });
  }

  it("sends at sendAt's wall-clock time in each customer's own zone, materialised ahead", async () => {
    await customers(4, (i) => ({
      tags: ["local"],
      timeZone: ["Asia/Yekaterinburg", null, "Mars/Olympus", "America/New_York"][i],
      name: `zone${i}`,
    }));
    // 10:00 in Moscow on 10 December.
    const sendAt = "2026-12-10T10:00:00+03:00";
    const now = new Date("2026-12-09T12:00:00Z");
    const deps = depsOf(db, () => now);
    const segment = { field: "tags", op: "contains", value: "local" };
    const local = await createCampaign(deps, input({ segment, sendAt, localTime: true }));
    const plain = await createCampaign(deps, input({ segment, sendAt }));
    expect((await launchCampaign(deps, local.id)).status).toBe("SCHEDULED");
    expect((await launchCampaign(deps, plain.id)).status).toBe("SCHEDULED");
    // 19 hours ahead: within the local-time lead (the far east is due first), not the plain one.
    const run = await launchScheduledCampaigns({
      sql: db.sql,
      timeZone: TIME_ZONE,
      now: () => now,
    });
    expect(run.launched).toEqual([local.id]);
    const rows = await db.prisma.outboxMessage.findMany({
      where: { campaignId: local.id },
      include: { customer: true },
    });
    const at = Object.fromEntries(
      rows.map((row) => [row.customer.name, row.notBefore.toISOString()]),
    );
    expect(at).toEqual({
      zone0: "2026-12-10T05:00:00.000Z", // 10:00 in Yekaterinburg (UTC+5)
      zone1: "2026-12-10T07:00:00.000Z", // no zone: the business's
      zone2: "2026-12-10T07:00:00.000Z", // a zone nobody knows: the business's
      zone3: "2026-12-10T15:00:00.000Z", // 10:00 in New York (UTC−5 in December)
    });
    const later = await launchScheduledCampaigns({
      sql: db.sql,
      timeZone: TIME_ZONE,
      now: () => new Date("2026-12-10T07:00:30Z"),
    });
    expect(later.launched).toEqual([plain.id]);
    const plainRows = await db.prisma.outboxMessage.findMany({ where: { campaignId: plain.id } });
    expect(plainRows.map((row) => row.notBefore.toISOString())).toEqual(
      Array(4).fill("2026-12-10T07:00:30.000Z"),
    );
  });

  it("splits variants by share, the same way in SQL and in JS", async () => {
    await customers(300, () => ({ tags: ["ab"] }));
    const deps = depsOf(db);
    const variants = [
      { key: "A", share: 30, text: "a" },
      { key: "B", share: 70, text: "b" },
    ];
    const campaign = await createCampaign(
      deps,
      input({ segment: { field: "tags", op: "contains", value: "ab" }, variants }),
    );
    const launched = await launchCampaign(deps, campaign.id);
    expect(launched.recipients).toBe(300);
    const rows = await db.prisma.outboxMessage.findMany({ where: { campaignId: campaign.id } });
    for (const row of rows)
      expect(row.variant).toBe(
        variantOfBucket(variants, variantBucket(campaign.id, row.customerId)),
      );
    const a = rows.filter((row) => row.variant === "A").length;
    expect(a).toBeGreaterThan(60);
    expect(a).toBeLessThan(120);
    const stats = await campaignStats(db.sql, campaign.id);
    expect(stats.variants).toEqual([
      expect.objectContaining({ key: "A", share: 30, recipients: a, pending: a }),
      expect.objectContaining({ key: "B", share: 70, recipients: 300 - a, pending: 300 - a }),
    ]);
  });

  it("launches once when two launches race", async () => {
    await customers(5, () => ({ tags: ["race"] }));
    const deps = depsOf(db);
    const campaign = await createCampaign(
      deps,
      input({ segment: { field: "tags", op: "contains", value: "race" } }),
    );
    const results = await Promise.allSettled([
      launchCampaign(deps, campaign.id),
      launchCampaign(deps, campaign.id),
    ]);
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
    const refused = results.find((r) => r.status === "rejected") as PromiseRejectedResult;
    expect(refused.reason.message).toMatch(/already launched/);
    expect(await db.prisma.outboxMessage.count({ where: { campaignId: campaign.id } })).toBe(5);
  });

  it("a scheduled campaign whose audience emptied meanwhile ends saying so; a deleted segment cancels", async () => {
    await customers(2, () => ({ tags: ["leaving"] }));
    const now = new Date();
    const deps = depsOf(db, () => now);
    const sendAt = new Date(now.getTime() + 3_600_000).toISOString();
    const emptied = await createCampaign(
      deps,
      input({ segment: { field: "tags", op: "contains", value: "leaving" }, sendAt }),
    );
    await launchCampaign(deps, emptied.id);
    const segment = await db.prisma.segment.create({
      data: { name: "temp", definition: { field: "tags", op: "contains", value: "leaving" } },
    });
    const orphan = await createCampaign(deps, input({ segment: segment.id, sendAt }));
    await launchCampaign(deps, orphan.id);
    await db.prisma.customer.updateMany({
      where: { tags: { has: "leaving" } },
      data: { marketingConsent: false },
    });
    await db.prisma.segment.delete({ where: { id: segment.id } });
    const run = await launchScheduledCampaigns({
      sql: db.sql,
      timeZone: TIME_ZONE,
      now: () => new Date(Date.parse(sendAt) + 1000),
    });
    expect(run.empty).toContain(emptied.id);
    expect(run.failed).toContain(orphan.id);
    const [a, b] = await Promise.all([
      db.prisma.campaign.findUniqueOrThrow({ where: { id: emptied.id } }),
      db.prisma.campaign.findUniqueOrThrow({ where: { id: orphan.id } }),
    ]);
    expect(a).toMatchObject({
      status: "SENT",
      recipients: 0,
      lastError: expect.stringMatching(/Nobody/),
    });
    expect(b).toMatchObject({
      status: "CANCELLED",
      lastError: expect.stringMatching(/segment was deleted/),
    });
  });
});

describe(`a campaign sent by the real bot on ${testDbKind}`, () => {
  let h: BotHarness;
  beforeAll(async () => {
    h = await startBotHarness({ env: { OUTBOX_RATE: "200" } });
  });
  afterAll(async () => {
    await h?.close();
  });

  it("reaches every recipient with their own words, counts them, and the test goes to the staff chat", async () => {
    const people = [];
    for (let i = 0; i < 3; i++)
      people.push(await onboardedUser(h, { id: 9100 + i, first_name: `Имя${i}` }));
    const { staff, user: staffChat } = await staffUser(h, { id: 9200, role: "MANAGER" });
    const deps: CampaignDeps = {
      ...depsOf(h.db),
      actor: { staffId: staff.id, role: "MANAGER", via: "telegram" },
    };
    const campaign = await createCampaign(
      deps,
      input({
        text: "Осенняя скидка для {first_name|вас}!",
        buttons: [{ text: "Ок", action: "ok" }],
      }),
    );
    await sendTestMessage(deps, campaign.id, staff.id);
    await until(
      async () => staffChat.messages().some((m) => m.text?.includes("Осенняя скидка")),
      "the test message in the staff chat",
    );
    const launched = await launchCampaign(deps, campaign.id);
    expect(launched.recipients).toBe(3);
    await until(
      async () => (await campaignStats(h.db.sql, campaign.id)).sent === 3,
      "three deliveries sent",
    );
    for (const [i, person] of people.entries())
      expect(
        person.user.messages().some((m) => m.text?.includes(`Осенняя скидка для Имя${i}!`)),
      ).toBe(true);
    const stats = await campaignStats(h.db.sql, campaign.id);
    expect(stats).toMatchObject({ recipients: 3, sent: 3, pending: 0, failed: 0 });
    // Sent everything: the every-minute job closes it.
    await launchScheduledCampaigns({ sql: h.db.sql, timeZone: TIME_ZONE });
    expect(
      (await h.db.prisma.campaign.findUniqueOrThrow({ where: { id: campaign.id } })).status,
    ).toBe("SENT");
    expect((await cancelCampaign(deps, campaign.id).catch((e: Error) => e)) instanceof Error).toBe(
      true,
    );
  });
});
