import { Api } from "grammy";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { syncStaffCommands } from "../../bot/commands.ts";
import type { StaffRole } from "../../core/db/client.ts";
import { formatCardNumber } from "../../core/loyalty/card-number.ts";
import { disableStaff } from "../../core/staff/disable-staff.ts";
import { inviteStaff } from "../../core/staff/invite-staff.ts";
import { type BotHarness, startBotHarness, TEST_BOT_TOKEN } from "../support/bot-harness.ts";
import { customerOf, lastText, onboardedUser, texts } from "../support/chat.ts";
import { testDbKind } from "../support/database.ts";
import { cliOwner, staffUser as joinAsStaff } from "../support/staff.ts";

let h: BotHarness;
beforeAll(async () => {
  h = await startBotHarness();
});
afterAll(async () => {
  await h?.close();
});

let nextId = 7100;

async function invite(role: StaffRole, name = "Марина", options: { now?: Date } = {}) {
  return inviteStaff(h.db.sql, { actor: cliOwner, name, role, ...options });
}

const staffUser = (role: StaffRole = "CASHIER", name = "Марина") =>
  joinAsStaff(h, { id: nextId++, role, name });

async function customer(extra: { username?: string; phone_number?: string } = {}) {
  const { user, customerId } = await onboardedUser(h, {
    id: nextId++,
    first_name: "Вера",
    ...extra,
  });
  const card = (await customerOf(h.db, user))?.card;
  if (!card) throw new Error("no card");
  return { user, customerId, card };
}

