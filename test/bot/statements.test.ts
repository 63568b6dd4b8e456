import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { selectQuestions } from "../../core/db/tables/questions.ts";
import { LoyaltySettingsSchema } from "../../core/loyalty/settings.ts";
import { askProgressiveQuestions } from "../../core/questions/ask-progressive.ts";
import type { SimulatedUser } from "../../emulator/index.ts";
import { type BotHarness, startBotHarness } from "../support/bot-harness.ts";
import { inlineButtons } from "../support/chat.ts";
import { testDbKind } from "../support/database.ts";
import { ensureQuestions, petShopQuestions } from "../support/questions.ts";

/**
 * The hot path's statement budget, counted at the driver (BEGIN and COMMIT included): every
 * update reads the customer, their card and the conversation state in one statement and writes
 * what it must. A change that adds a query to an update fails here, with the statements listed.
 */
let h: BotHarness;
beforeAll(async () => {
  // The outbox dispatcher looks for work once at start and then not for an hour: its polls
  // would otherwise count as the updates' statements.
  h = await startBotHarness({
    env: { ONBOARDING_QUESTIONS: "birthday" },
    dispatcher: { pollMs: 3_600_000 },
  });
  // Onboarding's default question (already there when the default pack is); adding it starts
  // the app again, and the new app's first look is the one to let pass. It comes after the
  // app's reading of the question bank at start-up.
  await ensureQuestions(
    h,
    petShopQuestions.filter((q) => q.key === "birthday"),
  );
  await vi.waitFor(() => {
    const started = h.statements.findLastIndex((sql) => sql.includes('FROM "Question"'));
    const looks = h.statements.slice(Math.max(started, 0));
    expect(looks.some((sql) => sql.includes('FROM "OutboxMessage"'))).toBe(true);
  });
});
afterAll(async () => {
  await h?.close();
});

/** The statements one user action caused (the webhook answers once the update is handled). */
async function statementsOf(action: () => Promise<unknown>): Promise<string[]> {
  const before = h.statements.length;
  await action();
  return h.statements.slice(before).map((sql) => sql.replace(/\s+/g, " ").trim().slice(0, 60));
}

/** Resolves once no statement has been sent for 300 ms. */
async function quiet(): Promise<void> {
  for (let seen = -1; seen !== h.statements.length; ) {
    seen = h.statements.length;
    await new Promise((resolve) => setTimeout(resolve, 300));
  }
}

async function counts(steps: Array<[string, () => Promise<unknown>]>) {
  const result: Record<string, number> = {};
  const detail: Record<string, string[]> = {};
  for (const [name, action] of steps) {
    detail[name] = await statementsOf(action);
    result[name] = detail[name].length;
  }
  return { result, detail };
}

let nextId = 8100;
function newUser(): SimulatedUser {
  const id = nextId++;
  return h.user({ id, first_name: "Счёт", phone_number: `+7997${String(id).padStart(7, "0")}` });
}

