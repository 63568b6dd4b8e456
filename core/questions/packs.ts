import { AuditAction, recordAudit } from "../access/audit.ts";
import { type Actor, Permission, requirePermission } from "../access/permissions.ts";
import { systemActor } from "../access/system-actor.ts";
import type { Sql } from "../db/sql.ts";
import { insertQuestion } from "../db/tables/questions.ts";
import { AppError } from "../errors.ts";
import type { LoyaltySettingsStore } from "../loyalty/settings-store.ts";
import type { QuestionBank } from "./bank-store.ts";
import {
  type Question,
  type QuestionDefinition,
  type QuestionDefinitionInput,
  QuestionDefinitionSchema,
} from "./types.ts";

/**
 * Ready-made questions for the kinds of business the bot serves. A pack is a starting point:
 * applying one adds the questions whose keys the bank lacks and never touches one that is
 * there, so the owner's edits survive a pack applied again or another pack applied later.
 * The generic questions come with every pack.
 */

export type PackKey = "generic" | "beauty" | "pets" | "clothing" | "pharmacy" | "services";

type Pack = { title: { ru: string; en: string }; questions: QuestionDefinitionInput[] };

const option = (value: string, ru: string, en: string) => ({ value, label: { ru, en } });

const generic: QuestionDefinitionInput[] = [
  {
    key: "birthday",
    type: "date",
    text: { ru: "Когда у вас день рождения?", en: "When is your birthday?" },
    priority: 90,
  },
  {
    key: "gender",
    type: "single_choice",
    text: { ru: "Укажите, пожалуйста, пол:", en: "Your gender:" },
    options: [
      option("FEMALE", "Женский", "Female"),
      option("MALE", "Мужской", "Male"),
      option("OTHER", "Не указывать", "Prefer not to say"),
    ],
    priority: 80,
  },
  {
    key: "city",
    type: "text",
    text: { ru: "Из какого вы города?", en: "Which city are you from?" },
    priority: 70,
  },
  {
    key: "email",
    type: "email",
    text: { ru: "Ваш e-mail для чеков и новостей:", en: "Your e-mail for receipts and news:" },
    priority: 65,
  },
  {
    // The owner replaces these options with what their shop sells.
    key: "interests",
    type: "multiple_choice",
    text: { ru: "Что вам интересно? Отметьте всё, что подходит:", en: "What interests you?" },
    options: [
      option("new_arrivals", "Новинки", "New arrivals"),
      option("sales", "Скидки и акции", "Sales and offers"),
      option("gifts", "Подарки", "Gifts"),
      option("events", "Мероприятия", "Events"),
    ],
    priority: 35,
  },
  {
    key: "family_status",
    type: "single_choice",
    text: { ru: "Ваше семейное положение?", en: "Your family status?" },
    options: [
      option("single", "Не в браке", "Single"),
      option("relationship", "В отношениях", "In a relationship"),
      option("married", "В браке", "Married"),
    ],
    priority: 30,
  },
  {
    key: "children",
    type: "number",
    text: { ru: "Сколько у вас детей?", en: "How many children do you have?" },
    min: 0,
    max: 20,
    priority: 25,
  },
];

/** Pets the name and birthday questions are for (not "no pet"). */
const petKinds = ["dog", "cat", "bird", "rodent", "other"];

