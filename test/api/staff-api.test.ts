import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { formatCardNumber } from "../../core/loyalty/card-number.ts";
import { ADMIN_TOKEN, apiCaller } from "../support/api.ts";
import { type BotHarness, startBotHarness } from "../support/bot-harness.ts";
import { customerOf, lastText, onboardedUser } from "../support/chat.ts";
import { testDbKind } from "../support/database.ts";

let h: BotHarness;
beforeAll(async () => {
  h = await startBotHarness({ env: { ADMIN_TOKEN } });
});
afterAll(async () => {
  await h?.close();
});

const call = apiCaller(() => h.app.httpUrl);

let nextId = 7600;

describe(`staff API on ${testDbKind}`, () => {
  it("invites by link, lists staff, and disables at once", async () => {
    const created = await call("POST", "/api/staff/invites", { name: "Анна", role: "CASHIER" });
    expect(created.status).toBe(201);
    const { link, expiresAt } = created.body;
    const username = h.emulator.botInfo.username;
    expect(link).toMatch(new RegExp(`^https://t\\.me/${username}\\?start=staff_[A-Z0-9]{16}$`));
    const hours = (Date.parse(expiresAt) - Date.now()) / 3_600_000;
    expect(hours).toBeGreaterThan(23.9);
    expect(hours).toBeLessThanOrEqual(24);

    const anna = h.user({ id: nextId++, first_name: "Анна" });
    await anna.sendCommand("/start", new URL(link).searchParams.get("start") ?? "");
    expect(lastText(anna)).toContain("Ваша роль: кассир");

    const listed = await call("GET", "/api/staff");
    expect(listed.status).toBe(200);
    const member = listed.body.staff.find((s: { name: string }) => s.name === "Анна");
    expect(member).toMatchObject({ role: "CASHIER", active: true, telegramLinked: true });

    const disabled = await call("DELETE", `/api/staff/${member.id}`);
    expect(disabled.status).toBe(200);
    expect(disabled.body.staff.active).toBe(false);
    await anna.pressReplyButton("🔎 Найти клиента");
    expect(lastText(anna)).toBe("У вас больше нет доступа к функциям сотрудника.");
  });

  it("answers bad staff requests precisely, and only to owners", async () => {
    const invalid = await call("POST", "/api/staff/invites", { name: " ", role: "KING" });
    expect(invalid.status).toBe(400);
    expect(
      invalid.body.error.details.issues.map((issue: { field: string }) => issue.field).sort(),
    ).toEqual(["name", "role"]);
    expect((await call("POST", "/api/staff/invites", "{oops")).status).toBe(400);
    expect((await call("DELETE", "/api/staff/not-a-uuid")).status).toBe(400);
    const missing = await call("DELETE", "/api/staff/00000000-0000-4000-8000-000000000000");
    expect(missing.status).toBe(404);
    expect(missing.body.error.code).toBe("not_found");

    const token = await call("POST", "/api/tokens", { name: "Менеджер", role: "MANAGER" });
    const manager = token.body.token as string;
    for (const [method, path, body] of [
      ["GET", "/api/staff", undefined],
      ["POST", "/api/staff/invites", { name: "X", role: "OWNER" }],
      ["GET", "/api/audit", undefined],
    ] as const) {
      const refused = await call(method, path, body, manager);
      expect(refused.status).toBe(403);
      expect(refused.body.error.code).toBe("forbidden");
    }
  });

  it("keeps an audit log filtered by staff, customer and time", async () => {
    const created = await call("POST", "/api/staff/invites", { name: "Игорь", role: "MANAGER" });
    const igor = h.user({ id: nextId++, first_name: "Игорь" });
    await igor.sendCommand("/start", new URL(created.body.link).searchParams.get("start") ?? "");
    const staffId = (
      await h.db.prisma.staffMember.findUniqueOrThrow({ where: { telegramId: BigInt(igor.id) } })
    ).id;
    const { user, customerId } = await onboardedUser(h, { id: nextId++ });
    const card = (await customerOf(h.db, user))?.card;
    await igor.sendText(formatCardNumber(card?.number ?? ""));

    const byStaff = await call("GET", `/api/audit?staffId=${staffId}`);
    expect(byStaff.status).toBe(200);
    expect(byStaff.body.entries.map((e: { action: string }) => e.action)).toEqual([
      "customer.lookup",
      "staff.joined",
    ]);
    expect(byStaff.body.entries[0]).toMatchObject({
      staffId,
      customerId,
      actor: "telegram",
      data: { by: "cardNumber" },
    });

    const byCustomer = await call("GET", `/api/audit?customerId=${customerId}`);
    expect(byCustomer.body.entries).toHaveLength(1);
    const future = await call("GET", `/api/audit?staffId=${staffId}&from=2099-01-01`);
    expect(future.body.entries).toEqual([]);
    const past = await call("GET", `/api/audit?staffId=${staffId}&to=2000-01-01T00:00:00Z`);
    expect(past.body.entries).toEqual([]);

    // Paging: one at a time, newest first, until the cursor runs out.
    const first = await call("GET", `/api/audit?staffId=${staffId}&limit=1`);
    expect(first.body.entries[0].action).toBe("customer.lookup");
    const second = await call(
      "GET",
      `/api/audit?staffId=${staffId}&limit=1&cursor=${first.body.nextCursor}`,
    );
    expect(second.body.entries[0].action).toBe("staff.joined");
    expect(second.body.nextCursor).toBeNull();

    const bad = await call("GET", "/api/audit?from=yesterday&limit=0");
    expect(bad.status).toBe(400);
    expect(
      bad.body.error.details.issues.map((issue: { field: string }) => issue.field).sort(),
    ).toEqual(["from", "limit"]);
  });
});
