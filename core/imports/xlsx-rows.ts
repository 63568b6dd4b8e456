import { posix } from "node:path";
import type { Readable } from "node:stream";
import { SaxesParser } from "saxes";
import yauzl, { type Entry, type ZipFile } from "yauzl";
import { AppError } from "../errors.ts";

/**
 * The first worksheet of an XLSX, row by row, read by random access to the zip: its central
 * directory says where each part is, so the small parts that give cells their meaning — the
 * workbook (which sheet is first, the 1904 date system), the shared strings and the styles
 * (which cells are dates) — are read first wherever they sit in the file, and only then the
 * sheet is streamed. Excel and exceljs store the shared strings after the sheets; a reader
 * that takes the zip in order (exceljs's WorkbookReader) has to hold the sheet until it gets
 * there. Here memory is the shared strings plus one chunk of the sheet.
 *
 * Cells as a person sees them, trimmed: a shared or inline string (rich text runs joined), a
 * number as JavaScript writes it (79991234567, 0.5), a date as dd.mm.yyyy, a boolean as
 * true/false, a formula as its cached result (none, or an error value: empty). Each row is an
 * array by column letter (a gap is ""), and a row number missing from the file is an empty
 * row, so the numbering is the sheet's. A merged area has its value in its top-left cell only:
 * that is where the file keeps it.
 */
export async function* xlsxRows(path: string): AsyncGenerator<string[]> {
  let zip: ZipFile | undefined;
  try {
    zip = await yauzl.openPromise(path, { autoClose: false, strictFileNames: false });
    const parts = await listParts(zip);
    const book = await readWorkbook(zip, parts);
    const sharedStrings = book.sharedStrings
      ? await readSharedStrings(zip, book.sharedStrings)
      : [];
    const dateStyles = book.styles ? await readDateStyles(zip, book.styles) : [];
    yield* sheetRows(zip, book.sheet, { sharedStrings, dateStyles, date1904: book.date1904 });
  } catch (error) {
    if (error instanceof AppError) throw error;
    throw new AppError("invalid_input", `The XLSX cannot be read: ${(error as Error).message}`, {
      field: "file",
    });
  } finally {
    zip?.close();
  }
}

/** Excel's own limits: a bigger row or column number is a broken (or hostile) file. */
const MAX_ROWS = 1_048_576;
const MAX_COLUMNS = 16_384;
/** Excel keeps at most this many characters in a cell; more is cut, not held. */
const MAX_CELL_CHARS = 32_767;
/** The shared strings are held in memory: a cap on them (characters plus 16 per string). */
const MAX_SHARED_STRINGS_SIZE = 100_000_000;
/** A workbook has a few dozen parts; a zip with thousands of XML parts is not a spreadsheet. */
const MAX_PARTS = 10_000;

/** The XML parts of the zip by lower-cased name (part names are case-insensitive). */
type Parts = Map<string, Entry>;

async function listParts(zip: ZipFile): Promise<Parts> {
  const parts: Parts = new Map();
  for await (const entry of zip.eachEntry()) {
    const name = entry.fileName.toLowerCase();
    if (!name.endsWith(".xml") && !name.endsWith(".rels")) continue;
    if (parts.size >= MAX_PARTS) throw new Error(`more than ${MAX_PARTS} parts`);
    parts.set(name, entry);
  }
  return parts;
}

type XmlHandlers = {
  open?(name: string, attributes: Record<string, string>): void;
  close?(name: string): void;
  text?(text: string): void;
};

/** A streaming parser calling back with local names (`x:row` is `row`). */
function xmlParser(handlers: XmlHandlers): SaxesParser {
  const parser = new SaxesParser({ position: false });
  const local = (name: string) => {
    const colon = name.indexOf(":");
    return colon < 0 ? name : name.slice(colon + 1);
  };
  const { open, close, text } = handlers;
  if (open) {
    parser.on("opentag", (tag) => open(local(tag.name), tag.attributes as Record<string, string>));
  }
  if (close) parser.on("closetag", (tag) => close(local(tag.name)));
  if (text) {
    parser.on("text", text);
    parser.on("cdata", text);
  }
  return parser;
}

async function openPart(zip: ZipFile, entry: Entry): Promise<Readable> {
  const stream = await zip.openReadStreamPromise(entry);
  stream.setEncoding("utf8");
  return stream;
}