const packs: Record<PackKey, Pack> = {
  generic: { title: { ru: "Магазин", en: "Shop" }, questions: [] },
  beauty: {
    title: { ru: "Салон красоты", en: "Beauty salon" },
    questions: [
      {
        key: "favourite_service",
        type: "single_choice",
        text: {
          ru: "Какая услуга у нас вам нравится больше всего?",
          en: "Your favourite service?",
        },
        options: [
          option("haircut", "Стрижка", "Haircut"),
          option("colouring", "Окрашивание", "Colouring"),
          option("manicure", "Маникюр", "Manicure"),
          option("pedicure", "Педикюр", "Pedicure"),
          option("cosmetology", "Косметология", "Cosmetology"),
          option("other", "Другое", "Other"),
        ],
        priority: 85,
      },
      {
        key: "favourite_master",
        type: "text",
        text: { ru: "К какому мастеру вы ходите?", en: "Which of our masters do you go to?" },
        priority: 75,
      },
      {
        key: "hair_length",
        type: "single_choice",
        text: { ru: "Какая у вас длина волос?", en: "How long is your hair?" },
        options: [
          option("short", "Короткие", "Short"),
          option("medium", "Средние", "Medium"),
          option("long", "Длинные", "Long"),
        ],
        priority: 55,
      },
    ],
  },
  pets: {
    title: { ru: "Зоомагазин", en: "Pet shop" },
    questions: [
      {
        key: "pet_species",
        type: "single_choice",
        text: { ru: "Кто у вас живёт?", en: "What pet do you have?" },
        options: [
          option("dog", "Собака", "Dog"),
          option("cat", "Кошка", "Cat"),
          option("bird", "Птица", "Bird"),
          option("rodent", "Грызун", "Rodent"),
          option("other", "Другой", "Other"),
          option("none", "Пока никого", "None yet"),
        ],
        priority: 85,
      },
      {
        key: "pet_name",
        type: "text",
        text: { ru: "Как зовут вашего питомца?", en: "What is your pet's name?" },
        condition: { key: "pet_species", values: petKinds },
        priority: 80,
      },
      {
        key: "pet_birthday",
        type: "date",
        text: {
          ru: "Когда у питомца день рождения? Поздравим!",
          en: "When is your pet's birthday? We'll celebrate!",
        },
        // Days from the day of answering: the last 30 years, not in the future.
        min: -30 * 365,
        max: 0,
        condition: { key: "pet_species", values: petKinds },
        priority: 75,
      },
    ],
  },
  clothing: {
    title: { ru: "Одежда", en: "Clothing" },
    questions: [
      {
        key: "clothing_size",
        type: "single_choice",
        text: { ru: "Какой размер одежды вы носите?", en: "What clothing size do you wear?" },
        options: ["XS", "S", "M", "L", "XL", "XXL"].map((size) => option(size, size, size)),
        priority: 85,
      },
      {
        key: "clothing_style",
        type: "multiple_choice",
        text: { ru: "Какой стиль вам ближе?", en: "Which styles do you like?" },
        options: [
          option("casual", "Повседневный", "Casual"),
          option("classic", "Классика", "Classic"),
          option("sport", "Спорт", "Sport"),
          option("evening", "Вечерний", "Evening"),
        ],
        priority: 60,
      },
    ],
  },
  pharmacy: {
    title: { ru: "Аптека", en: "Pharmacy" },
    questions: [
      {
        // Health data is a special category of personal data (152-FZ): a separate, explicit
        // consent, asked only just before the first health question (next-question.ts).
        key: "health_consent",
        type: "yes_no",
        text: {
          ru: "Чтобы подсказывать полезные товары, можно спросить вас о здоровье? Ответы о здоровье храним отдельно и только с вашего согласия.",
          en: "May we ask about your health to suggest useful products? Health answers are kept only with your consent.",
        },
        priority: 85,
      },
      {
        key: "health_interests",
        type: "multiple_choice",
        text: { ru: "Что для вас сейчас важно?", en: "What matters to you now?" },
        options: [
          option("vitamins", "Витамины и БАДы", "Vitamins and supplements"),
          option("immunity", "Простуда и иммунитет", "Colds and immunity"),
          option("allergy", "Аллергия", "Allergy"),
          option("heart", "Сердце и давление", "Heart and blood pressure"),
          option("diabetes", "Диабет", "Diabetes"),
          option("kids", "Здоровье детей", "Children's health"),
          option("skin", "Уход за кожей", "Skin care"),
        ],
        category: "health",
        priority: 80,
      },
    ],
  },
  services: {
    title: { ru: "Сервисная компания", en: "Service company" },
    questions: [
      {
        key: "equipment_model",
        type: "text",
        text: { ru: "Какая у вас модель техники?", en: "What model is your equipment?" },
        priority: 85,
      },
      {
        key: "install_date",
        type: "date",
        text: { ru: "Когда её установили?", en: "When was it installed?" },
        min: -50 * 365,
        max: 0,
        priority: 75,
      },
      {
        key: "last_service_date",
        type: "date",
        text: { ru: "Когда было последнее обслуживание?", en: "When was it last serviced?" },
        min: -50 * 365,
        max: 0,
        priority: 70,
      },
    ],
  },
};

