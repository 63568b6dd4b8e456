import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Actor } from "../../core/access/permissions.ts";
import { startBulkPointsRun } from "../../core/loyalty/bulk-points.ts";
import {
  bulkEntryKey,
  processBulkRun,
  processBulkRunBatch,
} from "../../core/loyalty/bulk-points-processing.ts";
import { formatCardNumber } from "../../core/loyalty/card-number.ts";
import type { SimulatedUser } from "../../emulator/index.ts";
import { ADMIN_TOKEN, apiCaller } from "../support/api.ts";
import { type BotHarness, startBotHarness } from "../support/bot-harness.ts";
import { customerOf, onboardedUser, texts } from "../support/chat.ts";
import { testDbKind } from "../support/database.ts";

let h: BotHarness;
let manager: string;
let cashier: string;
beforeAll(async () => {
  h = await startBotHarness({ env: { ADMIN_TOKEN } });
  manager = (await call("POST", "/api/tokens", { name: "Менеджер", role: "MANAGER" })).body.token;
  cashier = (await call("POST", "/api/tokens", { name: "Кассир", role: "CASHIER" })).body.token;
  const settings = await call("PUT", "/api/settings/loyalty", {
    eventBonuses: { review_left: 50, visit_streak: 20, photo_posted: 0 },
  });
  expect(settings.status).toBe(200);
});
afterAll(async () => {
  await h?.close();
});

const call = apiCaller(() => h.app.httpUrl);
const fields = (answer: { body: { error: { details: { issues: Array<{ field: string }> } } } }) =>
  answer.body.error.details.issues.map((issue) => issue.field).sort();
const unknownId = "00000000-0000-4000-8000-000000000000";

let nextId = 9100;
/** A customer with a card (100 welcome points), their phone and card number. */
async function customer() {
  const id = nextId++;
  const phone = `+7998${String(id).padStart(7, "0")}`;
  const { user, customerId } = await onboardedUser(h, { id, phone_number: phone });
  const card = (await customerOf(h.db, user))?.card;
  if (!card) throw new Error("no card");
  return { user, customerId, phone, card: card.number };
}

async function balanceOf(customerId: string) {
  const card = await h.db.prisma.loyaltyCard.findUniqueOrThrow({ where: { customerId } });
  const sum = await h.db.prisma.pointsEntry.aggregate({
    where: { customerId },
    _sum: { delta: true },
  });
  expect(sum._sum.delta ?? 0).toBe(card.balance);
  return card.balance;
}

