import ExcelJS from "exceljs";
import iconv from "iconv-lite";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { INTERRUPTED_IMPORT_ERROR } from "../../core/imports/interrupted-imports.ts";
import { formatCardNumber, generateCardNumber } from "../../core/loyalty/card-number.ts";
import { ADMIN_TOKEN, apiCaller } from "../support/api.ts";
import { type BotHarness, startBotHarness } from "../support/bot-harness.ts";
import { onboardedUser } from "../support/chat.ts";
import { testDbKind } from "../support/database.ts";

let h: BotHarness;
beforeAll(async () => {
  h = await startBotHarness({ env: { ADMIN_TOKEN } });
});
afterAll(async () => {
  await h?.close();
});

const call = apiCaller(() => h.app.httpUrl);
let phoneSeq = 1000;
/** A Russian mobile number nobody in this file has used. */
const phone = () => `+7916${String(phoneSeq++).padStart(7, "0")}`;

async function upload(
  file: Uint8Array | string,
  options: { name?: string; dryRun?: boolean; mapping?: unknown; token?: string } = {},
) {
  const form = new FormData();
  const bytes = typeof file === "string" ? new TextEncoder().encode(file) : file;
  form.append("file", new Blob([bytes]), options.name ?? "clients.csv");
  if (options.mapping !== undefined) form.append("mapping", JSON.stringify(options.mapping));
  const response = await fetch(
    `${h.app.httpUrl}/api/imports${options.dryRun ? "?dryRun=true" : ""}`,
    {
      method: "POST",
      headers: { authorization: `Bearer ${options.token ?? ADMIN_TOKEN}` },
      body: form,
    },
  );
  // biome-ignore lint/suspicious/noExplicitAny: the assertions check the shape
  return { status: response.status, body: (await response.json()) as any };
}

async function customerByPhone(phoneNumber: string) {
  return h.db.prisma.customer.findUnique({
    where: { phone: phoneNumber },
    include: { card: { include: { ledger: true } } },
  });
}

async function tokenFor(role: "CASHIER" | "MANAGER" | "VIEWER") {
  const issued = await call("POST", "/api/tokens", { name: `${role} import`, role });
  expect(issued.status).toBe(201);
  return issued.body.token as string;
}

