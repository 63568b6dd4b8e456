import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import ExcelJS from "exceljs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AppError } from "../../core/errors.ts";
import { columnOf, excelDateText, isDateFormat, xlsxRows } from "../../core/imports/xlsx-rows.ts";

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "xlsx-reader-"));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function rowsOf(path: string): Promise<string[][]> {
  const rows: string[][] = [];
  for await (const row of xlsxRows(path)) rows.push(row);
  return rows;
}

/** A zip with its parts stored (no compression) in the order given: a workbook as any tool may write it. */
function storedZip(files: Array<[name: string, content: string]>): Buffer {
  const crcTable = Array.from({ length: 256 }, (_, n) => {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    return c >>> 0;
  });
  const crc32 = (data: Buffer) => {
    let crc = 0xffffffff;
    for (const byte of data) crc = (crcTable[(crc ^ byte) & 0xff] as number) ^ (crc >>> 8);
    return (crc ^ 0xffffffff) >>> 0;
  };
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const [name, content] of files) {
    const nameBytes = Buffer.from(name);
    const data = Buffer.from(content);
    const crc = crc32(data);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(0x21, 12); // 1980-01-01
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(data.length, 18);
    local.writeUInt32LE(data.length, 22);
    local.writeUInt16LE(nameBytes.length, 26);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(20, 4);
    central.writeUInt16LE(20, 6);
    central.writeUInt16LE(0x21, 14);
    central.writeUInt32LE(crc, 16);
    central.writeUInt32LE(data.length, 20);
    central.writeUInt32LE(data.length, 24);
    central.writeUInt16LE(nameBytes.length, 28);
    central.writeUInt32LE(offset, 42);
    locals.push(local, nameBytes, data);
    centrals.push(central, nameBytes);
    offset += local.length + nameBytes.length + data.length;
  }
  const directory = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(files.length, 8);
  end.writeUInt16LE(files.length, 10);
  end.writeUInt32LE(directory.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, directory, end]);
}

const MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main";
const REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships";
const relationships = (items: Array<[id: string, type: string, target: string]>) =>
  `<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">${items
    .map(
      ([id, type, target]) => `<Relationship Id="${id}" Type="${REL}/${type}" Target="${target}"/>`,
    )
    .join("")}</Relationships>`;