describe(`staff in the bot on ${testDbKind}`, () => {
  it("an invite link makes whoever opens it a staff member, once", async () => {
    const { code, expiresAt } = await invite("MANAGER", "Пётр");
    expect(expiresAt.getTime() - Date.now()).toBeGreaterThan(23.9 * 3_600_000);
    const petr = h.user({ id: nextId++, first_name: "Пётр" });
    await petr.sendCommand("/start", `staff_${code}`);
    expect(lastText(petr)).toContain("Добро пожаловать в команду, Пётр! Ваша роль: менеджер.");
    expect(
      petr
        .currentReplyKeyboard()
        ?.keyboard.flat()
        .map((b) => b.text),
    ).toContain("🔎 Найти клиента");
    const staff = await h.db.prisma.staffMember.findUnique({
      where: { telegramId: BigInt(petr.id) },
    });
    expect(staff).toMatchObject({ name: "Пётр", role: "MANAGER", active: true });
    // Nothing about the staff member was registered as a customer.
    expect(await customerOf(h.db, petr)).toBeNull();

    // The same link, opened again (forwarded to someone else): used.
    const other = h.user({ id: nextId++, first_name: "Чужой" });
    await other.sendCommand("/start", `staff_${code}`);
    expect(lastText(other)).toBe("Это приглашение уже использовано. Попросите у владельца новое.");
    expect(
      await h.db.prisma.staffMember.findUnique({ where: { telegramId: BigInt(other.id) } }),
    ).toBeNull();

    const audit = await h.db.prisma.auditEntry.findMany({
      where: {
        action: { in: ["staff.invited", "staff.joined"] },
        data: { path: ["role"], equals: "MANAGER" },
      },
      orderBy: { id: "asc" },
    });
    expect(audit.map((entry) => entry.action)).toEqual(["staff.invited", "staff.joined"]);
    expect(audit[1]?.staffId).toBe(staff?.id);
  });

  it("refuses expired and unknown invites, and leaves an invite unused for someone already staff", async () => {
    const expired = await invite("CASHIER", "Поздний", {
      now: new Date(Date.now() - 25 * 3_600_000),
    });
    const late = h.user({ id: nextId++, first_name: "Поздний" });
    await late.sendCommand("/start", `staff_${expired.code}`);
    expect(lastText(late)).toBe("Срок действия приглашения истёк. Попросите у владельца новое.");

    await late.sendCommand("/start", "staff_ABCDEFGHJKLMNPQR");
    expect(lastText(late)).toBe(
      "Такого приглашения нет. Проверьте ссылку или попросите у владельца новую.",
    );
    expect(
      await h.db.prisma.staffMember.findUnique({ where: { telegramId: BigInt(late.id) } }),
    ).toBeNull();

    const { user } = await staffUser("CASHIER");
    const second = await invite("OWNER", "Марина");
    await user.sendCommand("/start", `staff_${second.code}`);
    expect(lastText(user)).toBe("Вы уже в команде (роль: кассир).");
    const row = await h.db.prisma.staffInvite.findUnique({ where: { id: second.inviteId } });
    expect(row?.usedAt).toBeNull();
  });

  it("finds a customer by the card's QR code, the card number, a phone or an @username", async () => {
    const { user: cashier, staff } = await staffUser();
    const vera = await customer({ username: "vera_k", phone_number: "+79161234567" });
    const expectView = () => {
      const text = lastText(cashier);
      expect(text).toContain("👤 Вера (@vera_k)");
      expect(text).toContain(`💳 ${formatCardNumber(vera.card.number)}`);
      expect(text).toContain("Баланс: 100 баллов");
      expect(text).toContain("Покупок: 0 · Последний визит: —");
    };

    // The QR code on the card opens t.me/<bot>?start=card_<number>.
    await cashier.sendCommand("/start", `card_${vera.card.number}`);
    expectView();
    const n = vera.card.number;
    for (const typed of [
      formatCardNumber(n),
      `${n.slice(0, 4)}-${n.slice(4, 8)}-${n.slice(8)}`,
      ` ${n} `,
      "8 (916) 123-45-67",
      "+7 916 123 45 67",
      "@vera_k",
      "vera_k",
    ]) {
      await cashier.sendText(typed);
      expectView();
    }

    // One digit wrong: the check digit catches it.
    const typo = `${n.slice(0, 11)}${(Number(n[11]) + 1) % 10}`;
    await cashier.sendText(typo);
    expect(lastText(cashier)).toBe("Карты с таким номером нет — проверьте цифры.");
    await cashier.sendText("+7 900 000 00 00");
    expect(lastText(cashier)).toBe(
      "Клиент не найден. Проверьте номер, телефон или имя пользователя.",
    );

    const lookups = await h.db.prisma.auditEntry.findMany({
      where: { staffId: staff.id, action: "customer.lookup" },
    });
    expect(lookups).toHaveLength(8);
    expect(lookups.every((entry) => entry.customerId === vera.customerId)).toBe(true);
  });

  it("tells anyone else nothing about the customer behind a card number or card link", async () => {
    const vera = await customer({ username: "vera_secret", phone_number: "+79161110000" });
    const stranger = await customer();
    await stranger.user.sendCommand("/start", `card_${vera.card.number}`);
    await stranger.user.sendText(vera.card.number);
    await stranger.user.sendText("+79161110000");
    await stranger.user.sendText("@vera_secret");
    const newcomer = h.user({ id: nextId++, first_name: "Новый" });
    await newcomer.sendCommand("/start", `card_${vera.card.number}`);
    for (const seen of [...texts(stranger.user), ...texts(newcomer)]) {
      expect(seen).not.toContain("vera_secret");
      expect(seen).not.toContain(formatCardNumber(vera.card.number));
    }
    // The newcomer's /start is their own onboarding.
    expect(texts(newcomer).join("\n")).toContain("согласие на обработку персональных данных");
    const lookups = await h.db.prisma.auditEntry.count({
      where: { customerId: vera.customerId, action: "customer.lookup" },
    });
    expect(lookups).toBe(0);
  });

  it("a disabled staff member's next tap says they no longer have access", async () => {
    const { user, staff } = await staffUser("CASHIER", "Уволенный");
    const vera = await customer();
    await disableStaff(h.db.sql, { actor: cliOwner, staffId: staff.id });
    await user.pressReplyButton("🔎 Найти клиента");
    expect(lastText(user)).toBe("У вас больше нет доступа к функциям сотрудника.");
    await user.sendCommand("/staff");
    expect(lastText(user)).toBe("У вас больше нет доступа к функциям сотрудника.");
    // A card link is now just their own /start: onboarding, nothing about the card's owner.
    await user.sendCommand("/start", `card_${vera.card.number}`);
    expect(texts(user).join("\n")).not.toContain(formatCardNumber(vera.card.number));
    expect(lastText(user)).toContain("согласие на обработку персональных данных");
  });

  it("a staff chat's command menu lists /staff, and /broadcast for those who may send one", async () => {
    const api = new Api(TEST_BOT_TOKEN, { apiRoot: h.emulator.apiRoot });
    const menu = async (chatId: number, language?: "en") =>
      (
        await api.getMyCommands({
          scope: { type: "chat", chat_id: chatId },
          ...(language ? { language_code: language } : {}),
        })
      ).map((c) => c.command);
    const { user: manager } = await staffUser("MANAGER", "Ирина");
    const { user: cashier, staff: cashierStaff } = await staffUser("CASHIER", "Олег");
    await vi.waitFor(async () => {
      expect(await menu(manager.id)).toEqual(["staff", "broadcast", "start", "help", "stop"]);
    });
    expect(await menu(manager.id, "en")).toEqual(["staff", "broadcast", "start", "help", "stop"]);
    expect(await menu(cashier.id)).toEqual(["staff", "start", "help", "stop"]);
    // Disabled through the API (no chat of theirs involved): start-up's sync takes the menu back.
    await disableStaff(h.db.sql, { actor: cliOwner, staffId: cashierStaff.id });
    await syncStaffCommands(api, h.db.sql);
    expect(await menu(cashier.id)).toEqual([]);
    expect(await menu(manager.id)).toEqual(["staff", "broadcast", "start", "help", "stop"]);
  });

  it("a staff member who is also a customer keeps their card and switches between the menus", async () => {
    const me = await customer();
    const { code } = await invite("CASHIER", "Вера");
    await me.user.sendCommand("/start", `staff_${code}`);
    expect(lastText(me.user)).toContain("Добро пожаловать в команду, Вера!");

    await me.user.pressReplyButton("💳 Я как клиент");
    expect(lastText(me.user)).toBe("Клиентский режим: ваша карта и меню клиента.");
    const menu = me.user
      .currentReplyKeyboard()
      ?.keyboard.flat()
      .map((b) => b.text);
    expect(menu).toContain("💳 Моя карта");
    expect(menu).toContain("🧑‍💼 Режим сотрудника");
    await me.user.pressReplyButton("💳 Моя карта");
    expect(lastText(me.user)).toContain("Баланс: 100 баллов");

    await me.user.pressReplyButton("🧑‍💼 Режим сотрудника");
    expect(
      me.user
        .currentReplyKeyboard()
        ?.keyboard.flat()
        .map((b) => b.text),
    ).toContain("🔎 Найти клиента");
    // Their own card, found as staff, says it is theirs.
    await me.user.sendText(me.card.number);
    expect(lastText(me.user)).toContain(
      "Это ваша собственная карта: покупки и баллы на неё оформляет другой сотрудник.",
    );
  });

  it("staff without a card of their own get the staff menu on /start, and a card when they ask", async () => {
    const { user } = await staffUser("CASHIER", "Олег");
    await user.sendCommand("/start");
    expect(lastText(user)).toContain("Режим сотрудника");
    await user.pressReplyButton("💳 Я как клиент");
    expect(texts(user).join("\n")).toContain("согласие на обработку персональных данных");
  });
});
