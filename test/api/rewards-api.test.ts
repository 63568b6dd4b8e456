import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { LoyaltySettingsSchema } from "../../core/loyalty/settings.ts";
import { formatRewardCode } from "../../core/rewards/code.ts";
import { redeemReward } from "../../core/rewards/redeem-reward.ts";
import { ADMIN_TOKEN, apiCaller } from "../support/api.ts";
import { type BotHarness, startBotHarness } from "../support/bot-harness.ts";
import { onboardedUser } from "../support/chat.ts";
import { testDbKind } from "../support/database.ts";

let h: BotHarness;
beforeAll(async () => {
  h = await startBotHarness({ env: { ADMIN_TOKEN } });
});
afterAll(async () => {
  await h?.close();
});

const call = apiCaller(() => h.app.httpUrl);
const settings = LoyaltySettingsSchema.parse({});
let nextId = 9600;
let keys = 0;

async function tokenFor(role: "CASHIER" | "MANAGER") {
  const issued = await call("POST", "/api/tokens", { name: `${role} till`, role });
  expect(issued.status).toBe(201);
  return issued.body.token as string;
}

/** A customer who took the reward (through core, as the bot does): their code. */
async function redeemed(rewardId: string) {
  const { customerId } = await onboardedUser(h, { id: nextId++ });
  const { redemption } = await redeemReward(h.db.sql, settings, {
    customerId,
    rewardId,
    idempotencyKey: `test:${keys++}`,
  });
  return { customerId, code: redemption.code, id: redemption.id };
}

