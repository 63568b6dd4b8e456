import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseConfig } from "../../config.ts";
import { generateToken, hashToken } from "../../core/access/authenticate.ts";
import { StaffRoles } from "../../core/access/roles.ts";
import { ADMIN_TOKEN, apiCaller, issueFields, type JsonAnswer, testApi } from "../support/api.ts";
import { type BotHarness, startBotHarness } from "../support/bot-harness.ts";
import { openTestDatabase, testDbKind } from "../support/database.ts";

// biome-ignore lint/suspicious/noExplicitAny: the document is checked structurally below
type Json = any;

type Operation = {
  method: string;
  path: string;
  op: Json;
};

let h: BotHarness;
let doc: Json;
let operations: Operation[];
const tokens: Partial<Record<(typeof StaffRoles)[number], string>> = {};

const call = apiCaller(() => h.app.httpUrl);

beforeAll(async () => {
  // The walk below makes hundreds of requests with one token: the limit has its own test.
  h = await startBotHarness({ env: { ADMIN_TOKEN, API_RATE_LIMIT: "100000" } });
  const response = await fetch(`${h.app.httpUrl}/openapi.json`);
  expect(response.status).toBe(200);
  doc = await response.json();
  operations = Object.entries<Json>(doc.paths).flatMap(([path, item]) =>
    Object.entries<Json>(item)
      .filter(([method]) => ["get", "post", "put", "patch", "delete"].includes(method))
      .map(([method, op]) => ({ method: method.toUpperCase(), path, op })),
  );
  for (const role of StaffRoles) {
    if (role === "OWNER") continue;
    const issued = await call("POST", "/api/tokens", { name: `walk ${role}`, role });
    expect(issued.status).toBe(201);
    tokens[role] = issued.body.token;
  }
});
afterAll(async () => {
  await h?.close();
});

/** A value each path parameter accepts by its shape, so a request gets past the parameters. */
function concretePath(operation: Operation): string {
  const parameters: Json[] = operation.op.parameters ?? [];
  return operation.path.replace(/\{(\w+)\}/g, (_, name: string) => {
    const schema = parameters.find((p) => p.in === "path" && p.name === name)?.schema ?? {};
    return schema.format === "uuid" ? randomUUID() : "sample";
  });
}

const label = (operation: Operation) => `${operation.method} ${operation.path}`;

async function raw(
  method: string,
  path: string,
  init: { token?: string; body?: string } = {},
): Promise<JsonAnswer> {
  const response = await fetch(`${h.app.httpUrl}${path}`, {
    method,
    headers: {
      ...(init.token ? { authorization: `Bearer ${init.token}` } : {}),
      ...(init.body === undefined ? {} : { "content-type": "application/json" }),
    },
    ...(init.body === undefined ? {} : { body: init.body }),
  });
  // Exports answer CSV or XLSX; only JSON is parsed.
  const isJson = response.headers.get("content-type")?.includes("application/json");
  return { status: response.status, body: isJson ? await response.json() : await response.text() };
}

/** Every `$ref` in the document, with where it was found. */
function refs(node: Json, at = "#", found: Array<[string, string]> = []): Array<[string, string]> {
  if (Array.isArray(node)) {
    node.forEach((item, i) => {
      refs(item, `${at}/${i}`, found);
    });
  } else if (node && typeof node === "object") {
    for (const [key, value] of Object.entries<Json>(node)) {
      if (key === "$ref" && typeof value === "string") found.push([value, at]);
      else refs(value, `${at}/${key}`, found);
    }
  }
  return found;
}

function resolve(ref: string): unknown {
  if (!ref.startsWith("#/")) return undefined;
  return ref
    .slice(2)
    .split("/")
    .map((part) => part.replaceAll("~1", "/").replaceAll("~0", "~"))
    .reduce<Json>((node, part) => node?.[part], doc);
}

/** The names of a body schema's top-level string properties. */
function stringProperties(schema: Json): string[] {
  const resolved = schema?.$ref ? resolve(schema.$ref) : schema;
  const parts: Json[] = [resolved, ...((resolved as Json)?.allOf ?? [])];
  return parts.flatMap((part) =>
    Object.entries<Json>(part?.properties ?? {})
      .filter(([, property]) => {
        const type = (property.$ref ? resolve(property.$ref) : property) as Json;
        return (
          type?.type === "string" || (Array.isArray(type?.type) && type.type.includes("string"))
        );
      })
      .map(([name]) => name),
  );
}

const expectErrorFormat = (answer: JsonAnswer, where: string) => {
  expect(typeof answer.body?.error?.code, where).toBe("string");
  expect(typeof answer.body?.error?.message, where).toBe("string");
};

