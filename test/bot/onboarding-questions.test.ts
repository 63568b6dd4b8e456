import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { SimulatedUser } from "../../emulator/index.ts";
import { type BotHarness, startBotHarness } from "../support/bot-harness.ts";
import { customerOf, inlineButtons, lastText } from "../support/chat.ts";
import { testDbKind } from "../support/database.ts";
import { ensureQuestions, petShopQuestions } from "../support/questions.ts";

/** Onboarding's optional questions come from the bank, by the keys in ONBOARDING_QUESTIONS. */
let h: BotHarness;
beforeAll(async () => {
  h = await startBotHarness({ env: { ONBOARDING_QUESTIONS: "birthday,pet_species" } });
  await ensureQuestions(h, petShopQuestions);
});
afterAll(async () => {
  await h?.close();
});

let nextId = 9700;
function newUser(language_code = "ru"): SimulatedUser {
  const id = nextId++;
  return h.user({
    id,
    first_name: "Лада",
    language_code,
    phone_number: `+7996${String(id).padStart(7, "0")}`,
  });
}

async function upToQuestions(user: SimulatedUser) {
  await user.sendCommand("/start");
  await user.pressButton({ data: "consent:yes" });
  await user.pressButton({ data: "marketing:no" });
  await user.pressButton({ data: "name:keep" });
  await user.pressReplyButton(
    user.profile.language_code === "en" ? "📱 Share my phone number" : "📱 Поделиться номером",
  );
}

describe(`onboarding's questions from the bank on ${testDbKind}`, () => {
  it("asks the configured bank questions in order, with hints and Skip, saving with source onboarding", async () => {
    const user = newUser();
    await upToQuestions(user);
    // The birthday: a date question with the bank's checks and a Skip button.
    expect(inlineButtons(user.lastMessage()).map((b) => b.text)).toEqual(["Пропустить"]);
    await user.sendText("31.02.1990");
    expect(lastText(user)).toBe("Не получилось распознать дату. Напишите её так: 25.12.1990.");
    await user.sendText("25.12.1990");

    expect(lastText(user)).toBe("Кто ваш питомец?");
    expect(inlineButtons(user.lastMessage()).map((b) => b.text)).toEqual([
      "Собака",
      "Кошка",
      "Другое",
      "Пропустить",
    ]);
    await user.sendText("попугай");
    expect(lastText(user)).toBe("Такого варианта нет в списке — нажмите одну из кнопок.");
    // A typed label counts as the answer too.
    await user.sendText("кошка");

    expect(user.messages().some((m) => m.photo)).toBe(true);
    const customer = await customerOf(h.db, user);
    expect(customer?.status).toBe("ACTIVE");
    expect(customer?.birthday?.toISOString().slice(0, 10)).toBe("1990-12-25");
    expect(customer?.attributes).toEqual({ pet_species: "cat" });
    const answers = await h.db.prisma.surveyAnswer.findMany({
      where: { customerId: customer?.id },
      include: { question: { select: { key: true } } },
      orderBy: { createdAt: "asc" },
    });
    expect(answers.map((a) => [a.question.key, a.value, a.source])).toEqual([
      ["birthday", "1990-12-25", "onboarding"],
      ["pet_species", "cat", "onboarding"],
    ]);
  });

  it("lets both questions be skipped, and asks nothing already answered", async () => {
    const user = newUser();
    await upToQuestions(user);
    await user.pressButton("Пропустить");
    expect(lastText(user)).toBe("Кто ваш питомец?");
    await user.pressButton("Пропустить");
    expect(user.messages().some((m) => m.photo)).toBe(true);
    const customer = await customerOf(h.db, user);
    expect(customer?.status).toBe("ACTIVE");
    expect(customer?.birthday).toBeNull();
    expect(customer?.attributes).toEqual({});

    // Someone whose pet is already known (an earlier record, say) is not asked again.
    const known = newUser();
    await known.sendCommand("/start");
    await h.db.prisma.customer.update({
      where: { telegramId: BigInt(known.id) },
      data: { attributes: { pet_species: "dog" } },
    });
    await known.pressButton({ data: "consent:yes" });
    await known.pressButton({ data: "marketing:no" });
    await known.pressButton({ data: "name:keep" });
    await known.pressReplyButton("📱 Поделиться номером");
    await known.pressButton("Пропустить");
    expect(known.messages().some((m) => m.text === "Кто ваш питомец?")).toBe(false);
    expect((await customerOf(h.db, known))?.status).toBe("ACTIVE");
  });

  it("resumes the bank question after a restart of the bot", async () => {
    const user = newUser("en");
    await upToQuestions(user);
    await user.sendText("1990-05-04");
    expect(lastText(user)).toBe("Who is your pet?");
    const asked = user.lastMessage();

    await h.restart();
    await user.pressButton({ messageId: asked?.message_id as number, text: "Dog" });

    expect(user.messages().some((m) => m.photo)).toBe(true);
    const customer = await customerOf(h.db, user);
    expect(customer?.status).toBe("ACTIVE");
    expect(customer?.attributes).toEqual({ pet_species: "dog" });
    expect(customer?.birthday?.toISOString().slice(0, 10)).toBe("1990-05-04");
  });
});

describe(`onboarding with a question missing from the bank on ${testDbKind}`, () => {
  let h2: BotHarness;
  beforeAll(async () => {
    h2 = await startBotHarness({ env: { ONBOARDING_QUESTIONS: "no_such_question,pet_count" } });
    await ensureQuestions(h2, petShopQuestions);
  });
  afterAll(async () => {
    await h2?.close();
  });

  it("skips the missing one and asks the other, a number with its range", async () => {
    const user = h2.user({
      id: 9790,
      first_name: "Ян",
      language_code: "ru",
      phone_number: "+79960009790",
    });
    await upToQuestions(user);
    expect(lastText(user)).toContain("Сколько у вас питомцев?");
    await user.sendText("0");
    expect(lastText(user)).toBe("Нужно число от 1 до 10.");
    await user.sendText("3");
    const customer = await customerOf(h2.db, user);
    expect(customer?.status).toBe("ACTIVE");
    expect(customer?.attributes).toEqual({ pet_count: 3 });
  });
});
