import { badRequest } from "./api-error.ts";
import type { RawParams } from "./request-params.ts";
import type { UploadedFile } from "./types.ts";

/**
 * Typed, lenient access to Bot API parameters. Telegram reads every parameter as the type the
 * method expects and quietly ignores junk (a non-numeric `limit` means "default"), so do we.
 */
export class Params {
  constructor(readonly raw: RawParams) {}

  has(name: string): boolean {
    const value = this.raw[name];
    return value !== undefined && value !== null && value !== "";
  }

  string(name: string): string | undefined {
    const value = this.raw[name];
    if (typeof value === "string") return value;
    if (typeof value === "number" || typeof value === "boolean") return String(value);
    return undefined;
  }

  int(name: string): number | undefined {
    const value = this.raw[name];
    if (typeof value === "number" && Number.isInteger(value)) return value;
    if (typeof value === "string" && /^\s*-?\d+\s*$/.test(value)) return Number(value);
    return undefined;
  }

  bool(name: string): boolean {
    const value = this.raw[name];
    return value === true || value === "true" || value === "1" || value === 1;
  }

  /** An object/array parameter; `what` names it in Telegram's "can't parse" error. */
  json<T>(name: string, what = name): T | undefined {
    const value = this.raw[name];
    if (value === undefined || value === null || value === "") return undefined;
    if (typeof value !== "string") return value as T;
    try {
      return JSON.parse(value) as T;
    } catch {
      throw badRequest(`can't parse ${what} JSON object`);
    }
  }

  /** A file parameter: an uploaded file or a string (file_id or URL). */
  file(name: string): UploadedFile | string | undefined {
    const value = this.raw[name];
    if (typeof value === "string") return value === "" ? undefined : value;
    if (isUploadedFile(value)) return value;
    return undefined;
  }
}

export function isUploadedFile(value: unknown): value is UploadedFile {
  return (
    typeof value === "object" && value !== null && Buffer.isBuffer((value as UploadedFile).bytes)
  );
}