/** Feeds a part to the parser; a BOM at its start is dropped. */
function feed(parser: SaxesParser, chunk: string, first: boolean) {
  parser.write(first && chunk.charCodeAt(0) === 0xfeff ? chunk.slice(1) : chunk);
}

async function parsePart(zip: ZipFile, entry: Entry, handlers: XmlHandlers): Promise<void> {
  const parser = xmlParser(handlers);
  const stream = await openPart(zip, entry);
  try {
    let first = true;
    for await (const chunk of stream) {
      feed(parser, chunk as string, first);
      first = false;
    }
    parser.close();
  } finally {
    stream.destroy();
  }
}

type Relationship = { type: string; target: string };

/** A part's relationships by id, targets resolved to part names. */
async function readRelationships(
  zip: ZipFile,
  parts: Parts,
  partName: string,
): Promise<Map<string, Relationship>> {
  const relationships = new Map<string, Relationship>();
  const dir = posix.dirname(partName);
  const entry = parts.get(posix.join(dir, "_rels", `${posix.basename(partName)}.rels`));
  if (!entry) return relationships;
  await parsePart(zip, entry, {
    open(name, attributes) {
      if (name !== "Relationship" || attributes.TargetMode === "External") return;
      const { Id: id, Type: type, Target: target } = attributes;
      if (id && type && target) relationships.set(id, { type, target: resolve(dir, target) });
    },
  });
  return relationships;
}

/** A relationship's target as a part name: relative to the part's folder, or from the root. */
function resolve(dir: string, target: string): string {
  let decoded = target;
  try {
    decoded = decodeURI(target);
  } catch {
    // A stray "%": the target is taken as written.
  }
  const joined = decoded.startsWith("/") ? decoded.slice(1) : posix.join(dir, decoded);
  return posix
    .normalize(joined)
    .replace(/^(\.\.\/)+/, "")
    .toLowerCase();
}

const relationshipOf = (relationships: Map<string, Relationship>, kind: string) =>
  [...relationships.values()].find((r) => r.type.endsWith(`/${kind}`))?.target;

type Workbook = { sheet: Entry; sharedStrings?: Entry; styles?: Entry; date1904: boolean };

async function readWorkbook(zip: ZipFile, parts: Parts): Promise<Workbook> {
  const root = await readRelationships(zip, parts, "");
  const bookName = relationshipOf(root, "officeDocument") ?? "xl/workbook.xml";
  const bookEntry = parts.get(bookName) ?? parts.get("xl/workbook.xml");
  if (!bookEntry) throw new Error("it has no workbook (xl/workbook.xml)");
  const partName = bookEntry.fileName.toLowerCase();

  let date1904 = false;
  let firstSheetId: string | undefined;
  let firstSheetSeen = false;
  await parsePart(zip, bookEntry, {
    open(name, attributes) {
      if (name === "workbookPr") {
        const value = attributes.date1904?.toLowerCase();
        date1904 = value === "1" || value === "true";
      } else if (name === "sheet" && !firstSheetSeen) {
        firstSheetSeen = true;
        const idKey = Object.keys(attributes).find((key) => key === "id" || key.endsWith(":id"));
        firstSheetId = idKey ? attributes[idKey] : undefined;
      }
    },
  });
  if (!firstSheetSeen) throw new Error("the workbook has no worksheet");

  const relationships = await readRelationships(zip, parts, partName);
  const sheetName =
    (firstSheetId && relationships.get(firstSheetId)?.target) || "xl/worksheets/sheet1.xml";
  const sheet = parts.get(sheetName);
  if (!sheet) throw new Error(`the first worksheet (${sheetName}) is missing`);
  const sharedStrings = parts.get(
    relationshipOf(relationships, "sharedStrings") ?? "xl/sharedstrings.xml",
  );
  const styles = parts.get(relationshipOf(relationships, "styles") ?? "xl/styles.xml");
  return {
    sheet,
    date1904,
    ...(sharedStrings ? { sharedStrings } : {}),
    ...(styles ? { styles } : {}),
  };
}

/** `_x000D_` and the like: how OOXML writes characters XML cannot hold. */
const decodeEscapes = (text: string) =>
  text.includes("_x")
    ? text.replace(/_x([0-9A-Fa-f]{4})_/g, (_, hex: string) =>
        String.fromCharCode(Number.parseInt(hex, 16)),
      )
    : text;

