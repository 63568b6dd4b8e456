import type { Sql } from "../db/sql.ts";
import { Fragment } from "../db/sql-fragment.ts";
import { selectSegmentDefinition } from "../db/tables/campaigns.ts";
import { AppError } from "../errors.ts";
import { compileRule } from "../segments/compile.ts";
import type { CompileContext } from "../segments/fields.ts";
import { parseRule, type Rule } from "../segments/rule.ts";
import type { CampaignInput } from "./campaign-input.ts";
import type { CampaignDeps, StoredAudience } from "./types.ts";

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The audience as given (`"all"`, a segment id, a rule) checked and as it is stored. */
export async function parseAudience(
  sql: Sql,
  segment: CampaignInput["segment"],
  path = "segment",
): Promise<StoredAudience> {
  if (segment === "all") return { kind: "all" };
  if (typeof segment === "string") {
    if (!UUID.test(segment)) throw invalid(path, 'must be "all", a segment id or a rule');
    if ((await selectSegmentDefinition(sql, segment)) === null)
      throw invalid(path, "no segment with this id");
    return { kind: "segment", segmentId: segment };
  }
  return { kind: "rule", rule: parseRule(segment, path) };
}

/** The rule a stored audience stands for now (a saved segment's current rule); null = all. */
export async function audienceRule(sql: Sql, audience: StoredAudience): Promise<Rule | null> {
  if (audience.kind === "all") return null;
  if (audience.kind === "rule") return audience.rule;
  const definition = await selectSegmentDefinition(sql, audience.segmentId);
  if (definition === null)
    throw new AppError("conflict", "The campaign's segment was deleted; choose another audience", {
      segmentId: audience.segmentId,
    });
  // Checked when it was saved; checked again so a hand-edited row cannot break the SQL.
  return parseRule(definition, "segment");
}

/**
 * Who a campaign may go to, over `"Customer" c`: active, with Telegram, reachable, and for an
 * offer (or "all", which means everyone who accepts offers) with marketing consent; then the
 * segment's rule. The dispatcher checks consent and reachability again as each message goes.
 */
export function audienceWhere(
  rule: Rule | null,
  marketing: boolean,
  context: CompileContext,
): Fragment {
  const base = Fragment.sql`c."status" = 'ACTIVE' AND c."telegramId" IS NOT NULL AND c."reachable"`;
  const consent =
    marketing || rule === null ? Fragment.sql` AND c."marketingConsent"` : Fragment.empty;
  const matches = rule ? Fragment.sql` AND ${compileRule(rule, context)}` : Fragment.empty;
  return Fragment.sql`${base}${consent}${matches}`;
}

export const compileContext = (deps: Pick<CampaignDeps, "timeZone" | "now">): CompileContext => ({
  now: deps.now?.() ?? new Date(),
  timeZone: deps.timeZone,
});

async function count(sql: Sql, where: Fragment): Promise<number> {
  const query = Fragment.sql`SELECT count(*)::int AS "count" FROM "Customer" c WHERE ${where}`;
  const [row] = await sql.query<{ count: number }>(query.text, query.values);
  return row?.count ?? 0;
}

/** How many customers a campaign to this audience would reach now. */
export async function countAudience(
  deps: CampaignDeps,
  segment: CampaignInput["segment"],
  options: { marketing?: boolean } = {},
): Promise<number> {
  const audience = await parseAudience(deps.sql, segment);
  const rule = await audienceRule(deps.sql, audience);
  return count(deps.sql, audienceWhere(rule, options.marketing ?? true, compileContext(deps)));
}

/**
 * Why nobody would receive it, as precisely as the counts tell: the rule matches nobody, or
 * it does but none of them can be sent an offer.
 */
export async function emptyAudienceMessage(
  sql: Sql,
  rule: Rule | null,
  marketing: boolean,
  context: CompileContext,
): Promise<string> {
  const conditions =
    marketing || rule === null
      ? "active, reachable in Telegram and accepting offers"
      : "active and reachable in Telegram";
  if (rule === null) return `Nobody to send to: no customer is ${conditions}`;
  const matching = await count(sql, compileRule(rule, context));
  if (matching === 0) return "Nobody to send to: the segment matches no customer";
  return `Nobody to send to: the segment matches ${matching} customer(s), but none is ${conditions}`;
}

function invalid(field: string, message: string): AppError {
  return new AppError("invalid_input", `${field}: ${message}`, { issues: [{ field, message }] });
}
