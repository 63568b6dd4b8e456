import type { Readable } from "node:stream";
import { z } from "@hono/zod-openapi";
import type { Context } from "hono";
import { Permission } from "../../core/access/permissions.ts";
import { AppError } from "../../core/errors.ts";
import { ExportFormats, exportCustomers } from "../../core/exports/export-customers.ts";
import { type ColumnMapping, isImportField } from "../../core/imports/mapping.ts";
import { UnsupportedFileError } from "../../core/imports/read-rows.ts";
import {
  createImportRecord,
  failImport,
  getImport,
  prepareImport,
  runImport,
} from "../../core/imports/run-import.ts";
import { compileRule } from "../../core/segments/compile.ts";
import { segmentRule } from "../../core/segments/manage-segments.ts";
import { ImportStatus } from "../../prisma/generated/enums.ts";
import { apiActor } from "../auth.ts";
import type { ApiDeps, ApiEnv } from "../context.ts";
import type { ErrorBody } from "../errors.ts";
import { receiveUpload, UploadError } from "../multipart-upload.ts";
import { apiRoute, apiRouter, errorResponse, json } from "../openapi.ts";

/** The largest file taken: about 100,000 customers × 12 columns as CSV, with room to spare. */
export const IMPORT_MAX_BYTES = 20 * 1024 * 1024;
/** Files up to this size are imported before the answer; larger ones in the background (202). */
export const IMPORT_SYNC_MAX_BYTES = 1024 * 1024;

const Row = z.object({ row: z.number().int(), reason: z.string() });
const Note = z.object({ row: z.number().int(), note: z.string() });

const ImportSchema = z
  .object({
    id: z.uuid(),
    status: z.enum(ImportStatus),
    dryRun: z.boolean(),
    fileName: z.string(),
    mapping: z.record(z.string(), z.string().nullable()).openapi({
      description: "Each header of the file and the field it filled (null: left out)",
    }),
    rows: z.number().int().openapi({ description: "Data rows read so far (empty rows skipped)" }),
    processed: z.number().int(),
    created: z.number().int(),
    updated: z.number().int(),
    rejectedCount: z.number().int(),
    rejected: z.array(Row).openapi({ description: "The first 1,000 rejected rows, with reasons" }),
    notes: z.array(Note).openapi({
      description: "Rows taken differently than the file said (a card number replaced…)",
    }),
    error: z.string().nullable(),
    createdAt: z.iso.datetime(),
    finishedAt: z.iso.datetime().nullable(),
  })
  .openapi("CustomerImport");

const mappingDescription =
  'Optional JSON: `{"<header>": "<field>" | null}` overriding the guessed mapping. Fields: name, phone, email, birthday, city, gender, card, balance, tags, marketingConsent, or `attr:<question key>`; null leaves the column out.';

const create = apiRoute({
  method: "post",
  path: "/",
  permission: Permission.importCustomers,
  summary: "Import customers from a CSV or XLSX file",
  description: [
    "Multipart field `file`: a CSV (UTF-8 with or without BOM, or Windows-1251; `,` or `;`) or an XLSX (the first sheet; a formula counts as its calculated value). Columns are guessed from headers in Russian or English (ФИО/Name, Телефон/Phone, Email/Почта, Дата рождения/Birthday, Город/City, Пол/Gender, Номер карты/Card, Баланс/Balance, Теги/Tags, Согласие на рассылку/Marketing consent, and the bank's question keys).",
    "Phones are normalised and deduplicated within the file and against the base. A customer already in the base keeps everything they have (what they told the bot wins): the file fills only empty fields and adds tags, and never changes a marketing consent. New customers get a card (the file's number when it is ours and free) and their balance as an opening ledger entry.",
    `A file up to ${IMPORT_SYNC_MAX_BYTES / 1024 / 1024} MB is imported before the answer (200); a larger one in the background (202): follow it with GET /api/imports/{id}. At most ${IMPORT_MAX_BYTES / 1024 / 1024} MB.`,
  ].join("\n\n"),
  request: {
    query: z.object({
      dryRun: z
        .enum(["true", "false"])
        .optional()
        .openapi({ description: "Validate and count only; no customer is written" }),
    }),
    body: {
      required: true,
      content: {
        "multipart/form-data": {
          schema: {
            type: "object",
            required: ["file"],
            properties: {
              file: { type: "string", format: "binary" },
              mapping: { type: "string", description: mappingDescription },
            },
          },
        },
      },
    },
  },
  responses: {
    200: json(ImportSchema, "Imported"),
    202: json(ImportSchema, "Accepted; importing in the background"),
    413: errorResponse(`The file is larger than ${IMPORT_MAX_BYTES / 1024 / 1024} MB`),
    415: errorResponse("The file is not a CSV or an XLSX, or the body is not multipart"),
  },
});

const show = apiRoute({
  method: "get",
  path: "/{id}",
  permission: Permission.importCustomers,
  summary: "An import's status and progress",
  request: { params: z.object({ id: z.uuid() }) },
  responses: { 200: json(ImportSchema, "The import"), 404: errorResponse("No such import") },
});

function presentImport(view: Awaited<ReturnType<typeof getImport>>): z.infer<typeof ImportSchema> {
  return {
    ...view,
    createdAt: view.createdAt.toISOString(),
    finishedAt: view.finishedAt?.toISOString() ?? null,
  };
}

