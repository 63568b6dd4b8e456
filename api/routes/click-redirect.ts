import { Hono } from "hono";
import { recordUrlClick } from "../../core/db/tables/campaigns.ts";
import type { ApiDeps } from "../context.ts";
import type { ErrorBody } from "../errors.ts";

const DELIVERY = /^\d{1,18}$/;
const INDEX = /^\d{1,2}$/;

/**
 * GET /r/<delivery>/<button index>: where a campaign's URL buttons point when PUBLIC_URL is
 * set. No token (the customer's browser opens it): the press is counted once per delivery and
 * button, then the browser goes on to the button's URL. Not in the API document (it is not
 * an API call).
 */
export function clickRedirectRoutes(deps: Pick<ApiDeps, "sql">) {
  return new Hono().get("/:deliveryId/:index", async (c) => {
    const { deliveryId, index } = c.req.param();
    const url =
      DELIVERY.test(deliveryId) && INDEX.test(index)
        ? await recordUrlClick(deps.sql, BigInt(deliveryId), Number(index))
        : null;
    if (!url)
      return c.json<ErrorBody>({ error: { code: "not_found", message: "No such link" } }, 404);
    c.header("cache-control", "no-store");
    return c.redirect(url, 302);
  });
}