/** Shared strings in order; a rich text's runs joined, phonetic guides (`rPh`) left out. */
async function readSharedStrings(zip: ZipFile, entry: Entry): Promise<string[]> {
  const strings: string[] = [];
  let size = 0;
  let inItem = false;
  let inPhonetic = false;
  let collecting = false;
  let text = "";
  await parsePart(zip, entry, {
    open(name) {
      if (name === "si") {
        inItem = true;
        text = "";
      } else if (name === "rPh") inPhonetic = true;
      else if (name === "t" && inItem && !inPhonetic) collecting = true;
    },
    text(chunk) {
      if (collecting && text.length < MAX_CELL_CHARS) text += chunk;
    },
    close(name) {
      if (name === "t") collecting = false;
      else if (name === "rPh") inPhonetic = false;
      else if (name === "si") {
        inItem = false;
        const value = decodeEscapes(text.slice(0, MAX_CELL_CHARS));
        size += value.length + 16;
        if (size > MAX_SHARED_STRINGS_SIZE) throw new Error("its shared strings are too large");
        strings.push(value);
      }
    },
  });
  return strings;
}

/** Built-in number formats that are dates or times (ECMA-376 §18.8.30). */
const BUILT_IN_DATE_FORMATS = new Set([14, 15, 16, 17, 18, 19, 20, 21, 22, 45, 46, 47]);

/**
 * Whether a number format shows a date or a time: a d, m, y, h or s outside quoted text,
 * brackets (colours, locales, elapsed time), escaped characters and padding.
 */