function parseMapping(text: string | undefined): ColumnMapping | undefined {
  if (text === undefined || text.trim() === "") return undefined;
  const invalid = (message: string) =>
    new AppError("invalid_input", `Invalid mapping: ${message}`, {
      issues: [{ field: "mapping", message }],
    });
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw invalid("not JSON");
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw invalid('expected an object {"<header>": "<field>" | null}');
  }
  const mapping: ColumnMapping = {};
  for (const [header, field] of Object.entries(value)) {
    if (field !== null && (typeof field !== "string" || !isImportField(field))) {
      throw invalid(`"${header}": unknown field ${JSON.stringify(field).slice(0, 60)}`);
    }
    mapping[header] = field;
  }
  return mapping;
}

function uploadError(c: Context<ApiEnv>, error: UploadError) {
  return c.json<ErrorBody>(
    { error: { code: error.code, message: error.message, details: error.details } },
    error.status,
  );
}

export function importRoutes(deps: ApiDeps) {
  const router = apiRouter();

  router.openapi(create, async (c) => {
    const actor = await apiActor(c, deps);
    const dryRun = c.req.valid("query").dryRun === "true";
    let upload: Awaited<ReturnType<typeof receiveUpload>>;
    try {
      upload = await receiveUpload(c.req.raw, { fileField: "file", maxBytes: IMPORT_MAX_BYTES });
    } catch (error) {
      if (error instanceof UploadError) return uploadError(c, error) as never;
      throw error;
    }
    let handedOver = false;
    try {
      const questions = await deps.questions.all();
      const mapping = parseMapping(upload.fields.mapping);
      let prepared: Awaited<ReturnType<typeof prepareImport>>;
      try {
        prepared = await prepareImport(upload.path, {
          questions,
          ...(mapping ? { mapping } : {}),
        });
      } catch (error) {
        if (error instanceof UnsupportedFileError) {
          return uploadError(
            c,
            new UploadError(415, "unsupported_media_type", error.message, { field: "file" }),
          ) as never;
        }
        throw error;
      }
      const record = await createImportRecord(deps.sql, {
        actor,
        fileName: upload.fileName,
        dryRun,
      });
      const run = runImport(deps.sql, prepared, {
        actor,
        importId: record.id,
        dryRun,
        phoneRegion: deps.config.onboarding.phoneDefaultRegion,
        questions,
      }).catch(async (error) => {
        await failImport(deps.sql, record.id, error).catch(() => {});
        throw error;
      });
      if (upload.bytes > IMPORT_SYNC_MAX_BYTES) {
        handedOver = true;
        // Followed through GET /api/imports/{id}; the file goes when the import ends.
        void run
          .catch((error) => deps.logger.error({ err: error, importId: record.id }, "import failed"))
          .finally(() => upload.discard());
        return c.json(presentImport(await getImport(deps.sql, actor, record.id)), 202);
      }
      await run;
      return c.json(presentImport(await getImport(deps.sql, actor, record.id)), 200);
    } finally {
      if (!handedOver) await upload.discard();
    }
  });

  router.openapi(show, async (c) => {
    const actor = await apiActor(c, deps);
    return c.json(presentImport(await getImport(deps.sql, actor, c.req.valid("param").id)), 200);
  });

  return router;
}

const exportRoute = apiRoute({
  method: "get",
  path: "/export",
  permission: Permission.exportCustomers,
  summary: "Export customers as CSV or XLSX",
  description:
    "Streams every customer who gave their data (or a saved segment's) as a file, written as it is read: 100,000 customers take as little memory as 1,000. CSV is UTF-8 with a BOM, `;`-separated (what Excel opens as columns); the headers are those the import recognises, so the file can be edited and imported back. Audited.",
  request: {
    query: z.object({
      format: z.enum(ExportFormats).default("csv"),
      segment: z.uuid().optional().openapi({ description: "A saved segment's id" }),
    }),
  },
  responses: {
    200: {
      description: "The file",
      content: {
        "text/csv": { schema: { type: "string" } },
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": {
          schema: { type: "string", format: "binary" },
        },
      },
    },
  },
});

/**
 * A Node stream as a web stream that reads the next chunk only when the response asks for it:
 * backpressure reaches the database pages. (Node 20's Readable.toWeb stalled here on large
 * exports.) An error ends the response; a client gone destroys the source.
 */
function pulledStream(stream: Readable): ReadableStream<Uint8Array> {
  const chunks = stream[Symbol.asyncIterator]();
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      const next = await chunks.next();
      if (next.done) controller.close();
      else
        controller.enqueue(typeof next.value === "string" ? Buffer.from(next.value) : next.value);
    },
    cancel() {
      stream.destroy();
    },
  });
}

/** GET /api/customers/export; mounted before the routes with /customers/{id}. */
export function customerExportRoutes(deps: ApiDeps) {
  const router = apiRouter();
  router.openapi(exportRoute, async (c) => {
    const actor = await apiActor(c, deps);
    const query = c.req.valid("query");
    const segment = query.segment
      ? {
          id: query.segment,
          where: compileRule(await segmentRule(deps.db, query.segment), {
            now: new Date(),
            timeZone: deps.config.timeZone,
          }),
        }
      : undefined;
    const file = await exportCustomers(deps.sql, {
      actor,
      format: query.format,
      questions: await deps.questions.active(),
      ...(segment ? { segment } : {}),
    });
    const body = pulledStream(file.stream);
    return new Response(body, {
      status: 200,
      headers: {
        "content-type": file.contentType,
        "content-disposition": `attachment; filename="${file.fileName}"`,
        "cache-control": "no-store",
      },
    }) as never;
  });
  return router;
}
