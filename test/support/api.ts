import { type CreateApiOptions, createApi } from "../../api/index.ts";
import { parseConfig } from "../../config.ts";
import type { Database } from "../../core/db/database.ts";
import { silentLogger } from "../../core/logger.ts";
import { startBulkPointsWorker } from "../../core/loyalty/bulk-points-processing.ts";
import { LoyaltySettingsStore } from "../../core/loyalty/settings-store.ts";
import { QuestionBank } from "../../core/questions/bank-store.ts";

export const ADMIN_TOKEN = "admin-token-for-tests-0123456789";

/** The admin API on a test database, as app.ts wires it; `overrides` replace any dependency. */
export function testApi(db: Database, overrides: Partial<CreateApiOptions> = {}) {
  return createApi({
    db: db.prisma,
    sql: db.sql,
    botUsername: "aurora_test_bot",
    loyalty: new LoyaltySettingsStore(db.sql, { welcomeBonus: 100, referralBonus: 50 }),
    questions: new QuestionBank(db.sql),
    bulkPoints: startBulkPointsWorker({ sql: db.sql, logger: silentLogger() }),
    config: parseConfig({ ADMIN_TOKEN }),
    logger: silentLogger(),
    ping: () => db.ping(),
    updates: () => "webhook",
    ...overrides,
  });
}

export const auth = (token = ADMIN_TOKEN) => ({ headers: { authorization: `Bearer ${token}` } });

/** A JSON request with the bearer token. */
export function jsonRequest(method: string, body: unknown, token = ADMIN_TOKEN): RequestInit {
  return {
    method,
    headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
    body: JSON.stringify(body),
  };
}

/**
 * A parsed JSON answer. Loosely typed on purpose: the assertions are what check its shape.
 */
// biome-ignore lint/suspicious/noExplicitAny: see above
export type JsonAnswer = { status: number; body: any };

/** Calls an in-process API (`testApi`) with JSON and the bearer token, answering its parsed JSON. */
export function jsonCaller(api: {
  request(path: string, init: RequestInit): Response | Promise<Response>;
}) {
  return async (
    method: string,
    path: string,
    body?: unknown,
    token?: string,
  ): Promise<JsonAnswer> => {
    const response = await api.request(path, jsonRequest(method, body, token));
    return { status: response.status, body: await response.json() };
  };
}

/** The fields a 400 names, sorted. */
export const issueFields = (answer: JsonAnswer): string[] =>
  (answer.body.error.details.issues as Array<{ field: string }>).map((issue) => issue.field).sort();

/** Calls the running app's HTTP API with a bearer token, the way an integrator would. */
export function apiCaller(baseUrl: () => string, defaultToken = ADMIN_TOKEN) {
  return async (
    method: string,
    path: string,
    body?: unknown,
    token = defaultToken,
  ): Promise<JsonAnswer> => {
    const response = await fetch(`${baseUrl()}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${token}`,
        ...(body === undefined ? {} : { "content-type": "application/json" }),
      },
      ...(body === undefined
        ? {}
        : { body: typeof body === "string" ? body : JSON.stringify(body) }),
    });
    return { status: response.status, body: await response.json() };
  };
}