describe("xlsxRows", () => {
  it("reads a workbook written by exceljs's streaming writer, shared strings after the sheet", async () => {
    const path = join(dir, "streamed.xlsx");
    const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({
      filename: path,
      useSharedStrings: true,
    });
    const sheet = workbook.addWorksheet("Клиенты");
    sheet.addRow(["Имя", "Телефон", "Дата рождения", "Баланс", "Бонус"]).commit();
    sheet
      .addRow([
        "  Анна  ",
        79991234567,
        new Date(Date.UTC(1990, 11, 25)),
        { formula: "100+50", result: 150 },
        { formula: "D2*2" },
      ])
      .commit();
    sheet.addRow([]).commit(); // row 3: not in the file
    const gap = sheet.getRow(4); // row 4: B and D empty
    gap.getCell(1).value = "Борис";
    gap.getCell(3).value = new Date(Date.UTC(2001, 0, 2));
    gap.getCell(5).value = {
      richText: [{ text: "rich " }, { text: "text", font: { bold: true } }],
    };
    gap.commit();
    sheet.addRow(["Вера", "+7 916 000-00-01", "", 0.5, true]).commit();
    sheet.commit();
    workbook.addWorksheet("Second").addRow(["not read"]).commit();
    await workbook.commit();

    // The case the reader exists for: the strings come after the sheet in the zip.
    const bytes = await readFile(path);
    expect(bytes.indexOf("xl/sharedStrings.xml")).toBeGreaterThan(
      bytes.indexOf("xl/worksheets/sheet1.xml"),
    );
    expect(await rowsOf(path)).toEqual([
      ["Имя", "Телефон", "Дата рождения", "Баланс", "Бонус"],
      // a formula gives its cached result; one never calculated is empty
      ["Анна", "79991234567", "25.12.1990", "150"],
      [],
      ["Борис", "", "02.01.2001", "", "rich text"],
      ["Вера", "+7 916 000-00-01", "", "0.5", "true"],
    ]);
  });

  it("reads inline strings (a workbook written without shared strings) and the 1904 date system", async () => {
    const inlinePath = join(dir, "inline.xlsx");
    const inline = new ExcelJS.stream.xlsx.WorkbookWriter({
      filename: inlinePath,
      useSharedStrings: false,
    });
    const sheet = inline.addWorksheet("S");
    sheet.addRow(["Phone", "Name"]).commit();
    sheet
      .addRow([
        "+79160000001",
        { richText: [{ text: "Анна " }, { text: "Петрова", font: { italic: true } }] },
      ])
      .commit();
    sheet.commit();
    await inline.commit();
    expect(await rowsOf(inlinePath)).toEqual([
      ["Phone", "Name"],
      ["+79160000001", "Анна Петрова"],
    ]);

    const mac = new ExcelJS.Workbook();
    mac.properties.date1904 = true;
    mac.addWorksheet("S").addRow([new Date(Date.UTC(2000, 0, 1)), 35064]);
    const macPath = join(dir, "1904.xlsx");
    await mac.xlsx.writeFile(macPath);
    expect(await rowsOf(macPath)).toEqual([["01.01.2000", "35064"]]);
  });

  it("reads any tool's workbook: the first sheet by the workbook's order, prefixes, custom date formats", async () => {
    const sheet = `<?xml version="1.0" encoding="UTF-8"?>
<x:worksheet xmlns:x="${MAIN}"><x:sheetData>
  <x:row r="1"><x:c r="A1" t="s"><x:v>0</x:v></x:c><x:c t="s"><x:v>1</x:v></x:c><x:c r="D1" t="inlineStr"><x:is><x:t>Дата</x:t></x:is></x:c></x:row>
  <x:row><x:c r="A2" s="1"><x:v>45000</x:v></x:c><x:c r="B2" s="2"><x:v>45000.75</x:v></x:c><x:c r="C2" s="3"><x:v>12</x:v></x:c><x:c r="D2" t="d"><x:v>2024-02-29T00:00:00Z</x:v></x:c></x:row>
  <x:row r="4"><x:c r="A4" t="e"><x:v>#N/A</x:v></x:c><x:c r="B4" t="str"><x:f>A1&amp;"!"</x:f><x:v>Line_x000D_break</x:v></x:c><x:c r="C4" t="b"><x:f>TRUE()</x:f><x:v>0</x:v></x:c><x:c r="E4" s="1"/><x:c r="F4" t="s"><x:v>2</x:v></x:c></x:row>
</x:sheetData><x:mergeCells count="1"><x:mergeCell ref="A4:B4"/></x:mergeCells></x:worksheet>`;
    const strings = `<?xml version="1.0" encoding="UTF-8"?><sst xmlns="${MAIN}"><si><t>Телефон</t></si><si><r><t>Им</t></r><r><rPr><b/></rPr><t>я</t></r><rPh><t>ignored</t></rPh></si><si><t><![CDATA[a < b]]></t></si></sst>`;
    const styles = `<?xml version="1.0" encoding="UTF-8"?><styleSheet xmlns="${MAIN}">
  <numFmts count="2"><numFmt numFmtId="164" formatCode="DD/MM/YYYY;@"/><numFmt numFmtId="165" formatCode="&quot;day &quot;0"/></numFmts>
  <cellStyleXfs count="1"><xf numFmtId="14"/></cellStyleXfs>
  <cellXfs count="4"><xf numFmtId="0"/><xf numFmtId="164"/><xf numFmtId="22"/><xf numFmtId="165"/></cellXfs>
</styleSheet>`;
    const book = `<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="${MAIN}" xmlns:r="${REL}"><workbookPr/><sheets><sheet name="Первый" sheetId="2" r:id="rId2"/><sheet name="Второй" sheetId="1" r:id="rId1"/></sheets></workbook>`;
    const path = join(dir, "other-tool.xlsx");
    await writeFile(
      path,
      storedZip([
        ["[Content_Types].xml", "<Types/>"],
        ["_rels/.rels", relationships([["rId1", "officeDocument", "xl/workbook.xml"]])],
        [
          "xl/worksheets/sheet1.xml",
          `<worksheet xmlns="${MAIN}"><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>second</t></is></c></row></sheetData></worksheet>`,
        ],
        ["xl/worksheets/sheet2.xml", sheet],
        ["xl/workbook.xml", book],
        [
          "xl/_rels/workbook.xml.rels",
          relationships([
            ["rId1", "worksheet", "worksheets/sheet1.xml"],
            ["rId2", "worksheet", "/xl/worksheets/sheet2.xml"],
            ["rId3", "styles", "styles.xml"],
            ["rId4", "sharedStrings", "sharedStrings.xml"],
          ]),
        ],
        ["xl/styles.xml", styles],
        ["xl/sharedStrings.xml", strings],
      ]),
    );
    expect(await rowsOf(path)).toEqual([
      ["Телефон", "Имя", "", "Дата"],
      ["15.03.2023", "15.03.2023", "12", "29.02.2024"],
      [],
      ["", "Line\rbreak", "false", "", "", "a < b"],
    ]);
  });

  it("refuses what is not a workbook with the API's error, naming the file field", async () => {
    const notZip = join(dir, "not-zip.xlsx");
    await writeFile(notZip, Buffer.concat([Buffer.from("PK\x03\x04"), Buffer.alloc(64, 1)]));
    const noBook = join(dir, "no-book.xlsx");
    await writeFile(noBook, storedZip([["word/document.xml", "<document/>"]]));
    const broken = join(dir, "broken.xlsx");
    await writeFile(
      broken,
      storedZip([
        [
          "xl/workbook.xml",
          `<workbook xmlns="${MAIN}"><sheets><sheet name="a"/></sheets></workbook>`,
        ],
        ["xl/worksheets/sheet1.xml", `<worksheet><sheetData><row r="1"><c r="A1"><v>1</v></row>`],
      ]),
    );
    for (const [path, message] of [
      [notZip, /^The XLSX cannot be read: End of central directory/],
      [noBook, /^The XLSX cannot be read: it has no workbook/],
      [broken, /^The XLSX cannot be read: /],
    ] as const) {
      const error = await rowsOf(path).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(AppError);
      expect(error).toMatchObject({ code: "invalid_input", details: { field: "file" } });
      expect((error as Error).message).toMatch(message);
    }
  });

  it("stops reading when the caller stops asking", async () => {
    const path = join(dir, "long.xlsx");
    const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({ filename: path });
    const sheet = workbook.addWorksheet("S");
    for (let i = 0; i < 20_000; i++) sheet.addRow([`+7916${String(i).padStart(7, "0")}`]).commit();
    sheet.commit();
    await workbook.commit();
    const rows = xlsxRows(path);
    expect((await rows.next()).value).toEqual(["+79160000000"]);
    expect(await rows.return(undefined)).toEqual({ done: true, value: undefined });
    expect((await rows.next()).done).toBe(true);
  });
});

describe("XLSX cell helpers", () => {
  it("tells a date format from a number format", () => {
    for (const code of ["dd.mm.yyyy", "DD/MM/YYYY;@", "[$-419]d mmmm yyyy", "h:mm", "m/d/yy"]) {
      expect(isDateFormat(code), code).toBe(true);
    }
    for (const code of ["General", "0.00", '#,##0 "руб."', "[Red]0", "0_m", "\\d0", "@"]) {
      expect(isDateFormat(code), code).toBe(false);
    }
  });

  it("turns serial dates into dd.mm.yyyy in both date systems, and cell references into columns", () => {
    expect(excelDateText(33232, false)).toBe("25.12.1990");
    expect(excelDateText(45351.99, false)).toBe("29.02.2024");
    expect(excelDateText(35064, true)).toBe("01.01.2000");
    expect(excelDateText(Number.NaN, false)).toBeNull();
    expect([
      columnOf("A1"),
      columnOf("c5"),
      columnOf("Z9"),
      columnOf("AA10"),
      columnOf("XFD1"),
    ]).toEqual([1, 3, 26, 27, 16_384]);
    expect(columnOf("12")).toBe(0);
    expect(() => columnOf("XFE1")).toThrow(/out of range/);
  });
});
