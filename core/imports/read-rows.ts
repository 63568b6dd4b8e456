import { createReadStream } from "node:fs";
import { parse as parseCsv } from "csv-parse";
import iconv from "iconv-lite";
import { AppError } from "../errors.ts";
import { xlsxRows } from "./xlsx-rows.ts";

export { xlsxRows };

/** A file that is not a CSV or an XLSX (the API answers 415). */
export class UnsupportedFileError extends Error {
  override name = "UnsupportedFileError";
}

/** What a file turned out to be; anything else is refused before a row is read. */
export type FileKind = "csv" | "xlsx";

export type SniffResult = { ok: true; kind: FileKind } | { ok: false; reason: string };

const ZIP_MAGIC = [0x50, 0x4b, 0x03, 0x04];
const OLE_MAGIC = [0xd0, 0xcf, 0x11, 0xe0];
const startsWith = (head: Uint8Array, magic: number[]) =>
  magic.every((byte, i) => head[i] === byte);

/**
 * Tells a CSV from an XLSX by the first bytes, not by the name a browser sent: an XLSX is a zip,
 * a CSV is text (no NUL bytes, which every binary format has early on).
 */
export function sniffFile(head: Uint8Array): SniffResult {
  if (head.length === 0) return { ok: false, reason: "The file is empty" };
  if (startsWith(head, ZIP_MAGIC)) return { ok: true, kind: "xlsx" };
  if (startsWith(head, OLE_MAGIC)) {
    return {
      ok: false,
      reason: "An Excel 97-2003 (.xls) file is not supported: save it as .xlsx or .csv",
    };
  }
  if (head.subarray(0, 4096).includes(0)) {
    return { ok: false, reason: "The file is neither CSV nor XLSX" };
  }
  return { ok: true, kind: "csv" };
}

/** The first bytes of a file on disk, for `sniffFile`. */
export async function readHead(path: string, size = 64 * 1024): Promise<Uint8Array> {
  const chunks: Buffer[] = [];
  let length = 0;
  for await (const chunk of createReadStream(path, { start: 0, end: size - 1 })) {
    chunks.push(chunk as Buffer);
    length += (chunk as Buffer).length;
  }
  return new Uint8Array(Buffer.concat(chunks, length));
}

/**
 * UTF-8 (with or without a BOM) unless the first 64 KB are not valid UTF-8: then the file is
 * Windows-1251, which is what Russian Excel writes with "CSV (разделители — запятые)". The
 * last three bytes are left out of the check, since a UTF-8 character may be cut there.
 */
export function detectEncoding(head: Uint8Array): "utf8" | "win1251" {
  const body = head.length >= 64 * 1024 ? head.subarray(0, head.length - 3) : head;
  try {
    new TextDecoder("utf-8", { fatal: true }).decode(body);
    return "utf8";
  } catch {
    return "win1251";
  }
}

/** `;` (Excel in Russian and most European locales) or `,`: whichever the header line has more of. */
export function detectDelimiter(firstLine: string): "," | ";" {
  const count = (char: string) => firstLine.split(char).length - 1;
  return count(";") > count(",") ? ";" : ",";
}

/** The rows of a CSV file as arrays of cell texts, decoded and split as they stream in. */
export async function* csvRows(path: string, head: Uint8Array): AsyncGenerator<string[]> {
  const encoding = detectEncoding(head);
  const headText =
    encoding === "utf8"
      ? new TextDecoder().decode(head)
      : iconv.decode(Buffer.from(head), "win1251");
  const delimiter = detectDelimiter(headText.replace(/^\uFEFF/, "").split(/\r?\n/, 1)[0] ?? "");
  const decoded = createReadStream(path).pipe(iconv.decodeStream(encoding, { stripBOM: true }));
  const parser = decoded.pipe(
    parseCsv({
      delimiter,
      relax_column_count: true,
      relax_quotes: true,
      skip_empty_lines: false,
      bom: true,
    }),
  );
  try {
    for await (const record of parser) yield record as string[];
  } catch (error) {
    throw new AppError("invalid_input", `The CSV cannot be read: ${(error as Error).message}`, {
      field: "file",
    });
  }
}

/** The rows of a CSV or XLSX file on disk; refuses anything else. */
export async function openRows(
  path: string,
): Promise<{ kind: FileKind; rows: AsyncGenerator<string[]> }> {
  const head = await readHead(path);
  const sniffed = sniffFile(head);
  if (!sniffed.ok) throw new UnsupportedFileError(sniffed.reason);
  return {
    kind: sniffed.kind,
    rows: sniffed.kind === "csv" ? csvRows(path, head) : xlsxRows(path),
  };
}