describe(`statements per update on ${testDbKind}`, () => {
  it("onboarding: three per answer, five for the card; under five on average", async () => {
    const user = newUser();
    const { result, detail } = await counts([
      ["/start", () => user.sendCommand("/start")],
      ["consent", () => user.pressButton({ data: "consent:yes" })],
      ["offers", () => user.pressButton({ data: "marketing:yes" })],
      ["name", () => user.pressButton({ data: "name:keep" })],
      ["phone", () => user.pressReplyButton("📱 Поделиться номером")],
      ["birthday → card", () => user.sendText("25.12.1990")],
    ]);
    expect(result, JSON.stringify(detail, null, 2)).toEqual({
      // read (customer + card + state), create the customer with its event, write the state
      "/start": 3,
      // read, save the answer with its event, write the state
      consent: 3,
      offers: 3,
      name: 3,
      phone: 3,
      // read, save the birthday, issue the card with its bonuses and events, remember the QR
      // picture's file_id, drop the finished conversation's state
      "birthday → card": 5,
    });
    const total = Object.values(result).reduce((a, b) => a + b, 0);
    expect(total / Object.keys(result).length).toBeLessThanOrEqual(5);
  });

  it("menu: one statement per button, two for the history page and the rewards", async () => {
    const user = newUser();
    await user.sendCommand("/start");
    await user.pressButton({ data: "consent:yes" });
    await user.pressButton({ data: "marketing:yes" });
    await user.pressButton({ data: "name:keep" });
    await user.pressReplyButton("📱 Поделиться номером");
    await user.sendText("25.12.1990");

    const { result, detail } = await counts([
      ["card", () => user.pressReplyButton("💳 Моя карта")],
      ["rewards", () => user.pressReplyButton("🏆 Награды")],
      ["history", () => user.pressReplyButton("📜 История")],
      ["profile", () => user.pressReplyButton("👤 Профиль")],
      ["invite", () => user.pressReplyButton("🎁 Пригласить друга")],
      ["settings", () => user.pressReplyButton("⚙️ Настройки")],
      ["language", () => user.pressButton({ data: "language:en" })],
      ["my data", () => user.pressReplyButton("🗂 My data")],
      ["/start again", () => user.sendCommand("/start")],
    ]);
    expect(result, JSON.stringify(detail, null, 2)).toEqual({
      // the card's picture goes by the file_id saved when onboarding showed it
      card: 1,
      // read, then the catalogue with what this customer has taken of each
      rewards: 2,
      // read, then the page with its total
      history: 2,
      profile: 1,
      invite: 1,
      settings: 1,
      // read, save the language with its event
      language: 2,
      "my data": 1,
      // read, the "bot.started" event
      "/start again": 2,
    });
  });

  it("questions: an answer by button or by text is one transaction after the read", async () => {
    const user = newUser();
    await user.sendCommand("/start");
    await user.pressButton({ data: "consent:yes" });
    await user.pressButton({ data: "marketing:yes" });
    await user.pressButton({ data: "name:keep" });
    await user.pressReplyButton("📱 Поделиться номером");
    await user.sendText("25.12.1990");
    const settings = LoyaltySettingsSchema.parse({});
    // The job at noon in the business's time zone, then three days later: two questions (in
    // the past, so that the dispatcher, on real time, sends them at once).
    const ask = async (day: number) => {
      const sent = user.messages().length;
      await askProgressiveQuestions(h.db.sql, {
        questions: await selectQuestions(h.db.sql),
        settings,
        timeZone: "Europe/Moscow",
        now: new Date(Date.UTC(2026, 0, 5 + day, 9)),
      });
      h.app.dispatcher.kick();
      // The dispatcher sends on its own loop: on a loaded machine that can take seconds.
      await vi.waitFor(() => expect(user.messages().length).toBeGreaterThan(sent), {
        timeout: 10_000,
      });
      // The customers of the other tests are asked too: their sends must not count here.
      await vi.waitFor(
        async () =>
          expect(
            await h.db.prisma.outboxMessage.count({
              where: { status: { in: ["PENDING", "SENDING"] } },
            }),
          ).toBe(0),
        { timeout: 10_000 },
      );
      // After its last send the dispatcher claims once more, finds nothing and sleeps (its poll
      // is an hour here): wait for that round, so it never lands in the counts below.
      await quiet();
    };

    await ask(0);
    const gender = user.messages().at(-1);
    const first = inlineButtons(gender)[0];
    const button = await statementsOf(() =>
      user.pressButton({ data: first && "callback_data" in first ? first.callback_data : "" }),
    );
    await ask(3);
    const typed = await statementsOf(() => user.sendText("Казань"));
    expect(
      { button: button.length, typed: typed.length },
      JSON.stringify({ button, typed }, null, 2),
    ).toEqual({
      // read (customer + state); BEGIN, the open question locked, the answer saved with the
      // profile and its event, COMMIT
      button: 5,
      typed: 5,
    });
  });
});
