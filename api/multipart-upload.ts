import { once } from "node:events";
import { createWriteStream } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import busboy from "busboy";

/** An upload refused before or while it streamed in; `status` is the HTTP answer. */
export class UploadError extends Error {
  constructor(
    readonly status: 400 | 413 | 415,
    readonly code: string,
    message: string,
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
    this.name = "UploadError";
  }
}

export type ReceivedUpload = {
  /** The file on disk; call `discard` when done with it. */
  path: string;
  fileName: string;
  bytes: number;
  /** The other text fields of the form. */
  fields: Record<string, string>;
  discard(): Promise<void>;
};

const MB = 1024 * 1024;
/** Room for the multipart boundaries and the small text fields around the file. */
const FORM_OVERHEAD = 256 * 1024;

/**
 * Streams a multipart/form-data upload's `fileField` to a temporary file, never holding it in
 * memory, and stops at `maxBytes`: a Content-Length that is already too large is refused before
 * a byte is read, and the bytes are counted as they arrive for a body sent without one.
 */
export async function receiveUpload(
  request: Request,
  options: { fileField: string; maxBytes: number },
): Promise<ReceivedUpload> {
  const contentType = request.headers.get("content-type") ?? "";
  if (!/^multipart\/form-data/i.test(contentType)) {
    throw new UploadError(
      415,
      "unsupported_media_type",
      `Send the file as multipart/form-data in the field "${options.fileField}"`,
      { field: options.fileField },
    );
  }
  const tooLarge = () =>
    new UploadError(
      413,
      "payload_too_large",
      `The file is larger than ${options.maxBytes / MB} MB; split it into smaller files`,
      { field: options.fileField, maxBytes: options.maxBytes },
    );
  const declared = Number(request.headers.get("content-length") ?? Number.NaN);
  if (Number.isFinite(declared) && declared > options.maxBytes + FORM_OVERHEAD) throw tooLarge();
  if (!request.body) {
    throw new UploadError(400, "bad_request", `The field "${options.fileField}" is missing`, {
      field: options.fileField,
    });
  }

  const dir = await mkdtemp(join(tmpdir(), "loyalty-upload-"));
  const discard = () => rm(dir, { recursive: true, force: true });
  const path = join(dir, "upload");
  const fields: Record<string, string> = {};
  let fileName: string | null = null;
  let bytes = 0;
  let overLimit = false;
  let writing: Promise<void> | null = null;
  try {
    const parser = busboy({
      headers: { "content-type": contentType },
      limits: { files: 1, fileSize: options.maxBytes, fields: 10, fieldSize: 64 * 1024 },
    });
    parser.on("file", (name, stream, info) => {
      if (name !== options.fileField || writing) {
        stream.resume();
        return;
      }
      fileName = info.filename || "upload";
      stream.on("data", (chunk: Buffer) => {
        bytes += chunk.length;
      });
      stream.on("limit", () => {
        overLimit = true;
      });
      writing = pipeline(stream, createWriteStream(path));
    });
    parser.on("field", (name, value) => {
      fields[name] = value;
    });
    const done = once(parser, "close");
    Readable.fromWeb(request.body as import("node:stream/web").ReadableStream).pipe(parser);
    try {
      await done;
      await writing;
    } catch (error) {
      throw new UploadError(
        400,
        "bad_request",
        `The multipart body is malformed: ${(error as Error).message}`,
      );
    }
    if (overLimit) throw tooLarge();
    if (fileName === null) {
      throw new UploadError(400, "bad_request", `The field "${options.fileField}" is missing`, {
        field: options.fileField,
      });
    }
    return { path, fileName, bytes, fields, discard };
  } catch (error) {
    await discard();
    throw error;
  }
}
