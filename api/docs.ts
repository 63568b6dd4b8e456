import { readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import type { OpenAPIHono } from "@hono/zod-openapi";
import type { Env } from "hono";

const require = createRequire(import.meta.url);

export const OPENAPI_PATH = "/openapi.json";
export const DOCS_PATH = "/docs";

/** The two files the page needs, served from the installed swagger-ui-dist: no CDN, works offline. */
const assets = {
  "swagger-ui.css": "text/css; charset=utf-8",
  "swagger-ui-bundle.js": "text/javascript; charset=utf-8",
} as const;
type Asset = keyof typeof assets;

const loaded = new Map<Asset, Promise<string>>();

function asset(name: Asset): Promise<string> {
  let text = loaded.get(name);
  if (!text) {
    const dir = dirname(require.resolve("swagger-ui-dist/package.json"));
    text = readFile(join(dir, name), "utf8");
    // A failed read is retried on the next request rather than remembered.
    text.catch(() => loaded.delete(name));
    loaded.set(name, text);
  }
  return text;
}

const page = `<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>Loyalty bot — Admin API</title>
  <link rel="stylesheet" href="${DOCS_PATH}/swagger-ui.css">
</head>
<body>
  <div id="swagger-ui"></div>
  <script src="${DOCS_PATH}/swagger-ui-bundle.js"></script>
  <script>
    window.ui = SwaggerUIBundle({ url: "${OPENAPI_PATH}", dom_id: "#swagger-ui", persistAuthorization: true });
  </script>
</body>
</html>
`;

/**
 * Serves the OpenAPI 3.1 document built from the routes' zod schemas at /openapi.json and a
 * browsable reference (Swagger UI) at /docs, both without authentication: they describe the
 * API, they hold no data.
 */
export function documentApi<E extends Env>(app: OpenAPIHono<E>, version: string): void {
  app.openAPIRegistry.registerComponent("securitySchemes", "bearer", {
    type: "http",
    scheme: "bearer",
    description:
      "`Authorization: Bearer <token>`: the ADMIN_TOKEN (owner) or a token from POST /api/tokens.",
  });
  app.doc31(OPENAPI_PATH, {
    openapi: "3.1.0",
    info: {
      title: "Loyalty bot Admin API",
      version,
      description:
        'Errors are always `{"error": {"code", "message", "details"}}`; a 400 names each bad field in `details.issues`. Each operation states the roles allowed (`x-roles`). Requests are rate-limited per token (429 with `Retry-After`).',
    },
  });
  app.get(DOCS_PATH, (c) => c.html(page));
  app.get(`${DOCS_PATH}/:file`, async (c) => {
    const name = c.req.param("file");
    if (!Object.hasOwn(assets, name)) return c.notFound();
    const body = await asset(name as Asset);
    return c.body(body, 200, {
      "content-type": assets[name as Asset],
      "cache-control": "public, max-age=86400",
    });
  });
}
