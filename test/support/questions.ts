import { packQuestions } from "../../core/questions/packs.ts";
import {
  type QuestionDefinitionInput,
  QuestionDefinitionSchema,
  storedQuestionType,
} from "../../core/questions/types.ts";
import type { BotHarness } from "./bot-harness.ts";

/**
 * Puts questions into the bank for a test, leaving a question already there with the same key
 * (the pack seeded at start-up) as it is. The app reads the bank at start and keeps its copy
 * for a while (core/questions/bank-store.ts), so it is restarted when anything was added;
 * returns whether it was.
 */
export async function ensureQuestions(
  h: Pick<BotHarness, "db" | "restart">,
  definitions: QuestionDefinitionInput[],
): Promise<boolean> {
  const { count } = await h.db.prisma.question.createMany({
    data: definitions.map((input) => {
      const { type, condition, ...rest } = QuestionDefinitionSchema.parse(input);
      return {
        ...rest,
        type: storedQuestionType(type),
        ...(condition ? { condition } : {}),
      };
    }),
    skipDuplicates: true,
  });
  if (count === 0) return false;
  await h.restart();
  return true;
}

/** Questions of a pet shop and a few more, one of each kind the profile shows. */
export const petShopQuestions: QuestionDefinitionInput[] = [
  // The standard ones as the generic pack (seeded at start-up) has them.
  ...packQuestions("generic").filter((q) =>
    ["birthday", "gender", "city", "email"].includes(q.key),
  ),
  {
    key: "pet_species",
    type: "single_choice",
    text: { ru: "Кто ваш питомец?", en: "Who is your pet?" },
    options: [
      { value: "dog", label: { ru: "Собака", en: "Dog" } },
      { value: "cat", label: { ru: "Кошка", en: "Cat" } },
      { value: "other", label: { ru: "Другое", en: "Other" } },
    ],
    priority: 60,
  },
  {
    key: "pet_count",
    type: "number",
    text: { ru: "Сколько у вас питомцев?", en: "How many pets do you have?" },
    min: 1,
    max: 10,
    priority: 55,
  },
  {
    key: "pet_treats",
    type: "multiple_choice",
    text: { ru: "Что покупаете чаще всего?", en: "What do you buy most?" },
    options: [
      { value: "food", label: { ru: "Корм", en: "Food" } },
      { value: "toys", label: { ru: "Игрушки", en: "Toys" } },
      { value: "care", label: { ru: "Уход", en: "Care" } },
    ],
    priority: 50,
  },
  {
    key: "has_car",
    type: "yes_no",
    text: { ru: "Вы приезжаете на машине?", en: "Do you come by car?" },
    priority: 40,
  },
  {
    key: "old_question",
    type: "text",
    text: { ru: "Старый вопрос, выключен", en: "An old question, switched off" },
    active: false,
    priority: 30,
  },
];
