import { OpenAPIHono } from "@hono/zod-openapi";
import packageJson from "../package.json" with { type: "json" };
import { requireAuth } from "./auth.ts";
import type { ApiDeps, ApiEnv } from "./context.ts";
import { documentApi } from "./docs.ts";
import { createErrorHandler, type ErrorBody, notFound } from "./errors.ts";
import { rateLimit } from "./rate-limit.ts";
import { analyticsRoutes } from "./routes/analytics.ts";
import { auditRoutes } from "./routes/audit.ts";
import { automationRoutes } from "./routes/automations.ts";
import { campaignRoutes } from "./routes/campaigns.ts";
import { clickRedirectRoutes } from "./routes/click-redirect.ts";
import { customerEditRoutes } from "./routes/customer-edit.ts";
import { customerMergeRoutes } from "./routes/customer-merge.ts";
import { customerPointsRoutes } from "./routes/customer-points.ts";
import { customerSearchRoutes } from "./routes/customer-search.ts";
import { customerRoutes } from "./routes/customers.ts";
import { feedbackRoutes } from "./routes/feedback.ts";
import { healthRoutes } from "./routes/health.ts";
import { customerExportRoutes, importRoutes } from "./routes/imports.ts";
import { meRoutes } from "./routes/me.ts";
import { pointsRoutes } from "./routes/points.ts";
import { purchaseRoutes } from "./routes/purchases.ts";
import { questionRoutes } from "./routes/questions.ts";
import { rewardRoutes } from "./routes/rewards.ts";
import { segmentRoutes } from "./routes/segments.ts";
import { settingsRoutes } from "./routes/settings.ts";
import { staffRoutes } from "./routes/staff.ts";
import { surveyRoutes } from "./routes/surveys.ts";
import { tokenRoutes } from "./routes/tokens.ts";
import { webhookRoutes } from "./routes/webhooks.ts";

export type { ApiDeps, UpdatesStatus } from "./context.ts";

export type CreateApiOptions = ApiDeps & {
  /** Telegram webhook handler, mounted at /telegram/webhook in webhook mode. */
  webhook?: (request: Request) => Promise<Response>;
};

/** The HTTP surface: health, the Telegram webhook and the authenticated admin API. */
export function createApi(options: CreateApiOptions) {
  const { webhook, ...deps } = options;
  const app = new OpenAPIHono<ApiEnv>();
  app.onError(createErrorHandler(deps.logger));
  app.notFound(notFound);

  app.route("/healthz", healthRoutes(deps));
  // Campaign URL buttons (PUBLIC_URL): opened by customers' browsers, so no token.
  app.route("/r", clickRedirectRoutes(deps));
  if (webhook) {
    app.post("/telegram/webhook", async (c) => {
      try {
        return await webhook(c.req.raw);
      } catch (error) {
        // A body that is not JSON is the sender's mistake, not ours.
        if (!(error instanceof SyntaxError)) throw error;
        return c.json<ErrorBody>(
          { error: { code: "bad_request", message: "The body is not a JSON update" } },
          400,
        );
      }
    });
  }

  // Routers are OpenAPIHono all the way down, so the document collects every route.
  const api = new OpenAPIHono<ApiEnv>();
  api.use(requireAuth(deps));
  api.use(rateLimit(deps.config.api.rateLimitPerMinute));
  api.route("/me", meRoutes());
  // Before customerRoutes, whose GET /{id} would take "export" for an id.
  api.route("/customers", customerExportRoutes(deps));
  api.route("/customers", customerRoutes(deps));
  // Another router on the same prefix: only POST /:id/merge, which customerRoutes lacks.
  api.route("/customers", customerMergeRoutes(deps));
  // And PATCH /:id, POST /:id/anonymise (the 360° edit).
  api.route("/customers", customerEditRoutes(deps));
  // And POST /:id/events, /:id/points.
  api.route("/customers", customerPointsRoutes(deps));
  // And POST /search (the list filtered by a rule given in the body).
  api.route("/customers", customerSearchRoutes(deps));
  api.route("/points", pointsRoutes(deps));
  api.route("/purchases", purchaseRoutes(deps));
  api.route("/rewards", rewardRoutes(deps));
  api.route("/settings", settingsRoutes(deps));
  api.route("/tokens", tokenRoutes(deps));
  api.route("/staff", staffRoutes(deps));
  api.route("/audit", auditRoutes(deps));
  api.route("/questions", questionRoutes(deps));
  api.route("/surveys", surveyRoutes(deps));
  api.route("/segments", segmentRoutes(deps));
  api.route("/feedback", feedbackRoutes(deps));
  api.route("/analytics", analyticsRoutes(deps));
  api.route("/webhooks", webhookRoutes(deps));
  api.route("/campaigns", campaignRoutes(deps));
  api.route("/automations", automationRoutes(deps));
  api.route("/imports", importRoutes(deps));
  app.route("/api", api);
  documentApi(app, packageJson.version);
  return app;
}