/** Waits until `check` holds (the outbox and the bulk worker work in the background). */
async function until(check: () => Promise<boolean> | boolean, what: string, timeoutMs = 15_000) {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

const told = (user: SimulatedUser, text: string) =>
  until(() => texts(user).includes(text), `the message "${text}"`);

async function lastAudit(action: string) {
  const entries = (await call("GET", "/api/audit?limit=50")).body.entries as Array<{
    action: string;
  }>;
  return entries.find((entry) => entry.action === action);
}

describe(`custom events on ${testDbKind}`, () => {
  it("credits the bonus once per customer and type, and tells the customer why", async () => {
    const { user, customerId } = await customer();
    const first = await call("POST", `/api/customers/${customerId}/events`, {
      type: "review_left",
      note: "5 звёзд на картах",
    });
    expect(first.status).toBe(201);
    expect(first.body).toMatchObject({ type: "review_left", points: 50, duplicate: false });
    expect(first.body.balance).toBe(150);
    await told(user, "🎁 Вам начислено 50 баллов — спасибо за отзыв!");

    const again = await call("POST", `/api/customers/${customerId}/events`, {
      type: "review_left",
    });
    expect(again.status).toBe(200);
    expect(again.body).toMatchObject({ points: 50, duplicate: true, balance: null });
    expect(await balanceOf(customerId)).toBe(150);

    const ledger = await h.db.prisma.pointsEntry.findMany({ where: { customerId, kind: "EVENT" } });
    expect(ledger.map((e) => [e.delta, e.note])).toEqual([[50, "5 звёзд на картах"]]);
    const timeline = await h.db.prisma.customerEvent.findMany({
      where: { customerId, type: "custom.event" },
    });
    expect(timeline.map((e) => e.data)).toEqual([
      { type: "review_left", key: "review_left", points: 50, note: "5 звёзд на картах" },
    ]);
    expect(
      await h.db.prisma.outboxMessage.count({ where: { customerId, kind: "event_bonus" } }),
    ).toBe(1);
    expect(await lastAudit("customer.event")).toMatchObject({
      customerId,
      actor: "admin-token",
      data: { type: "review_left", points: 50 },
    });
  });

  it("counts a repeating event once per idempotencyKey; a 0-bonus type is only recorded", async () => {
    const { user, customerId } = await customer();
    const post = (body: object) =>
      call("POST", `/api/customers/${customerId}/events`, body, manager);
    expect((await post({ type: "visit_streak", idempotencyKey: "2026-05" })).status).toBe(201);
    expect((await post({ type: "visit_streak", idempotencyKey: "2026-05" })).status).toBe(200);
    expect((await post({ type: "visit_streak", idempotencyKey: "2026-06" })).status).toBe(201);
    expect(await balanceOf(customerId)).toBe(140);
    await told(user, "🎁 Вам начислено 20 баллов — бонус «visit streak».");

    const photo = await post({ type: "photo_posted" });
    expect(photo.status).toBe(201);
    expect(photo.body).toMatchObject({ points: 0, balance: null, duplicate: false });
    expect(await balanceOf(customerId)).toBe(140);
    const timeline = await h.db.prisma.customerEvent.findMany({
      where: { customerId, type: "custom.event" },
      orderBy: { id: "asc" },
    });
    expect(timeline.map((e) => (e.data as { key: string }).key)).toEqual([
      "visit_streak:2026-05",
      "visit_streak:2026-06",
      "photo_posted",
    ]);
    expect(await h.db.prisma.outboxMessage.count({ where: { customerId } })).toBe(2);
    expect((await post({ type: "photo_posted" })).body.duplicate).toBe(true);
  });

  it("pays an event sent twice at once only once", async () => {
    const { customerId } = await customer();
    const post = () => call("POST", `/api/customers/${customerId}/events`, { type: "review_left" });
    const answers = await Promise.all([post(), post(), post()]);
    expect(answers.map((a) => a.status).sort()).toEqual([200, 200, 201]);
    expect(await balanceOf(customerId)).toBe(150);
    expect(
      await h.db.prisma.customerEvent.count({ where: { customerId, type: "custom.event" } }),
    ).toBe(1);
  });

  it("refuses unknown types naming the known ones, unknown customers and cashiers", async () => {
    const { customerId } = await customer();
    const unknown = await call("POST", `/api/customers/${customerId}/events`, {
      type: "birthday_party",
    });
    expect(unknown.status).toBe(400);
    expect(fields(unknown)).toEqual(["type"]);
    expect(unknown.body.error.details.issues[0].message).toContain(
      "photo_posted, review_left, visit_streak",
    );
    expect(unknown.body.error.details.known).toEqual([
      "photo_posted",
      "review_left",
      "visit_streak",
    ]);

    const empty = await call("POST", `/api/customers/${customerId}/events`, { note: "x" });
    expect(empty.status).toBe(400);
    expect(fields(empty)).toEqual(["type"]);
    const missing = await call("POST", `/api/customers/${unknownId}/events`, {
      type: "review_left",
    });
    expect(missing.status).toBe(404);
    expect((await call("POST", "/api/customers/nope/events", { type: "review_left" })).status).toBe(
      400,
    );
    const refused = await call(
      "POST",
      `/api/customers/${customerId}/events`,
      { type: "review_left" },
      cashier,
    );
    expect(refused.status).toBe(403);
    expect(await balanceOf(customerId)).toBe(100);
  });
});

describe(`manual adjustments on ${testDbKind}`, () => {
  it("credits with a message quoting the reason, debits quietly, never below zero", async () => {
    const { user, customerId } = await customer();
    const credit = await call("POST", `/api/customers/${customerId}/points`, {
      points: 150,
      reason: "Извините за ожидание",
    });
    expect(credit.status).toBe(201);
    expect(credit.body).toMatchObject({
      duplicate: false,
      entry: { kind: "ADJUSTMENT", delta: 150, balanceAfter: 250, note: "Извините за ожидание" },
    });
    await told(user, "🎁 Вам начислено 150 баллов.\nКомментарий: Извините за ожидание");

    const debit = await call("POST", `/api/customers/${customerId}/points`, {
      points: -40,
      reason: "Ошибочное начисление",
    });
    expect(debit.status).toBe(201);
    expect(debit.body.entry).toMatchObject({ delta: -40, balanceAfter: 210 });

    const tooMuch = await call("POST", `/api/customers/${customerId}/points`, {
      points: -211,
      reason: "Списание",
    });
    expect(tooMuch.status).toBe(409);
    expect(tooMuch.body.error).toMatchObject({
      code: "insufficient_points",
      details: { balance: 210, requested: 211 },
    });
    expect(await balanceOf(customerId)).toBe(210);
    // Only the credit told the customer anything.
    expect(
      await h.db.prisma.outboxMessage.count({ where: { customerId, kind: "points_adjusted" } }),
    ).toBe(1);

    const audit = await call("GET", `/api/audit?customerId=${customerId}`);
    expect(
      audit.body.entries
        .filter((e: { action: string }) => e.action === "points.adjusted")
        .map((e: { data: { points: number; reason: string } }) => [e.data.points, e.data.reason]),
    ).toEqual([
      [-40, "Ошибочное начисление"],
      [150, "Извините за ожидание"],
    ]);
  });

  it("makes a retried adjustment once, by its idempotencyKey", async () => {
    const { customerId } = await customer();
    const body = { points: 30, reason: "Компенсация", idempotencyKey: "ticket-17" };
    const first = await call("POST", `/api/customers/${customerId}/points`, body);
    const second = await call("POST", `/api/customers/${customerId}/points`, body);
    expect(first.status).toBe(201);
    expect(second.status).toBe(200);
    expect(second.body).toEqual({ ...first.body, duplicate: true });
    expect(await balanceOf(customerId)).toBe(130);
    const reused = await call("POST", `/api/customers/${customerId}/points`, {
      ...body,
      points: 31,
    });
    expect(reused.status).toBe(409);
    expect(reused.body.error.details.reason).toBe("key_reused");
  });

  it("refuses bad amounts, no reason, unknown customers and cashiers", async () => {
    const { customerId } = await customer();
    const path = `/api/customers/${customerId}/points`;
    for (const [body, expected] of [
      [{ points: 0, reason: "x" }, ["points"]],
      [{ points: 1.5, reason: "x" }, ["points"]],
      [{ points: "10", reason: "x" }, ["points"]],
      [{ points: 10 }, ["reason"]],
      [{ points: 10, reason: "   " }, ["reason"]],
      [{ points: 5_000_000, reason: "x" }, ["points"]],
    ] as const) {
      const answer = await call("POST", path, body);
      expect(answer.status, JSON.stringify(body)).toBe(400);
      expect(fields(answer), JSON.stringify(body)).toEqual(expected);
    }
    const missing = await call("POST", `/api/customers/${unknownId}/points`, {
      points: 10,
      reason: "x",
    });
    expect(missing.status).toBe(404);
    expect((await call("POST", path, { points: 10, reason: "x" }, cashier)).status).toBe(403);
    // Adjusting by hand is the owner's (the permissions table); managers record events instead.
    expect((await call("POST", path, { points: 10, reason: "x" }, manager)).status).toBe(403);
    expect(await balanceOf(customerId)).toBe(100);
  });

  it("lets nobody move points on their own card", async () => {
    const { user, customerId } = await customer();
    // The customer becomes an owner, with an API token of their own.
    const invite = await call("POST", "/api/staff/invites", { name: "Ольга", role: "OWNER" });
    await user.sendCommand("/start", new URL(invite.body.link).searchParams.get("start") ?? "");
    const staff = await h.db.prisma.staffMember.findUniqueOrThrow({
      where: { telegramId: BigInt(user.id) },
    });
    const own = (
      await call("POST", "/api/tokens", { name: "Ольга", role: "OWNER", staffId: staff.id })
    ).body.token as string;

    const adjust = await call(
      "POST",
      `/api/customers/${customerId}/points`,
      { points: 500, reason: "Себе" },
      own,
    );
    expect(adjust.status).toBe(403);
    expect(adjust.body.error.details.reason).toBe("own_card");
    const event = await call(
      "POST",
      `/api/customers/${customerId}/events`,
      { type: "review_left" },
      own,
    );
    expect(event.status).toBe(403);
    expect(await balanceOf(customerId)).toBe(100);

    // The same token serves other customers, and is audited as that staff member.
    const other = await customer();
    const served = await call(
      "POST",
      `/api/customers/${other.customerId}/points`,
      { points: 5, reason: "За помощь" },
      own,
    );
    expect(served.status).toBe(201);
    expect(await lastAudit("points.adjusted")).toMatchObject({
      staffId: staff.id,
      customerId: other.customerId,
    });
  });
});

describe(`bulk points on ${testDbKind}`, () => {
  it("dry run reports matches, duplicates, unknown refs and shortfalls, writing nothing", async () => {
    const [a, b, c, d] = [await customer(), await customer(), await customer(), await customer()];
    const localPhone = `8 (998) ${c.phone.slice(5, 8)}-${c.phone.slice(8, 10)}-${c.phone.slice(10)}`;
    const typo = `${a.card.slice(0, 11)}${(Number(a.card.at(-1)) + 1) % 10}`;
    const body = {
      reason: "Бонус ко Дню города",
      points: 25,
      dryRun: true,
      customers: [
        a.customerId,
        formatCardNumber(b.card),
        localPhone,
        c.phone,
        formatCardNumber(a.card).replaceAll(" ", "-"),
        "+7 999 000-00-00",
        "12345",
        typo,
        { phone: d.phone, points: -130 },
        unknownId,
      ],
    };
    const ledgerBefore = await h.db.prisma.pointsEntry.count();
    const preview = await call("POST", "/api/points/bulk", body);
    expect(preview.status).toBe(200);
    expect(preview.body).toEqual({
      dryRun: true,
      matched: [
        { customerId: a.customerId, ref: a.customerId, points: 25 },
        { customerId: b.customerId, ref: formatCardNumber(b.card), points: 25 },
        { customerId: c.customerId, ref: localPhone, points: 25 },
        { customerId: d.customerId, ref: d.phone, points: -130 },
      ],
      unmatched: [
        { ref: "+7 999 000-00-00", reason: "not_found" },
        { ref: "12345", reason: "unrecognised" },
        { ref: typo, reason: "bad_card_number" },
        { ref: unknownId, reason: "not_found" },
      ],
      duplicates: [
        { ref: c.phone, customerId: c.customerId, duplicateOf: localPhone },
        {
          ref: formatCardNumber(a.card).replaceAll(" ", "-"),
          customerId: a.customerId,
          duplicateOf: a.customerId,
        },
      ],
      total: 4,
      pointsTotal: 25 * 3 - 130,
      shortfalls: [
        {
          customerId: d.customerId,
          ref: d.phone,
          wanted: 130,
          applied: 100,
          reason: "insufficient_points",
        },
      ],
    });
    expect(await h.db.prisma.pointsEntry.count()).toBe(ledgerBefore);
    expect(await h.db.prisma.bulkPointsRun.count()).toBe(0);
  });

  it("runs once per idempotencyKey, in the background, with progress and shortfalls", async () => {
    const [a, b, c] = [await customer(), await customer(), await customer()];
    const body = {
      reason: "Компенсация за сбой",
      points: 40,
      idempotencyKey: "outage-2026-05-01",
      customers: [a.phone, formatCardNumber(b.card), a.customerId, { card: c.card, points: -300 }],
    };
    const started = await call("POST", "/api/points/bulk", body);
    expect(started.status).toBe(202);
    expect(started.body.run).toMatchObject({
      reason: "Компенсация за сбой",
      total: 3,
      pointsTotal: 40 + 40 - 300,
      unmatched: [],
      duplicates: [{ ref: a.customerId, customerId: a.customerId, duplicateOf: a.phone }],
    });
    const runId = started.body.run.id as string;

    let run: { status: string; processed: number; total: number } = started.body.run;
    await until(async () => {
      run = (await call("GET", `/api/points/bulk/${runId}`)).body.run;
      return run.status === "done";
    }, "the run to finish");
    expect(run).toMatchObject({
      processed: 3,
      shortfalls: [
        {
          customerId: c.customerId,
          ref: c.card,
          wanted: 300,
          applied: 100,
          reason: "insufficient_points",
        },
      ],
    });
    expect(await balanceOf(a.customerId)).toBe(140);
    expect(await balanceOf(b.customerId)).toBe(140);
    expect(await balanceOf(c.customerId)).toBe(0);
    const entries = await h.db.prisma.pointsEntry.findMany({
      where: { idempotencyKey: { startsWith: `bulk:${runId}:` } },
    });
    expect(entries.map((e) => [e.customerId, e.kind, e.delta, e.note]).sort()).toEqual(
      [
        [a.customerId, "ADJUSTMENT", 40, "Компенсация за сбой"],
        [b.customerId, "ADJUSTMENT", 40, "Компенсация за сбой"],
        [c.customerId, "ADJUSTMENT", -100, "Компенсация за сбой"],
      ].sort(),
    );
    // Bulk runs send no messages.
    expect(
      await h.db.prisma.outboxMessage.count({
        where: { customerId: { in: [a.customerId, b.customerId, c.customerId] } },
      }),
    ).toBe(0);

    // The same key again: the same run, nothing credited twice.
    const again = await call("POST", "/api/points/bulk", { ...body, points: 1000 });
    expect(again.status).toBe(200);
    expect(again.body.run.id).toBe(runId);
    expect(again.body.run.status).toBe("done");
    expect(await balanceOf(a.customerId)).toBe(140);
    expect(
      await h.db.prisma.bulkPointsRun.count({ where: { idempotencyKey: body.idempotencyKey } }),
    ).toBe(1);

    expect(await lastAudit("points.bulk")).toMatchObject({
      actor: "admin-token",
      data: { runId, reason: "Компенсация за сбой", total: 3, duplicates: 1, unmatched: 0 },
    });
  });

  it("resumes a run cut short by a restart, crediting nobody twice", async () => {
    const people = [await customer(), await customer(), await customer()];
    const owner: Actor = { staffId: null, role: "OWNER", via: "admin-token" };
    // Started through core, so no request kicks the worker: as if the process died at once.
    const { run } = await startBulkPointsRun(h.db.sql, {
      actor: owner,
      reason: "Подарок",
      idempotencyKey: "resume-test",
      phoneRegion: "RU",
      lines: people.map((p) => ({ ref: p.card, points: 10 })),
    });
    expect(await processBulkRunBatch(h.db.sql, run.id, { batchSize: 1 })).toEqual({
      processed: 1,
      done: false,
    });
    const halfway = await call("GET", `/api/points/bulk/${run.id}`);
    expect(halfway.body.run).toMatchObject({ status: "running", processed: 1, total: 3 });

    await h.restart();
    await until(
      async () => (await call("GET", `/api/points/bulk/${run.id}`)).body.run.status === "done",
      "the resumed run to finish",
    );
    for (const person of people) {
      expect(await balanceOf(person.customerId)).toBe(110);
      const keyed = await h.db.prisma.pointsEntry.count({
        where: { idempotencyKey: bulkEntryKey(run.id, person.customerId) },
      });
      expect(keyed).toBe(1);
    }
    // A finished run has nothing left to apply.
    expect(await processBulkRunBatch(h.db.sql, run.id)).toBeNull();
  });

  it("starts one run for a key sent twice at once; two workers apply it once", async () => {
    const people = [await customer(), await customer(), await customer(), await customer()];
    const body = {
      reason: "Акция",
      points: 7,
      idempotencyKey: "twice-at-once",
      customers: people.map((p) => p.phone),
    };
    const [first, second] = await Promise.all([
      call("POST", "/api/points/bulk", body),
      call("POST", "/api/points/bulk", body),
    ]);
    expect([first.status, second.status].sort()).toEqual([200, 202]);
    expect(first.body.run.id).toBe(second.body.run.id);
    const runId = first.body.run.id as string;
    // Two more processes' worth of workers racing the app's own, a batch of one at a time.
    await Promise.all([
      processBulkRun(h.db.sql, runId, { batchSize: 1 }),
      processBulkRun(h.db.sql, runId, { batchSize: 1 }),
    ]);
    await until(
      async () => (await call("GET", `/api/points/bulk/${runId}`)).body.run.status === "done",
      "the run to finish",
    );
    for (const person of people) expect(await balanceOf(person.customerId)).toBe(107);
    expect((await call("GET", `/api/points/bulk/${runId}`)).body.run.processed).toBe(4);
  });

  it("refuses bad lists precisely, and is for owners only", async () => {
    const { customerId } = await customer();
    const cases: Array<[unknown, string[]]> = [
      [{ reason: "x", points: 10, customers: [], dryRun: true }, ["customers"]],
      [{ reason: "x", points: 0, customers: [customerId], dryRun: true }, ["points"]],
      [{ points: 10, customers: [customerId], dryRun: true }, ["reason"]],
      [{ reason: "x", points: 10, customers: [customerId] }, ["idempotencyKey"]],
      [
        { reason: "x", customers: [customerId, { customerId, points: 5 }], dryRun: true },
        ["customers.0.points"],
      ],
      [
        { reason: "x", points: 10, customers: [{ card: "1", phone: "2" }], dryRun: true },
        ["customers.0"],
      ],
    ];
    for (const [body, expected] of cases) {
      const answer = await call("POST", "/api/points/bulk", body);
      expect(answer.status, JSON.stringify(body)).toBe(400);
      expect(fields(answer), JSON.stringify(body)).toEqual(expected);
    }
    const body = { reason: "x", points: 10, customers: [customerId], idempotencyKey: "mgr" };
    expect((await call("POST", "/api/points/bulk", body, manager)).status).toBe(403);
    expect((await call("GET", `/api/points/bulk/${unknownId}`, undefined, manager)).status).toBe(
      403,
    );
    const missing = await call("GET", `/api/points/bulk/${unknownId}`);
    expect(missing.status).toBe(404);
    expect(missing.body.error.code).toBe("not_found");
    expect(await balanceOf(customerId)).toBe(100);
  });
});