describe(`imports API on ${testDbKind}`, () => {
  it("imports a UTF-8 CSV: creates customers, carries cards and balances, rejects bad rows with reasons", async () => {
    const [a, b, c, d] = [phone(), phone(), phone(), phone()];
    const card = generateCardNumber();
    const csv = [
      "ФИО,Телефон,Email,Дата рождения,Город,Пол,Номер карты,Баланс,Теги,Согласие на рассылку",
      `Анна Петрова,${a.replace("+7", "8 (")},anna@example.com,25.12.1990,Москва,ж,${formatCardNumber(card)},500,"vip, кофе",да`,
      `Борис,${b},,,,м,ABC-123,0,,нет`,
      "Вера,12345,,,,,,,,",
      `Галина,${c},,31.02.1990,,,,,,`,
      `Анна-дубль,${a},,,,,,,,`,
      `Дмитрий,${d},,,,,,12.5,,`,
      ",,,,,,,,,",
    ].join("\r\n");
    const answer = await upload(`\uFEFF${csv}`);
    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({ status: "DONE", rows: 6, created: 2, updated: 0 });
    expect(answer.body.rejected).toEqual([
      { row: 4, reason: 'phone: "12345" is not a phone number' },
      { row: 5, reason: "birthday: 31.02.1990 is not a date" },
      { row: 6, reason: `phone: ${a} is already in row 2` },
      { row: 7, reason: "balance: 12.5 is not a whole number of points" },
    ]);
    expect(answer.body.notes).toEqual([
      {
        row: 3,
        note: 'card: "ABC-123" is not a card number of this program; a new card is issued',
      },
    ]);
    expect(answer.body.mapping).toMatchObject({ ФИО: "name", Телефон: "phone", Баланс: "balance" });

    const anna = await customerByPhone(a);
    expect(anna).toMatchObject({
      status: "ACTIVE",
      telegramId: null,
      name: "Анна Петрова",
      email: "anna@example.com",
      city: "Москва",
      gender: "FEMALE",
      birthMonth: 12,
      birthDay: 25,
      tags: ["vip", "кофе"],
      source: "import",
      marketingConsent: true,
    });
    expect(anna?.marketingConsentVersion).toBe(`import:${answer.body.id}`);
    expect(anna?.card).toMatchObject({ number: card, balance: 500, status: "ACTIVE" });
    expect(anna?.card?.ledger).toEqual([
      expect.objectContaining({ kind: "ADJUSTMENT", delta: 500, balanceAfter: 500 }),
    ]);
    const boris = await customerByPhone(b);
    expect(boris).toMatchObject({ gender: "MALE", marketingConsent: false });
    expect(boris?.card?.number).toMatch(/^\d{12}$/);
    expect(boris?.card?.balance).toBe(0);
    expect(await customerByPhone(c)).toBeNull();

    const audit = await h.db.prisma.auditEntry.findFirst({
      where: { action: "customers.imported" },
      orderBy: { id: "desc" },
    });
    expect(audit?.data).toMatchObject({ importId: answer.body.id, created: 2, rejected: 4 });
  });

  it("reads a Windows-1251 CSV saved by Excel with ';'", async () => {
    const [a, b] = [phone(), phone()];
    const text = `Имя;Тел.;Город;ДР\r\nЁлка Сергеевна;${a};Санкт-Петербург;01.02.1985\r\nЮрий;${b};Тверь;\r\n`;
    const bytes = iconv.encode(text, "win1251");
    const answer = await upload(new Uint8Array(bytes), { name: "база.csv" });
    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({ rows: 2, created: 2, rejected: [] });
    expect(await customerByPhone(a)).toMatchObject({
      name: "Ёлка Сергеевна",
      city: "Санкт-Петербург",
    });
    expect(await customerByPhone(b)).toMatchObject({ name: "Юрий", city: "Тверь" });
  });

  it("reads an XLSX with a merged title, merged cells and formulas (cached results; none → empty)", async () => {
    const [a, b, c] = [phone(), phone(), phone()];
    const workbook = new ExcelJS.Workbook();
    const sheet = workbook.addWorksheet("Клиенты");
    sheet.addRow(["Клиенты кафе, 2024"]);
    sheet.mergeCells("A1:E1");
    sheet.addRow(["Name", "Phone", "City", "Points", "Birthday"]);
    sheet.addRow([
      "Alice",
      a,
      "Казань",
      { formula: "100+50", result: 150 },
      new Date(Date.UTC(1992, 4, 17)),
    ]);
    sheet.addRow(["Bob", Number(b.slice(1)), "", { formula: "D3*2" }, ""]);
    sheet.addRow(["Carol", c, "", 0, ""]);
    sheet.mergeCells("C3:C5"); // one city for three rows: only the first keeps it
    const bytes = new Uint8Array(await workbook.xlsx.writeBuffer());

    const answer = await upload(bytes, { name: "clients.xlsx" });
    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({ rows: 3, created: 3, rejected: [] });
    const alice = await customerByPhone(a);
    expect(alice).toMatchObject({ name: "Alice", city: "Казань", birthMonth: 5, birthDay: 17 });
    expect(alice?.card?.balance).toBe(150);
    const bob = await customerByPhone(b);
    expect(bob).toMatchObject({ name: "Bob", city: null });
    expect(bob?.card?.balance).toBe(0);
    expect(bob?.card?.ledger).toEqual([]);
  });

  it("fills only the gaps of a customer from the bot and never grants a consent they did not give", async () => {
    const { customerId } = await onboardedUser(h, { id: 97001 });
    // They said no to offers in the bot.
    await h.db.prisma.customer.update({
      where: { id: customerId },
      data: { marketingConsent: false, tags: ["regular"] },
    });
    const before = await h.db.prisma.customer.findUniqueOrThrow({
      where: { id: customerId },
      include: { card: true },
    });
    const file = `Name,Phone,City,Balance,Tags,Marketing consent\r\nИван Иванов,${before.phone},Казань,200,"vip, regular",yes\r\n`;

    const answer = await upload(file);
    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({ rows: 1, created: 0, updated: 1, rejected: [] });
    const after = await customerByPhone(before.phone as string);
    expect(after).toMatchObject({
      id: customerId,
      name: before.name, // what they told the bot
      city: "Казань", // a gap, filled
      marketingConsent: false,
      telegramId: before.telegramId,
    });
    expect([...(after?.tags ?? [])].sort()).toEqual(["regular", "vip"]);
    expect(after?.card?.number).toBe(before.card?.number);
    expect(after?.card?.balance).toBe((before.card?.balance ?? 0) + 200);
    expect(
      after?.card?.ledger.filter((e) => e.idempotencyKey === `import-opening:${customerId}`),
    ).toHaveLength(1);

    // The same file again: nothing to fill, and the balance is not carried over twice.
    const again = await upload(file);
    expect(again.body).toMatchObject({ rows: 1, created: 0, updated: 0, rejected: [] });
    expect(again.body.notes).toEqual([
      { row: 2, note: "balance: an opening balance was carried over before; not credited again" },
    ]);
    expect((await customerByPhone(before.phone as string))?.card?.balance).toBe(
      after?.card?.balance,
    );
  });

  it("keeps a free card number of ours and replaces a taken one, saying so", async () => {
    const taken = (await h.db.prisma.loyaltyCard.findFirstOrThrow()).number;
    const free = generateCardNumber();
    const [a, b] = [phone(), phone()];
    const answer = await upload(`Phone,Card\r\n${a},${free}\r\n${b},${taken}\r\n`);
    expect(answer.body).toMatchObject({ created: 2, rejected: [] });
    expect(answer.body.notes).toEqual([
      {
        row: 3,
        note: `card: ${formatCardNumber(taken)} belongs to another customer; a new card is issued`,
      },
    ]);
    expect((await customerByPhone(a))?.card?.number).toBe(free);
    expect((await customerByPhone(b))?.card?.number).not.toBe(taken);

    // The same free number on two rows of one file: the first row keeps it, the second gets
    // a card of its own instead of failing the batch.
    const twice = generateCardNumber();
    const [c, d] = [phone(), phone()];
    const again = await upload(`Phone,Card\r\n${c},${twice}\r\n${d},${twice}\r\n`);
    expect(again.body).toMatchObject({ created: 2, rejected: [] });
    expect((await customerByPhone(c))?.card?.number).toBe(twice);
    const second = (await customerByPhone(d))?.card?.number;
    expect(second).toMatch(/^\d{12}$/);
    expect(second).not.toBe(twice);
  });

  it("a dry run validates and counts but writes no customer", async () => {
    const existing = await h.db.prisma.customer.findFirstOrThrow({
      where: { source: "import", city: null },
    });
    const fresh = phone();
    const count = await h.db.prisma.customer.count();
    const entries = await h.db.prisma.pointsEntry.count();
    const answer = await upload(
      `Phone,City,Balance\r\n${fresh},Омск,100\r\n${existing.phone},Омск,\r\nnot-a-phone,,\r\n`,
      { dryRun: true },
    );
    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({
      dryRun: true,
      rows: 3,
      created: 1,
      updated: 1,
      rejectedCount: 1,
    });
    expect(await h.db.prisma.customer.count()).toBe(count);
    expect(await h.db.prisma.pointsEntry.count()).toBe(entries);
    expect(
      (await h.db.prisma.customer.findUniqueOrThrow({ where: { id: existing.id } })).city,
    ).toBeNull();
  });

  it("takes an explicit mapping and refuses an invalid one", async () => {
    const a = phone();
    const answer = await upload(`Клиент №,Контакт,Заметка\r\nЗоя,${a},что-то\r\n`, {
      mapping: { Контакт: "phone", "Клиент №": "name", Заметка: null },
    });
    expect(answer.status).toBe(200);
    expect(await customerByPhone(a)).toMatchObject({ name: "Зоя" });

    const bad = await upload(`A,B\r\n1,2\r\n`, { mapping: { A: "shoe_size" } });
    expect(bad.status).toBe(400);
    expect(bad.body.error.details.issues[0]).toMatchObject({ field: "mapping" });
    const none = await upload(`A,B\r\n1,2\r\n`);
    expect(none.status).toBe(400);
    expect(none.body.error.message).toMatch(/No phone column/);
  });

  it("refuses a file that is neither CSV nor XLSX, and a body that is not multipart", async () => {
    const png = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13]);
    const answer = await upload(png, { name: "photo.csv" });
    expect(answer.status).toBe(415);
    expect(answer.body.error).toMatchObject({
      code: "unsupported_media_type",
      message: "The file is neither CSV nor XLSX",
    });
    const xls = new Uint8Array([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1, 0, 0]);
    const old = await upload(xls, { name: "old.xls" });
    expect(old.status).toBe(415);
    expect(old.body.error.message).toMatch(/97-2003/);
    const json = await call("POST", "/api/imports", { file: "x" });
    expect(json.status).toBe(415);
    const empty = new FormData();
    empty.append("other", "x");
    const missing = await fetch(`${h.app.httpUrl}/api/imports`, {
      method: "POST",
      headers: { authorization: `Bearer ${ADMIN_TOKEN}` },
      body: empty,
    });
    expect(missing.status).toBe(400);
    expect(((await missing.json()) as { error: { message: string } }).error.message).toBe(
      'The field "file" is missing',
    );
  });

  it("refuses a 50 MB upload with 413, by its length and while streaming one without a length", async () => {
    const big = new Uint8Array(50 * 1024 * 1024).fill(0x41);
    const declared = await upload(big, { name: "huge.csv" });
    expect(declared.status).toBe(413);
    expect(declared.body.error).toMatchObject({
      code: "payload_too_large",
      message: "The file is larger than 20 MB; split it into smaller files",
    });

    // Chunked, so the server can only count: it must stop at the limit all the same.
    const boundary = "----import-test-boundary";
    const chunk = new Uint8Array(1024 * 1024).fill(0x42);
    let sent = 0;
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (sent === 0) {
          controller.enqueue(
            new TextEncoder().encode(
              `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="huge.csv"\r\nContent-Type: text/csv\r\n\r\n`,
            ),
          );
        }
        if (sent < 50) {
          controller.enqueue(chunk);
          sent++;
        } else {
          controller.enqueue(new TextEncoder().encode(`\r\n--${boundary}--\r\n`));
          controller.close();
        }
      },
    });
    const streamed = await fetch(`${h.app.httpUrl}/api/imports`, {
      method: "POST",
      headers: {
        authorization: `Bearer ${ADMIN_TOKEN}`,
        "content-type": `multipart/form-data; boundary=${boundary}`,
      },
      body,
      duplex: "half",
    } as RequestInit);
    expect(streamed.status).toBe(413);
  });

  it("imports a large file in the background, followed through GET /api/imports/:id", async () => {
    const filler = "x".repeat(250);
    const lines = ["Phone,Name,Comment"];
    for (let i = 0; i < 4500; i++) lines.push(`${phone()},Клиент ${i},${filler}`);
    const csv = lines.join("\n");
    expect(csv.length).toBeGreaterThan(1024 * 1024);

    const answer = await upload(csv, { name: "big.csv" });
    expect(answer.status).toBe(202);
    expect(["PENDING", "RUNNING", "DONE"]).toContain(answer.body.status);
    const id = answer.body.id as string;
    let state = answer.body;
    const seen = new Set<number>();
    for (let i = 0; i < 600 && state.status !== "DONE" && state.status !== "FAILED"; i++) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      const polled = await call("GET", `/api/imports/${id}`);
      expect(polled.status).toBe(200);
      state = polled.body;
      seen.add(state.processed);
    }
    expect(state).toMatchObject({
      status: "DONE",
      rows: 4500,
      processed: 4500,
      created: 4500,
      rejectedCount: 0,
    });
    expect(state.finishedAt).not.toBeNull();

    const missing = await call("GET", "/api/imports/00000000-0000-4000-8000-000000000000");
    expect(missing.status).toBe(404);
    const malformed = await call("GET", "/api/imports/not-an-id");
    expect(malformed.status).toBe(400);
  });

  it("exports every customer who gave their data as CSV and as XLSX, streamed and audited", async () => {
    const active = await h.db.prisma.customer.count({ where: { status: "ACTIVE" } });
    expect(active).toBeGreaterThan(4500);

    const csv = await fetch(`${h.app.httpUrl}/api/customers/export?format=csv`, {
      headers: { authorization: `Bearer ${ADMIN_TOKEN}` },
    });
    expect(csv.status).toBe(200);
    expect(csv.headers.get("content-type")).toMatch(/^text\/csv/);
    expect(csv.headers.get("content-disposition")).toMatch(
      /attachment; filename="customers-.*\.csv"/,
    );
    const text = await csv.text();
    const lines = text
      .replace(/^\uFEFF/, "")
      .trim()
      .split(/\r?\n/);
    expect(lines[0]).toMatch(
      /^Name;Phone;Email;Birthday;City;Gender;Card;Balance;Tags;Marketing consent/,
    );
    expect(lines).toHaveLength(active + 1);
    const anna = lines.find((line) => line.startsWith("Анна Петрова;"));
    expect(anna).toMatch(
      /;anna@example\.com;25\.12\.1990;Москва;female;\d{4} \d{4} \d{4};500;vip, кофе;yes;import;/,
    );

    const xlsx = await fetch(`${h.app.httpUrl}/api/customers/export?format=xlsx`, {
      headers: { authorization: `Bearer ${ADMIN_TOKEN}` },
    });
    expect(xlsx.status).toBe(200);
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(await xlsx.arrayBuffer());
    const sheet = workbook.worksheets[0];
    expect(sheet?.rowCount).toBe(active + 1);
    expect(sheet?.getRow(1).getCell(2).value).toBe("Phone");

    const audits = await h.db.prisma.auditEntry.findMany({
      where: { action: "customers.exported" },
    });
    expect(audits.map((a) => (a.data as { format: string }).format).sort()).toEqual([
      "csv",
      "xlsx",
    ]);

    const wrong = await call("GET", "/api/customers/export?format=pdf");
    expect(wrong.status).toBe(400);
    expect(wrong.body.error.details.issues[0].field).toBe("format");
  });

  it("exports a saved segment only", async () => {
    const created = await call("POST", "/api/segments", {
      name: "Казань (импорт)",
      rule: { field: "city", op: "eq", value: "Казань" },
    });
    expect(created.status).toBe(201);
    const inKazan = await h.db.prisma.customer.count({
      where: { status: "ACTIVE", city: "Казань" },
    });
    expect(inKazan).toBe(2);
    const response = await fetch(
      `${h.app.httpUrl}/api/customers/export?format=csv&segment=${created.body.segment.id}`,
      { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } },
    );
    expect(response.status).toBe(200);
    const lines = (await response.text()).trim().split(/\r?\n/);
    expect(lines).toHaveLength(inKazan + 1);
    expect(lines.slice(1).every((line) => line.split(";")[4] === "Казань")).toBe(true);

    const unknown = await call(
      "GET",
      "/api/customers/export?segment=00000000-0000-4000-8000-000000000000",
    );
    expect(unknown.status).toBe(400);
  });

  it("lets managers import and export, but not cashiers import nor viewers export", async () => {
    const [cashier, viewer, manager] = [
      await tokenFor("CASHIER"),
      await tokenFor("VIEWER"),
      await tokenFor("MANAGER"),
    ];
    expect((await upload(`Phone\r\n${phone()}\r\n`, { token: cashier })).status).toBe(403);
    expect((await upload(`Phone\r\n${phone()}\r\n`, { token: manager })).status).toBe(200);
    const viewerExport = await call("GET", "/api/customers/export", undefined, viewer);
    expect(viewerExport.status).toBe(403);
    const managerExport = await fetch(`${h.app.httpUrl}/api/customers/export`, {
      headers: { authorization: `Bearer ${manager}` },
    });
    expect(managerExport.status).toBe(200);
    await managerExport.body?.cancel();
    const noToken = await fetch(`${h.app.httpUrl}/api/imports`, { method: "POST" });
    expect(noToken.status).toBe(401);
  });

  it("at start, fails the imports a stopped process left RUNNING or PENDING over 10 minutes ago", async () => {
    const left = async (status: "RUNNING" | "PENDING", minutesAgo: number) =>
      (
        await h.db.prisma.customerImport.create({
          data: {
            status,
            fileName: "clients.xlsx",
            rows: 1500,
            processed: 1500,
            createdAt: new Date(Date.now() - minutesAgo * 60_000),
          },
        })
      ).id;
    const [running, pending, recent] = [
      await left("RUNNING", 11),
      await left("PENDING", 60),
      await left("RUNNING", 1),
    ];
    await h.restart();
    const stateOf = async (id: string) => (await call("GET", `/api/imports/${id}`)).body;
    await vi.waitFor(async () => {
      expect(await stateOf(running)).toMatchObject({
        status: "FAILED",
        error: INTERRUPTED_IMPORT_ERROR,
        processed: 1500,
      });
    });
    expect((await stateOf(running)).finishedAt).not.toBeNull();
    expect(await stateOf(pending)).toMatchObject({ status: "FAILED" });
    // One that may still be moving in another process is watched by the minute job instead.
    await h.app.scheduler.runNow("fail-interrupted-imports");
    expect(await stateOf(recent)).toMatchObject({ status: "RUNNING", error: null });
    // And an import this process runs goes to its end as usual.
    const answer = await upload(`Phone\r\n${phone()}\r\n`);
    expect(answer.body).toMatchObject({ status: "DONE", created: 1, error: null });
  });
});
