import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { selectQuestions } from "../../core/db/tables/questions.ts";
import { LoyaltySettingsSchema } from "../../core/loyalty/settings.ts";
import { askProgressiveQuestions } from "../../core/questions/ask-progressive.ts";
import { readOpenQuestion } from "../../core/questions/open-question.ts";
import { AnswerSource, saveAnswer } from "../../core/questions/save-answer.ts";
import { withSkip } from "../../core/questions/skips.ts";
import type { SimulatedUser } from "../../emulator/index.ts";
import { type BotHarness, startBotHarness } from "../support/bot-harness.ts";
import { inlineButtons, onboardedUser } from "../support/chat.ts";
import { testDbKind } from "../support/database.ts";
import { until } from "../support/staff.ts";

const timeZone = "Europe/Moscow";
const settings = LoyaltySettingsSchema.parse({});
/** `hour`:00 in Moscow (UTC+3 all year) on day `n` of the simulation, weeks ahead of today. */
const at = (n: number, hour: number) => new Date(Date.UTC(2027, 0, 4 + n, hour - 3));

// The jobs and the outbox dispatcher share the simulated clock (quiet hours and the daily cap
// count in it); the bot's own replies go at once.
let clock = at(0, 12);
let h: BotHarness;
beforeAll(async () => {
  h = await startBotHarness({ dispatcher: { now: () => clock } });
  // A bank of this test's own instead of the generic pack seeded at start-up, so the order of
  // the questions is the test's to choose (the job reads the bank afresh at each run).
  await h.db.prisma.question.deleteMany({});
  const question = (data: Record<string, unknown>) =>
    h.db.prisma.question.create({ data: data as never });
  await question({ key: "city", type: "TEXT", text: { ru: "В каком вы городе?" }, priority: 80 });
  await question({
    key: "pet_species",
    type: "SINGLE_CHOICE",
    text: { ru: "Кто у вас живёт?" },
    options: [
      { value: "dog", label: { ru: "Собака" } },
      { value: "cat", label: { ru: "Кошка" } },
    ],
    priority: 70,
  });
  await question({
    key: "dog_breed",
    type: "TEXT",
    text: { ru: "Какой породы ваша собака?" },
    priority: 90,
    condition: { key: "pet_species", values: ["dog"] },
  });
  await question({
    key: "shoe_size",
    type: "NUMBER",
    text: { ru: "Ваш размер обуви?" },
    priority: 95,
    progressive: false,
  });
});
afterAll(async () => {
  await h?.close();
});

let nextId = 8600;

/** The job as the scheduler runs it, at `now`. */
async function runJob(now: Date) {
  clock = now;
  return askProgressiveQuestions(h.db.sql, {
    questions: await selectQuestions(h.db.sql),
    settings,
    timeZone,
    now,
  });
}

const customerRow = (id: string) => h.db.prisma.customer.findUniqueOrThrow({ where: { id } });
const questionsSent = (customerId: string) =>
  h.db.prisma.outboxMessage.findMany({
    where: { customerId, kind: "question" },
    orderBy: { id: "asc" },
  });

async function openKey(customerId: string) {
  const open = readOpenQuestion((await customerRow(customerId)).openQuestion);
  return open?.kind === "question" ? open.key : null;
}

/** Waits until the customer's chat shows `text` and returns that message. */
async function received(user: SimulatedUser, text: string) {
  await until(
    () => user.messages().some((m) => m.text?.startsWith(text)),
    `the question "${text}"`,
  );
  return user.messages().find((m) => m.text?.startsWith(text));
}

/** An answer as the customer gives it (the bot's answer handler is tested on its own). */
async function answer(customerId: string, key: string, value: string) {
  const question = (await selectQuestions(h.db.sql)).find((q) => q.key === key);
  if (!question) throw new Error(`no question ${key}`);
  await saveAnswer(h.db.sql, {
    customerId,
    question,
    value,
    source: AnswerSource.progressive,
    openQuestion: null,
    consentVersion: "test",
  });
}

