import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type BotHarness, startBotHarness } from "../support/bot-harness.ts";
import { inlineButtons } from "../support/chat.ts";
import { testDbKind } from "../support/database.ts";
import { ensureQuestions, petShopQuestions } from "../support/questions.ts";

let h: BotHarness;
beforeAll(async () => {
  h = await startBotHarness({
    env: {
      PHONE_REQUIRED: "false",
      ONBOARDING_QUESTIONS: "gender,city",
      WELCOME_BONUS: "0",
      PRIVACY_POLICY_URL: "https://example.com/privacy",
    },
  });
  await ensureQuestions(
    h,
    petShopQuestions.filter((q) => q.key === "gender" || q.key === "city"),
  );
});

/** The bank's question text and the label of one of its options, in Russian. */
async function bankQuestion(key: string, value?: string) {
  const question = await h.db.prisma.question.findUniqueOrThrow({ where: { key } });
  const options = question.options as Array<{ value: string; label: { ru: string } }>;
  return {
    text: (question.text as { ru: string }).ru,
    label: options.find((o) => o.value === value)?.label.ru ?? "",
  };
}
afterAll(async () => {
  await h?.close();
});

describe(`onboarding as the owner configured it, on ${testDbKind}`, () => {
  it("links the policy, lets the phone be skipped, asks the chosen questions, gives no bonus when it is 0", async () => {
    const user = h.user({ id: 9200, first_name: "Оксана", language_code: "ru" });
    await user.sendCommand("/start");
    const consent = user.lastMessage();
    const buttons =
      consent?.reply_markup && "inline_keyboard" in consent.reply_markup
        ? consent.reply_markup.inline_keyboard.flat()
        : [];
    expect(buttons).toContainEqual({
      text: "📄 Политика конфиденциальности",
      url: "https://example.com/privacy",
    });

    await user.pressButton("✅ Согласен(на)");
    await user.pressButton("Не нужно");
    await user.pressButton("✅ Оксана");
    expect(user.lastMessage()?.text).toContain("или пропустите этот шаг");
    await user.pressReplyButton("Пропустить");
    expect(user.messages().at(-2)?.text).toBe(
      "Хорошо, продолжим без телефона. Его можно добавить позже в профиле.",
    );
    // The questions are the bank's: the gender with its options and Skip, then the city.
    const gender = await bankQuestion("gender", "FEMALE");
    expect(user.lastMessage()?.text).toBe(gender.text);
    expect(inlineButtons(user.lastMessage()).at(-1)?.text).toBe("Пропустить");
    await user.sendText("инопланетный");
    expect(user.lastMessage()?.text).toBe("Такого варианта нет в списке — нажмите одну из кнопок.");
    await user.pressButton(gender.label);
    expect(user.lastMessage()?.text).toBe((await bankQuestion("city")).text);
    await user.sendText("Казань");

    const customer = await h.db.prisma.customer.findUniqueOrThrow({
      where: { telegramId: 9200n },
      include: { card: true, ledger: true },
    });
    expect(customer).toMatchObject({
      status: "ACTIVE",
      phone: null,
      gender: "FEMALE",
      city: "Казань",
    });
    expect(customer.card?.balance).toBe(0);
    expect(customer.ledger).toEqual([]);
    expect(user.messages().some((m) => m.text?.includes("в подарок"))).toBe(false);
    expect(user.messages().some((m) => m.photo)).toBe(true);
  });

  it("tells a new, a returning and a buying customer apart", async () => {
    const user = h.user({ id: 9201, first_name: "Пётр", language_code: "ru" });
    await user.sendCommand("/start");
    expect(user.messages()[0]?.text).toContain("Здравствуйте!");
    await user.pressButton("✅ Согласен(на)");
    await user.pressButton("Не нужно");
    await user.pressButton("✅ Пётр");
    await user.pressReplyButton("Пропустить");
    await user.pressButton("Пропустить");
    await user.pressButton("Пропустить");

    await user.sendCommand("/start");
    expect(user.lastMessage()?.text).toBe("С возвращением, Пётр! Рады видеть вас снова.");

    const customer = await h.db.prisma.customer.findUniqueOrThrow({
      where: { telegramId: 9201n },
      include: { card: true },
    });
    await h.db.prisma.customer.update({ where: { id: customer.id }, data: { purchaseCount: 1 } });
    await user.sendCommand("/start");
    expect(user.lastMessage()?.text).toBe("С возвращением, Пётр! На вашей карте 0 баллов.");
  });
});