export const DEFAULT_PACK: PackKey = "generic";
export const packKeys = Object.keys(packs) as PackKey[];

export function isPackKey(key: string): key is PackKey {
  return Object.hasOwn(packs, key);
}

/** A pack's questions, the generic ones included, parsed as the bank stores them. */
export function packQuestions(pack: PackKey): QuestionDefinition[] {
  const own = pack === "generic" ? [] : packs[pack].questions;
  return [...generic, ...own].map((question) => QuestionDefinitionSchema.parse(question));
}

/** GET /api/questions/packs: each pack with its title and question keys. */
export function describePacks() {
  return packKeys.map((key) => ({
    key,
    title: packs[key].title,
    questions: packQuestions(key).map((question) => question.key),
  }));
}

export type AppliedPack = { pack: PackKey; added: Question[]; kept: string[] };

/**
 * Adds the pack's questions the bank lacks, in one transaction; a key already there is kept as
 * the owner left it (even switched off or of another type). Audited when a person applied it.
 */
export async function applyPack(
  sql: Sql,
  pack: string,
  options: { actor?: Actor; bank?: QuestionBank; now?: Date } = {},
): Promise<AppliedPack> {
  if (options.actor) requirePermission(options.actor, Permission.manageQuestions);
  if (!isPackKey(pack))
    throw new AppError("not_found", `No pack "${pack}"; packs: ${packKeys.join(", ")}`);
  const now = options.now ?? new Date();
  const result = await sql.transaction(async (tx) => {
    const added: Question[] = [];
    const kept: string[] = [];
    for (const definition of packQuestions(pack)) {
      const question = await insertQuestion(tx, { ...definition, pack }, now);
      if (question) added.push(question);
      else kept.push(definition.key);
    }
    if (options.actor)
      await recordAudit(tx, {
        actor: options.actor,
        action: AuditAction.questionPackApplied,
        data: { pack, added: added.map((q) => q.key), kept },
        now,
      });
    return { pack, added, kept };
  });
  options.bank?.invalidate();
  return result;
}

/**
 * POST /api/questions/packs/:pack: applies the pack and records it as the business's in
 * `settings.questions.pack`. That record is the program's doing (a manager may apply a pack
 * but not change the settings), so it is audited as `system:questions-pack` next to the
 * `question.pack_applied` entry that names the person.
 */
export async function choosePack(
  sql: Sql,
  options: {
    actor: Actor;
    pack: string;
    bank: QuestionBank;
    loyalty: LoyaltySettingsStore;
    now?: Date;
  },
): Promise<AppliedPack> {
  const applied = await applyPack(sql, options.pack, options);
  const { settings } = await options.loyalty.current();
  if (settings.questions.pack !== applied.pack)
    await options.loyalty.update(systemActor("questions-pack"), {
      questions: { ...settings.questions, pack: applied.pack },
    });
  return applied;
}

/** At start-up: an empty bank gets the generic pack, so onboarding has its questions. */
export async function ensureDefaultPack(sql: Sql): Promise<void> {
  const [any] = await sql.query(`SELECT 1 FROM "Question" LIMIT 1`);
  if (!any) await applyPack(sql, DEFAULT_PACK);
}
