import type { Api } from "grammy";
import { can, Permission } from "../core/access/permissions.ts";
import type { StaffRole } from "../core/db/client.ts";
import type { Sql } from "../core/db/sql.ts";
import { selectStaffMembers } from "../core/db/tables/staff.ts";

type Command = { command: string; description: string };
type Language = "ru" | "en";

const customerCommands: Record<Language, Command[]> = {
  ru: [
    { command: "start", description: "Начать / главное меню" },
    { command: "help", description: "Что умеет бот" },
    { command: "stop", description: "Отписаться от рассылок" },
  ],
  en: [
    { command: "start", description: "Start / main menu" },
    { command: "help", description: "What the bot can do" },
    { command: "stop", description: "Unsubscribe from offers" },
  ],
};

const staffMode: Record<Language, Command> = {
  ru: { command: "staff", description: "Режим персонала: карта, покупка, баллы" },
  en: { command: "staff", description: "Staff mode: card, purchase, points" },
};

const broadcast: Record<Language, Command> = {
  ru: { command: "broadcast", description: "Рассылка клиентам" },
  en: { command: "broadcast", description: "Send an offer to customers" },
};

/** What a staff member's own menu lists: their tools first, then the customer's commands. */
function staffCommands(role: StaffRole, language: Language): Command[] {
  return [
    staffMode[language],
    ...(can(role, Permission.broadcast) ? [broadcast[language]] : []),
    ...customerCommands[language],
  ];
}

/** The command menu Telegram shows next to the input field, in each language. */
export async function setBotCommands(api: Api): Promise<void> {
  await api.setMyCommands(customerCommands.ru, { language_code: "ru" });
  await api.setMyCommands(customerCommands.en, { language_code: "en" });
  // Default for every other language: the business speaks Russian first.
  await api.setMyCommands(customerCommands.ru);
}

/**
 * A staff member's chat gets a menu of its own (Telegram's chat scope, which wins over the
 * bot-wide one): /staff, and /broadcast for those who may send one. An inactive member's chat
 * goes back to the customers' menu. The handlers check the role on every command anyway, so a
 * menu left behind by a change made elsewhere (the API) only offers a command that says no;
 * start-up brings every staff chat's menu up to date (syncStaffCommands).
 */
export async function setStaffCommands(
  api: Api,
  staff: { telegramId: number | bigint; role: StaffRole; active: boolean },
): Promise<void> {
  const chatId = Number(staff.telegramId);
  const scope = { type: "chat" as const, chat_id: chatId };
  if (!staff.active) {
    await api.deleteMyCommands({ scope, language_code: "en" });
    await api.deleteMyCommands({ scope });
    return;
  }
  // A chat-scoped menu without a language would hide the bot-wide English one: both are set.
  await api.setMyCommands(staffCommands(staff.role, "en"), { scope, language_code: "en" });
  await api.setMyCommands(staffCommands(staff.role, "ru"), { scope });
}

/** Every staff chat's menu as their role and status are now (at start-up: a few calls each). */
export async function syncStaffCommands(api: Api, sql: Sql): Promise<void> {
  for (const member of await selectStaffMembers(sql)) {
    if (member.telegramId === null) continue;
    await setStaffCommands(api, {
      telegramId: member.telegramId,
      role: member.role,
      active: member.active,
    });
  }
}