describe(`progressive questions on ${testDbKind}`, () => {
  it("asks one question at a time, every three days, the most valuable first", async () => {
    const { user, customerId } = await onboardedUser(h, { id: nextId++ });
    await runJob(at(0, 12));
    const first = await received(user, "В каком вы городе?");
    expect(inlineButtons(first).map((b) => b.text)).toEqual(["Пропустить", "Спросите позже"]);
    expect(await openKey(customerId)).toBe("city");
    expect((await customerRow(customerId)).lastQuestionAskedAt).toEqual(at(0, 12));

    // The answer, typed in the chat, is on the profile at once and closes the question.
    await user.sendText("Казань");
    expect(await customerRow(customerId)).toMatchObject({ city: "Казань", openQuestion: null });
    await runJob(at(1, 12));
    await runJob(at(2, 19));
    expect(await questionsSent(customerId)).toHaveLength(1);

    // Day 3 in the morning: three calendar days after day 0, whatever the hour.
    await runJob(at(3, 10));
    const second = await received(user, "Кто у вас живёт?");
    expect(inlineButtons(second).map((b) => b.text)).toEqual([
      "Собака",
      "Кошка",
      "Пропустить",
      "Спросите позже",
    ]);
    expect(await questionsSent(customerId)).toHaveLength(2);
    expect(await openKey(customerId)).toBe("pet_species");
  });

  it("asks only within the allowed hours of the business's time zone", async () => {
    const { customerId } = await onboardedUser(h, { id: nextId++ });
    for (const hour of [22, 7, 9]) {
      expect(await runJob(at(10, hour))).toEqual({ asked: 0, nothingToAsk: 0 });
    }
    expect(await questionsSent(customerId)).toHaveLength(0);
    await runJob(at(11, 10));
    expect(await questionsSent(customerId)).toHaveLength(1);
    // 20:00 is the end of the day's hours: [10, 20).
    const other = await onboardedUser(h, { id: nextId++ });
    await runJob(at(11, 20));
    expect(await questionsSent(other.customerId)).toHaveLength(0);
  });

  it("does not ask the unreachable, the deleted, those who turned questions off", async () => {
    const blocked = await onboardedUser(h, { id: nextId++ });
    const deleted = await onboardedUser(h, { id: nextId++ });
    const off = await onboardedUser(h, { id: nextId++ });
    const asked = await onboardedUser(h, { id: nextId++ });
    await h.db.prisma.customer.update({
      where: { id: blocked.customerId },
      data: { reachable: false },
    });
    await h.db.prisma.customer.update({
      where: { id: deleted.customerId },
      data: { status: "DELETED" },
    });
    await h.db.prisma.customer.update({
      where: { id: off.customerId },
      data: { questionsEnabled: false },
    });
    await runJob(at(20, 12));
    for (const quiet of [blocked, deleted, off]) {
      expect(await questionsSent(quiet.customerId)).toHaveLength(0);
    }
    expect(await questionsSent(asked.customerId)).toHaveLength(1);
  });

  it("does not clobber a question opened in the last day (a survey, a rating)", async () => {
    const { customerId } = await onboardedUser(h, { id: nextId++ });
    const askedAt = at(30, 11).toISOString();
    await h.db.prisma.customer.update({
      where: { id: customerId },
      data: { openQuestion: { kind: "feedback", token: "tok", purchaseId: "x", askedAt } },
    });
    await runJob(at(30, 15));
    expect(await questionsSent(customerId)).toHaveLength(0);
    await runJob(at(31, 12));
    expect(await questionsSent(customerId)).toHaveLength(1);
  });

  it("asks a skipped question once more, then never", async () => {
    const { user, customerId } = await onboardedUser(h, { id: nextId++ });
    await runJob(at(70, 12));
    await received(user, "В каком вы городе?");
    await user.pressButton("Пропустить");
    expect(await openKey(customerId)).toBeNull();
    await runJob(at(73, 12));
    await until(
      () => user.messages().filter((m) => m.text?.startsWith("В каком")).length === 2,
      "the question asked again",
    );
    await user.pressButton({ text: "Пропустить", messageId: user.lastMessage()?.message_id });
    await runJob(at(76, 12));
    await received(user, "Кто у вас живёт?");
    expect(await openKey(customerId)).toBe("pet_species");
  });

  it("respects Skip (twice = never) and Later (until its date)", async () => {
    const { user, customerId } = await onboardedUser(h, { id: nextId++ });
    const skippedTwice = withSkip(withSkip({}, "city", { kind: "skip" }), "city", {
      kind: "skip",
    });
    const later = withSkip(skippedTwice, "pet_species", { kind: "later", until: at(45, 9) });
    await h.db.prisma.customer.update({
      where: { id: customerId },
      data: { questionSkips: later },
    });
    // City is never asked again; the pet is put off until day 45: nothing to ask meanwhile.
    await runJob(at(40, 12));
    expect(await questionsSent(customerId)).toHaveLength(0);
    await runJob(at(45, 12));
    await received(user, "Кто у вас живёт?");
    expect(await openKey(customerId)).toBe("pet_species");
  });

  it("asks a conditional question only after the answer it depends on", async () => {
    const { user, customerId } = await onboardedUser(h, { id: nextId++ });
    await answer(customerId, "city", "Тверь");
    await runJob(at(50, 12));
    await received(user, "Кто у вас живёт?");
    await user.pressButton("Собака");
    expect((await customerRow(customerId)).attributes).toMatchObject({ pet_species: "dog" });
    await runJob(at(53, 12));
    await received(user, "Какой породы ваша собака?");

    const catOwner = await onboardedUser(h, { id: nextId++ });
    await answer(catOwner.customerId, "city", "Тверь");
    await answer(catOwner.customerId, "pet_species", "cat");
    await runJob(at(56, 12));
    expect(await questionsSent(catOwner.customerId)).toHaveLength(0);
  });

  it("is one of the app's scheduled jobs", async () => {
    // Unknown names throw; at the real hour it may ask or not, it must not fail.
    await expect(h.app.scheduler.runNow("progressive-questions")).resolves.toBeUndefined();
    await expect(h.app.scheduler.runNow("feedback-requests")).resolves.toBeUndefined();
  });

  it("asks each customer once when two runs overlap", async () => {
    const customers = [];
    for (let i = 0; i < 3; i++) customers.push(await onboardedUser(h, { id: nextId++ }));
    const now = at(60, 12);
    clock = now;
    const bank = await selectQuestions(h.db.sql);
    const run = () =>
      askProgressiveQuestions(h.db.sql, { questions: bank, settings, timeZone, now, batchSize: 2 });
    const [a, b] = await Promise.all([run(), run()]);
    expect(a.asked + b.asked).toBeGreaterThanOrEqual(3);
    for (const { user, customerId } of customers) {
      expect(await questionsSent(customerId)).toHaveLength(1);
      await received(user, "В каком вы городе?");
      expect(user.messages().filter((m) => m.text?.startsWith("В каком"))).toHaveLength(1);
    }
  });
});