describe(`the OpenAPI document on ${testDbKind}`, () => {
  it("is OpenAPI 3.1 with a bearer scheme, and structurally valid", () => {
    expect(doc.openapi).toMatch(/^3\.1\.\d+$/);
    expect(doc.info.title).toBeTruthy();
    expect(doc.components.securitySchemes.bearer).toMatchObject({ type: "http", scheme: "bearer" });
    expect(operations.length).toBeGreaterThan(30);

    const problems: string[] = [];
    for (const [ref, at] of refs(doc)) {
      if (resolve(ref) === undefined) problems.push(`${at}: $ref ${ref} does not resolve`);
    }
    const operationIds = new Set<string>();
    for (const operation of operations) {
      const where = label(operation);
      const { op } = operation;
      if (!op.responses || Object.keys(op.responses).length === 0) {
        problems.push(`${where}: no responses`);
      }
      for (const [status, response] of Object.entries<Json>(op.responses ?? {})) {
        if (!/^[1-5]\d\d$|^default$/.test(status)) problems.push(`${where}: status ${status}`);
        if (!response.description && !response.$ref) {
          problems.push(`${where} ${status}: no description`);
        }
      }
      const declared = new Set(
        (op.parameters ?? []).filter((p: Json) => p.in === "path").map((p: Json) => p.name),
      );
      for (const [, name] of operation.path.matchAll(/\{(\w+)\}/g)) {
        if (!declared.has(name)) problems.push(`${where}: path parameter ${name} undeclared`);
      }
      if (op.operationId) {
        if (operationIds.has(op.operationId)) problems.push(`${where}: duplicate operationId`);
        operationIds.add(op.operationId);
      }
      if (operation.path.startsWith("/api/")) {
        if (!op.security?.some((s: Json) => "bearer" in s)) problems.push(`${where}: no bearer`);
        if (!Array.isArray(op["x-roles"]) || op["x-roles"].length === 0) {
          problems.push(`${where}: no x-roles`);
        }
        if (!op.responses?.["401"]) problems.push(`${where}: 401 undocumented`);
      }
    }
    expect(problems).toEqual([]);
  });

  it("names the core's schemas and takes enums from the database schema", () => {
    const schemas = doc.components.schemas;
    for (const name of ["LoyaltySettings", "QuestionDefinition", "Customer", "Error", "ApiToken"]) {
      expect(schemas[name], name).toBeDefined();
    }
    expect(schemas.StaffRole.enum.sort()).toEqual([...StaffRoles].sort());
    expect(schemas.CustomerStatus.enum).toContain("ONBOARDING");
  });

  it("serves a browsable reference that needs no internet", async () => {
    const page = await fetch(`${h.app.httpUrl}/docs`);
    expect(page.status).toBe(200);
    expect(page.headers.get("content-type")).toContain("text/html");
    const html = await page.text();
    expect(html).toContain("/openapi.json");
    // Everything it loads comes from this server.
    expect(html).not.toMatch(/(src|href)="https?:/);
    for (const [asset, type] of [
      ["swagger-ui-bundle.js", "javascript"],
      ["swagger-ui.css", "css"],
    ]) {
      const response = await fetch(`${h.app.httpUrl}/docs/${asset}`);
      expect(response.status, asset).toBe(200);
      expect(response.headers.get("content-type")).toContain(type);
      expect((await response.text()).length).toBeGreaterThan(10_000);
    }
    expect((await fetch(`${h.app.httpUrl}/docs/..%2Fpackage.json`)).status).toBe(404);
  });
});

describe(`every operation of the document on ${testDbKind}`, () => {
  it("answers 401 in the error format without a token", async () => {
    for (const operation of operations.filter((o) => o.op.security?.length)) {
      const answer = await raw(operation.method, concretePath(operation));
      expect(answer.status, label(operation)).toBe(401);
      expectErrorFormat(answer, label(operation));
      expect(answer.body.error.code).toBe("unauthorized");
    }
  });

  it("answers 400 naming the problem to a malformed JSON body, never 500", async () => {
    const withBody = operations.filter((o) => o.op.requestBody);
    expect(withBody.length).toBeGreaterThan(10);
    for (const operation of withBody) {
      const where = label(operation);
      const answer = await raw(operation.method, concretePath(operation), {
        token: ADMIN_TOKEN,
        body: '{"name": "oops',
      });
      expectErrorFormat(answer, where);
      if (operation.op.requestBody.content["application/json"]) {
        expect(answer.status, where).toBe(400);
        expect(answer.body.error.message, where).toMatch(/json/i);
      } else {
        // An upload: JSON is not what it takes.
        expect(answer.status, where).toBeGreaterThanOrEqual(400);
        expect(answer.status, where).toBeLessThan(500);
      }
    }
  });

  it("names an unknown field in any JSON body", async () => {
    const lax: string[] = [];
    for (const operation of operations.filter(
      (o) => o.op.requestBody?.content["application/json"],
    )) {
      const answer = await raw(operation.method, concretePath(operation), {
        token: ADMIN_TOKEN,
        body: JSON.stringify({ surelyNotAField: 1 }),
      });
      const fields = (answer.body?.error?.details?.issues ?? []).map(
        (i: { field: string }) => i.field,
      );
      if (answer.status !== 400 || !fields.includes("surelyNotAField")) lax.push(label(operation));
    }
    expect(lax).toEqual([]);
  });

  it("answers 100 KB and SQL-looking strings in any text field with a 4xx or takes them, never 500", async () => {
    const huge = "x".repeat(100_000);
    const sqlish = `'; DROP TABLE "Customer"; --`;
    let fieldsTried = 0;
    const unbounded: string[] = [];
    for (const operation of operations.filter(
      (o) => o.op.requestBody?.content["application/json"],
    )) {
      const textFields = stringProperties(
        operation.op.requestBody.content["application/json"].schema,
      );
      for (const value of [huge, sqlish]) {
        for (const field of textFields) {
          fieldsTried++;
          const answer = await raw(operation.method, concretePath(operation), {
            token: ADMIN_TOKEN,
            body: JSON.stringify({ [field]: value }),
          });
          expect(answer.status, `${label(operation)} ${field}`).toBeLessThan(500);
          // Refused for its length, not only for the fields left out: the 400 names it.
          if (value === huge && (answer.status !== 400 || !issueFields(answer).includes(field))) {
            unbounded.push(`${label(operation)} ${field}`);
          }
        }
      }
    }
    expect(unbounded).toEqual([]);
    expect(fieldsTried).toBeGreaterThan(20);
  });

  it("never answers 500 to a request with no body or junk parameters", async () => {
    for (const operation of operations) {
      const where = label(operation);
      const answer = await raw(operation.method, concretePath(operation), {
        token: ADMIN_TOKEN,
        ...(operation.op.requestBody ? { body: "{}" } : {}),
      });
      expect(answer.status, where).toBeLessThan(500);
    }
  });

  it("refuses each role what the document says it may not do, with 403", async () => {
    for (const role of ["VIEWER", "CASHIER", "MANAGER"] as const) {
      for (const operation of operations.filter((o) => o.op["x-roles"])) {
        if (operation.op["x-roles"].includes(role)) continue;
        const answer = await raw(operation.method, concretePath(operation), {
          token: tokens[role],
          ...(operation.op.requestBody ? { body: "{}" } : {}),
        });
        expect(answer.status, `${role} ${label(operation)}`).toBe(403);
        expect(answer.body.error.code).toBe("forbidden");
      }
    }
  });

  it("lets VIEWER read, and never write or export", async () => {
    const readOnly = /\/(preview|search)$/;
    for (const operation of operations.filter((o) => o.op["x-roles"]?.includes("VIEWER"))) {
      const where = label(operation);
      if (operation.method !== "GET") expect(operation.path, where).toMatch(readOnly);
      expect(operation.path, where).not.toMatch(/export/);
    }
    const viewer = tokens.VIEWER;
    for (const path of [
      "/api/customers",
      "/api/segments",
      "/api/feedback",
      "/api/analytics/profile-completeness",
    ]) {
      expect((await call("GET", path, undefined, viewer)).status, path).toBe(200);
    }
    const results = await call("GET", "/api/surveys/no-such-survey/results", undefined, viewer);
    expect(results.status).toBe(404);
  });

  it("rejects page sizes of 0 and 1,000,000 on every list, naming `limit`", async () => {
    const lists = operations.filter((o) =>
      (o.op.parameters ?? []).some((p: Json) => p.in === "query" && p.name === "limit"),
    );
    expect(lists.map(label)).toContain("GET /api/customers");
    for (const operation of lists) {
      for (const limit of [0, 1_000_000]) {
        const answer = await raw(operation.method, `${concretePath(operation)}?limit=${limit}`, {
          token: ADMIN_TOKEN,
        });
        expect(answer.status, `${label(operation)} limit=${limit}`).toBe(400);
        const fields = answer.body.error.details.issues.map((i: { field: string }) => i.field);
        expect(fields, label(operation)).toContain("limit");
      }
    }
  });
});

describe(`bad tokens and bad bodies on ${testDbKind}`, () => {
  it("refuses revoked and expired tokens and the wrong role", async () => {
    const issued = await call("POST", "/api/tokens", { name: "short-lived", role: "MANAGER" });
    const token = issued.body.token as string;
    expect((await call("GET", "/api/customers", undefined, token)).status).toBe(200);
    const settings = await call("PUT", "/api/settings/loyalty", { welcomeBonus: 1 }, token);
    expect(settings.status).toBe(403);
    expect(settings.body.error.message).toContain("manageSettings");

    await h.db.prisma.apiToken.update({
      where: { id: issued.body.apiToken.id },
      data: { expiresAt: new Date(Date.now() - 1000) },
    });
    const expired = await call("GET", "/api/me", undefined, token);
    expect(expired.status).toBe(401);
    expect(expired.body.error.code).toBe("unauthorized");

    const other = await call("POST", "/api/tokens", { name: "to revoke", role: "VIEWER" });
    expect((await call("DELETE", `/api/tokens/${other.body.apiToken.id}`)).status).toBe(200);
    expect((await call("GET", "/api/me", undefined, other.body.token)).status).toBe(401);
  });

  it("names unknown fields and wrong types", async () => {
    const unknown = await call("POST", "/api/tokens", {
      name: "x",
      role: "CASHIER",
      admin: true,
      scopes: ["all"],
    });
    expect(unknown.status).toBe(400);
    expect(unknown.body.error.details.issues).toEqual([
      { field: "admin", message: 'unknown field "admin"' },
      { field: "scopes", message: 'unknown field "scopes"' },
    ]);
    const wrongTypes = await call("POST", "/api/tokens", {
      name: 42,
      role: "CASHIER",
      expiresInDays: "30",
    });
    expect(wrongTypes.status).toBe(400);
    expect(wrongTypes.body.error.details.issues.map((i: { field: string }) => i.field)).toEqual([
      "name",
      "expiresInDays",
    ]);
  });

  it("refuses 100 KB strings and stores SQL-looking ones verbatim", async () => {
    const huge = "я".repeat(100_000);
    for (const [path, body, field] of [
      ["/api/tokens", { name: huge, role: "CASHIER" }, "name"],
      ["/api/staff/invites", { name: huge, role: "CASHIER" }, "name"],
    ] as const) {
      const answer = await call("POST", path, body);
      expect(answer.status, path).toBe(400);
      expect(answer.body.error.details.issues.map((i: { field: string }) => i.field)).toEqual([
        field,
      ]);
    }
    const sqlish = `Robert'); DROP TABLE "ApiToken"; --`;
    const created = await call("POST", "/api/tokens", { name: sqlish, role: "VIEWER" });
    expect(created.status).toBe(201);
    expect(created.body.apiToken.name).toBe(sqlish);
    const listed = await call("GET", "/api/tokens");
    expect(listed.body.tokens.map((t: { name: string }) => t.name)).toContain(sqlish);
  });

  it("audits issuing and revoking tokens", async () => {
    const issued = await call("POST", "/api/tokens", { name: "audited", role: "VIEWER" });
    await call("DELETE", `/api/tokens/${issued.body.apiToken.id}`);
    // Revoking again changes nothing and is not logged again.
    await call("DELETE", `/api/tokens/${issued.body.apiToken.id}`);
    const audit = await call("GET", "/api/audit?limit=500");
    const entries = audit.body.entries.filter(
      (e: { data: { tokenId?: string } }) => e.data.tokenId === issued.body.apiToken.id,
    );
    expect(entries.map((e: { action: string }) => e.action)).toEqual([
      "token.revoked",
      "token.issued",
    ]);
    expect(entries[1]).toMatchObject({
      actor: "admin-token",
      data: { name: "audited", role: "VIEWER" },
    });
  });
});

describe(`rate limits on ${testDbKind}`, () => {
  it("answers 429 with Retry-After once a token spent its minute, each token on its own", async () => {
    const db = await openTestDatabase();
    try {
      const api = testApi(db, { config: parseConfig({ ADMIN_TOKEN, API_RATE_LIMIT: "3" }) });
      const me = (token = ADMIN_TOKEN) =>
        api.request("/api/me", { headers: { authorization: `Bearer ${token}` } });
      for (let i = 0; i < 3; i++) expect((await me()).status).toBe(200);
      const limited = await me();
      expect(limited.status).toBe(429);
      // 3 a minute: one more each 20 s.
      expect(Number(limited.headers.get("retry-after"))).toBeGreaterThan(0);
      expect(Number(limited.headers.get("retry-after"))).toBeLessThanOrEqual(20);
      expect(await limited.json()).toMatchObject({ error: { code: "rate_limited" } });
      const other = generateToken();
      await db.prisma.apiToken.create({
        data: { name: "other", tokenHash: hashToken(other), role: "VIEWER" },
      });
      expect((await me(other)).status).toBe(200);
      // Unauthenticated requests are refused before they touch any bucket.
      expect((await me("not-a-token")).status).toBe(401);
      // Health and the document are not limited.
      expect((await api.request("/openapi.json")).status).toBe(200);
    } finally {
      await db.close();
    }
  });
});