describe(`rewards API on ${testDbKind}`, () => {
  it("adds, lists, changes and takes rewards out of the catalogue, audited", async () => {
    const created = await call("POST", "/api/rewards", {
      kind: "COUPON",
      title: " −10% на стрижку ",
      description: "На любую стрижку",
      cost: 50,
      stock: 10,
      perCustomerLimit: 2,
    });
    expect(created.status).toBe(201);
    const reward = created.body.reward;
    expect(reward).toMatchObject({
      kind: "COUPON",
      title: "−10% на стрижку",
      cost: 50,
      stock: 10,
      perCustomerLimit: 2,
      validDays: 30,
      active: true,
    });

    const unlimited = await call("POST", "/api/rewards", { kind: "GIFT", title: "Кофе", cost: 40 });
    expect(unlimited.body.reward).toMatchObject({ stock: null, perCustomerLimit: null });

    const changed = await call("PUT", `/api/rewards/${reward.id}`, { cost: 60, stock: null });
    expect(changed.status).toBe(200);
    expect(changed.body.reward).toMatchObject({ cost: 60, stock: null, title: "−10% на стрижку" });

    const taken = await redeemed(reward.id);
    const listed = await call("GET", "/api/rewards");
    expect(listed.status).toBe(200);
    const row = listed.body.rewards.find((r: { id: string }) => r.id === reward.id);
    expect(row.redemptions).toEqual({ issued: 1, used: 0, expired: 0 });

    // Taken by someone: only deactivated, its redemption stays.
    const removed = await call("DELETE", `/api/rewards/${reward.id}`);
    expect(removed.status).toBe(200);
    expect(removed.body).toMatchObject({ deleted: false, reward: { active: false } });
    expect(await h.db.prisma.rewardRedemption.count({ where: { id: taken.id } })).toBe(1);
    const active = await call("GET", "/api/rewards?active=true");
    expect(active.body.rewards.map((r: { id: string }) => r.id)).not.toContain(reward.id);
    const inactive = await call("GET", "/api/rewards?active=false");
    expect(inactive.body.rewards.map((r: { id: string }) => r.id)).toContain(reward.id);
    // Never taken: gone.
    const gone = await call("DELETE", `/api/rewards/${unlimited.body.reward.id}`);
    expect(gone.body.deleted).toBe(true);
    expect(await h.db.prisma.reward.count({ where: { id: unlimited.body.reward.id } })).toBe(0);
    expect((await call("DELETE", `/api/rewards/${unlimited.body.reward.id}`)).status).toBe(404);

    const audit = await h.db.prisma.auditEntry.findMany({
      where: { action: "reward.changed", data: { path: ["rewardId"], equals: reward.id } },
      orderBy: { id: "asc" },
    });
    expect(audit.map((e) => (e.data as { change: string }).change)).toEqual([
      "created",
      "updated",
      "deactivated",
    ]);
    expect(audit[0]?.actor).toBe("admin-token");
  });

  it("answers bad catalogue requests with 400 naming the fields, and 404 for unknown ids", async () => {
    const invalid = await call("POST", "/api/rewards", {
      kind: "DISCOUNT",
      title: "  ",
      cost: 0,
      stock: -1,
      perCustomerLimit: 0,
      validDays: 1.5,
    });
    expect(invalid.status).toBe(400);
    expect(
      invalid.body.error.details.issues.map((issue: { field: string }) => issue.field).sort(),
    ).toEqual(["cost", "kind", "perCustomerLimit", "stock", "title", "validDays"]);
    const extra = await call("POST", "/api/rewards", {
      kind: "GIFT",
      title: "Кофе",
      cost: 10,
      price: 5,
    });
    expect(extra.status).toBe(400);
    expect((await call("POST", "/api/rewards", "{oops")).status).toBe(400);
    expect((await call("POST", "/api/rewards", { kind: "GIFT", title: "X" })).status).toBe(400);

    const { body } = await call("POST", "/api/rewards", { kind: "GIFT", title: "Чай", cost: 5 });
    const empty = await call("PUT", `/api/rewards/${body.reward.id}`, {});
    expect(empty.status).toBe(400);
    expect((await call("PUT", `/api/rewards/${body.reward.id}`, { cost: -5 })).status).toBe(400);
    expect((await call("PUT", "/api/rewards/not-a-uuid", { cost: 5 })).status).toBe(400);
    const missing = await call("PUT", "/api/rewards/00000000-0000-4000-8000-000000000000", {
      cost: 5,
    });
    expect(missing.status).toBe(404);
    expect(missing.body.error.code).toBe("not_found");

    expect((await call("GET", "/api/rewards/redemptions?status=LOST")).status).toBe(400);
    expect((await call("GET", "/api/rewards/redemptions?customerId=42")).status).toBe(400);
    expect((await call("GET", "/api/rewards/redemptions?cursor=yesterday")).status).toBe(400);
  });

  it("lets a cashier mark a code used once, and only managers and owners edit the catalogue", async () => {
    const cashier = await tokenFor("CASHIER");
    const manager = await tokenFor("MANAGER");
    for (const [method, path, body] of [
      ["GET", "/api/rewards", undefined],
      ["POST", "/api/rewards", { kind: "GIFT", title: "X", cost: 1 }],
      ["PUT", "/api/rewards/00000000-0000-4000-8000-000000000000", { cost: 2 }],
      ["DELETE", "/api/rewards/00000000-0000-4000-8000-000000000000", undefined],
      ["GET", "/api/rewards/redemptions", undefined],
    ] as const) {
      const refused = await call(method, path, body, cashier);
      expect(refused.status, `${method} ${path}`).toBe(403);
      expect(refused.body.error.code).toBe("forbidden");
    }
    const byManager = await call(
      "POST",
      "/api/rewards",
      { kind: "GIFT", title: "Брелок", cost: 10, validDays: 7 },
      manager,
    );
    expect(byManager.status).toBe(201);

    const { code, customerId } = await redeemed(byManager.body.reward.id);
    // Typed at the till: any case, with or without the dash.
    const used = await call(
      "POST",
      `/api/rewards/redemptions/${formatRewardCode(code).toLowerCase()}/use`,
      undefined,
      cashier,
    );
    expect(used.status).toBe(200);
    expect(used.body.redemption).toMatchObject({
      code: formatRewardCode(code),
      status: "USED",
      customerId,
      rewardTitle: "Брелок",
      cost: 10,
    });
    const again = await call("POST", `/api/rewards/redemptions/${code}/use`, undefined, cashier);
    expect(again.status).toBe(409);
    expect(again.body.error.details).toMatchObject({
      reason: "already_used",
      usedAt: used.body.redemption.usedAt,
    });
    const unknown = await call(
      "POST",
      "/api/rewards/redemptions/ABCD-2345/use",
      undefined,
      cashier,
    );
    expect(unknown.status).toBe(404);
    const nonsense = await call("POST", "/api/rewards/redemptions/hello/use", undefined, cashier);
    expect(nonsense.status).toBe(404);

    const audit = await h.db.prisma.auditEntry.findMany({
      where: { action: "reward.used", customerId },
    });
    expect(audit).toHaveLength(1);
    expect(audit[0]?.actor).toMatch(/^api-token:/);
  });

  it("refuses an expired code, and lists redemptions filtered and paged", async () => {
    const { body } = await call("POST", "/api/rewards", {
      kind: "GIFT",
      title: "Открытка",
      cost: 5,
      validDays: 1,
    });
    const rewardId = body.reward.id;
    const first = await redeemed(rewardId);
    const second = await redeemed(rewardId);
    const third = await redeemed(rewardId);
    await h.db.prisma.rewardRedemption.update({
      where: { id: first.id },
      data: { expiresAt: new Date(Date.now() - 1000) },
    });
    const expired = await call("POST", `/api/rewards/redemptions/${first.code}/use`);
    expect(expired.status).toBe(409);
    expect(expired.body.error.details.reason).toBe("expired");
    expect((await call("POST", `/api/rewards/redemptions/${second.code}/use`)).status).toBe(200);

    const used = await call("GET", `/api/rewards/redemptions?status=USED&rewardId=${rewardId}`);
    expect(used.status).toBe(200);
    expect(used.body.redemptions.map((r: { id: string }) => r.id)).toEqual([second.id]);
    const theirs = await call("GET", `/api/rewards/redemptions?customerId=${third.customerId}`);
    expect(theirs.body.redemptions).toHaveLength(1);
    expect(theirs.body.redemptions[0]).toMatchObject({ status: "ISSUED", rewardTitle: "Открытка" });

    // Newest first, one a page, until the cursor runs out.
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page = await call(
        "GET",
        `/api/rewards/redemptions?rewardId=${rewardId}&limit=1${cursor ? `&cursor=${cursor}` : ""}`,
      );
      expect(page.status).toBe(200);
      seen.push(...page.body.redemptions.map((r: { id: string }) => r.id));
      cursor = page.body.nextCursor;
    } while (cursor);
    expect(seen).toEqual([third.id, second.id, first.id]);
  });
});