export function isDateFormat(code: string): boolean {
  return /[dmyhs]/i.test(code.replace(/"[^"]*"|\[[^\]]*\]|\\.|[_*]./g, ""));
}

/** For each cell format (`s` of a cell), whether its number format is a date. */
async function readDateStyles(zip: ZipFile, entry: Entry): Promise<boolean[]> {
  const custom = new Map<number, string>();
  const formatIds: number[] = [];
  let inFormats = false;
  let inCellFormats = false;
  await parsePart(zip, entry, {
    open(name, attributes) {
      if (name === "numFmts") inFormats = true;
      else if (name === "cellXfs") inCellFormats = true;
      else if (name === "numFmt" && inFormats) {
        custom.set(Number(attributes.numFmtId), attributes.formatCode ?? "");
      } else if (name === "xf" && inCellFormats) formatIds.push(Number(attributes.numFmtId ?? 0));
    },
    close(name) {
      if (name === "numFmts") inFormats = false;
      else if (name === "cellXfs") inCellFormats = false;
    },
  });
  return formatIds.map((id) => {
    const code = custom.get(id);
    return code === undefined ? BUILT_IN_DATE_FORMATS.has(id) : isDateFormat(code);
  });
}

/** dd.mm.yyyy of an Excel serial date (days since 1899-12-30, or since 1904-01-01). */
export function excelDateText(serial: number, date1904: boolean): string | null {
  const date = new Date(Math.round((serial - 25569 + (date1904 ? 1462 : 0)) * 86_400_000));
  if (!Number.isFinite(serial) || Number.isNaN(date.getTime())) return null;
  return dateText(date);
}

function dateText(date: Date): string {
  const pad = (n: number) => String(n).padStart(2, "0");
  return `${pad(date.getUTCDate())}.${pad(date.getUTCMonth() + 1)}.${date.getUTCFullYear()}`;
}

/** The column number (1 = A) of a cell reference such as "C5"; 0 when it has no letters. */
export function columnOf(ref: string): number {
  let column = 0;
  for (let i = 0; i < ref.length; i++) {
    const code = ref.charCodeAt(i) | 0x20; // lower case
    if (code < 0x61 || code > 0x7a) break;
    column = column * 26 + (code - 0x60);
    if (column > MAX_COLUMNS) throw new Error(`cell ${ref.slice(0, 20)} is out of range`);
  }
  return column;
}

type SheetContext = { sharedStrings: string[]; dateStyles: boolean[]; date1904: boolean };

/** A number's text as JavaScript writes it (what exceljs gave): "79991234567", "0.5". */
function numberText(text: string): string {
  const trimmed = text.trim();
  if (trimmed === "") return "";
  const value = Number(trimmed);
  return Number.isNaN(value) ? trimmed : String(value);
}

async function* sheetRows(
  zip: ZipFile,
  entry: Entry,
  context: SheetContext,
): AsyncGenerator<string[]> {
  const ready: string[][] = [];
  let inSheetData = false;
  /** Rows yielded so far (empty ones for the numbers the file skips). */
  let yielded = 0;
  let lastRow = 0;
  let cells: string[] | null = null;
  let lastColumn = 0;

  // The cell being read.
  let inCell = false;
  let column = 0;
  let type = "n";
  let style = 0;
  let hasFormula = false;
  let value: string | null = null;
  let inline: string | null = null;
  let inInline = false;
  let inPhonetic = false;
  let collecting = false;
  let text = "";

  const cellValue = (): string | null => {
    if (inline !== null && (type === "inlineStr" || value === null)) return inline;
    if (value === null) return hasFormula ? "" : null;
    switch (type) {
      case "s":
        return context.sharedStrings[Number.parseInt(value, 10)] ?? "";
      case "str":
      case "inlineStr":
        return decodeEscapes(value);
      case "b":
        return value.trim() === "" ? "" : Number(value) !== 0 ? "true" : "false";
      case "e":
        return "";
      case "d": {
        const date = new Date(value.trim());
        return Number.isNaN(date.getTime()) ? value : dateText(date);
      }
      default:
        if (context.dateStyles[style] && value.trim() !== "") {
          return excelDateText(Number(value), context.date1904) ?? numberText(value);
        }
        return numberText(value);
    }
  };

  const parser = xmlParser({
    open(name, attributes) {
      if (name === "sheetData") inSheetData = true;
      else if (!inSheetData) return;
      else if (name === "row") {
        const r = attributes.r === undefined ? lastRow + 1 : Number.parseInt(attributes.r, 10);
        if (!(r >= 1 && r <= MAX_ROWS)) throw new Error(`row ${attributes.r} is out of range`);
        // Rows without cells are absent from the file: keep the numbering of the sheet.
        while (yielded + 1 < r) {
          ready.push([]);
          yielded++;
        }
        lastRow = r;
        cells = [];
        lastColumn = 0;
      } else if (name === "c" && cells) {
        inCell = true;
        column = (attributes.r && columnOf(attributes.r)) || lastColumn + 1;
        if (column > MAX_COLUMNS) throw new Error("a row has too many cells");
        type = attributes.t ?? "n";
        style = attributes.s === undefined ? 0 : Number.parseInt(attributes.s, 10);
        hasFormula = false;
        value = null;
        inline = null;
      } else if (!inCell) return;
      else if (name === "v") {
        collecting = true;
        text = "";
      } else if (name === "f") hasFormula = true;
      else if (name === "is") {
        inInline = true;
        text = "";
      } else if (name === "rPh") inPhonetic = true;
      else if (name === "t" && inInline && !inPhonetic) collecting = true;
    },
    text(chunk) {
      if (collecting && text.length < MAX_CELL_CHARS) text += chunk;
    },
    close(name) {
      if (!inSheetData) return;
      if (name === "v" && collecting) {
        collecting = false;
        value = text.slice(0, MAX_CELL_CHARS);
      } else if (name === "t") collecting = false;
      else if (name === "rPh") inPhonetic = false;
      else if (name === "is" && inInline) {
        inInline = false;
        inline = decodeEscapes(text.slice(0, MAX_CELL_CHARS));
      } else if (name === "c" && inCell) {
        inCell = false;
        lastColumn = column;
        const shown = cellValue();
        if (shown === null || !cells) return;
        while (cells.length < column - 1) cells.push("");
        cells[column - 1] = shown.trim();
      } else if (name === "row" && cells) {
        // Empty cells at the end are left out, as exceljs did (a gap within the row stays "").
        while (cells.length > 0 && cells[cells.length - 1] === "") cells.pop();
        ready.push(cells);
        yielded++;
        cells = null;
      } else if (name === "sheetData") inSheetData = false;
    },
  });

  const stream = await openPart(zip, entry);
  try {
    let first = true;
    for await (const chunk of stream) {
      feed(parser, chunk as string, first);
      first = false;
      if (ready.length > 0) yield* ready.splice(0);
    }
    parser.close();
    if (ready.length > 0) yield* ready.splice(0);
  } finally {
    stream.destroy();
  }
}
