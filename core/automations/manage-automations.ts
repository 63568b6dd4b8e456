import type { z } from "zod";
import { AuditAction, recordAudit } from "../access/audit.ts";
import { type Actor, Permission, requirePermission } from "../access/permissions.ts";
import { unknownPlaceholders } from "../campaigns/message.ts";
import type { Sql } from "../db/sql.ts";
import {
  deleteAutomationRow,
  insertAutomations,
  selectAutomation,
  selectAutomations,
  updateAutomationRow,
} from "../db/tables/automations.ts";
import { AppError } from "../errors.ts";
import type { OwnerText } from "../outbox/message.ts";
import { type Automation, automationOf } from "./automation-record.ts";
import {
  AUTOMATION_KEY,
  type ButtonsSchema,
  buttonsOf,
  type CreatableKind,
  isBuiltin,
  KindPlaceholders,
  ownerTextOf,
  SettingsSchemas,
  type StepSchema,
} from "./definitions.ts";
import { type AutomationStats, automationStats } from "./stats.ts";

export type AutomationDeps = {
  sql: Sql;
  actor: Actor;
  /** The bank's keys are placeholders too (custom attributes). */
  questions: { all(): Promise<ReadonlyArray<{ key: string }>> };
  now?: () => Date;
};

type FieldIssue = { field: string; message: string };

/** What the owner changes; every field optional (PUT keeps what is left out). */
export type AutomationChange = {
  name?: string | undefined;
  enabled?: boolean | undefined;
  /** null = back to the bot's own words (the built-ins only). */
  text?: string | OwnerText | null | undefined;
  buttons?: z.output<typeof ButtonsSchema> | undefined;
  settings?: Record<string, unknown> | undefined;
  /** A drip's messages. */
  steps?: Array<z.input<typeof StepSchema>> | undefined;
};

export type NewAutomationInput = AutomationChange & {
  key: string;
  kind: CreatableKind;
  name: string;
};

export type AutomationView = Automation & { stats: AutomationStats };

const invalid = (message: string, issues: FieldIssue[]) =>
  new AppError("invalid_input", message, { issues });
const notFound = (key: string) => new AppError("not_found", `No automation "${key}"`, { key });

const keysOf = async (deps: AutomationDeps) => (await deps.questions.all()).map((q) => q.key);

async function withStats(sql: Sql, automation: Automation): Promise<AutomationView> {
  return { ...automation, stats: await automationStats(sql, automation) };
}

export async function listAutomations(deps: AutomationDeps): Promise<AutomationView[]> {
  requirePermission(deps.actor, Permission.broadcast);
  const rows = await selectAutomations(deps.sql);
  return Promise.all(rows.map((row) => withStats(deps.sql, automationOf(row))));
}

export async function getAutomation(deps: AutomationDeps, key: string): Promise<AutomationView> {
  requirePermission(deps.actor, Permission.broadcast);
  const row = await selectAutomation(deps.sql, key);
  if (!row) throw notFound(key);
  return withStats(deps.sql, automationOf(row));
}

/**
 * The stored form of an automation after `change`, or a 400 naming every bad field: the
 * settings (merged over the current ones) against the kind's schema, words where the kind has
 * them (a drip's are in its steps), and every placeholder known.
 */
function resolve(
  current: Pick<Automation, "kind" | "name" | "enabled" | "settings" | "message">,
  change: AutomationChange,
  creating: boolean,
  bankKeys: readonly string[],
) {
  const issues: FieldIssue[] = [];
  const kind = current.kind;
  const settings = SettingsSchemas[kind].safeParse({ ...current.settings, ...change.settings });
  if (!settings.success) {
    for (const issue of settings.error.issues) {
      const at = issue.path.map(String);
      if (issue.code === "unrecognized_keys") {
        for (const key of issue.keys)
          issues.push({
            field: ["settings", ...at, key].join("."),
            message: `unknown field "${key}"`,
          });
      } else {
        issues.push({ field: ["settings", ...at].join("."), message: issue.message });
      }
    }
  }

  let message: Record<string, unknown>;
  const texts: Array<{ field: string; text: string }> = [];
  const collect = (field: string, text: OwnerText) => {
    texts.push({ field: `${field}.ru`, text: text.ru });
    if (text.en !== undefined) texts.push({ field: `${field}.en`, text: text.en });
  };
  if (kind === "DRIP") {
    if (change.text !== undefined)
      issues.push({ field: "text", message: "a drip's words are in its steps" });
    if (change.buttons !== undefined)
      issues.push({ field: "buttons", message: "a drip's buttons are in its steps" });
    if (creating && !change.steps)
      issues.push({ field: "steps", message: "a drip needs its steps" });
    const steps = change.steps
      ? change.steps.map((step) => ({
          delayHours: step.delayHours,
          text: ownerTextOf(step.text),
          buttons: buttonsOf(step.buttons ?? []),
        }))
      : (current.message.steps ?? []);
    steps.forEach((step, i) => {
      collect(`steps.${i}.text`, step.text);
      for (const [j, button] of step.buttons.entries())
        collect(`steps.${i}.buttons.${j}.text`, button.text);
    });
    message = { steps };
  } else {
    if (change.steps !== undefined)
      issues.push({ field: "steps", message: "only a drip chain has steps" });
    const text =
      change.text === undefined
        ? current.message.text
        : change.text === null
          ? null
          : ownerTextOf(change.text);
    if (text === null && kind === "DATE_REMINDER")
      issues.push({ field: "text", message: "a reminder needs its text" });
    const buttons = change.buttons ? buttonsOf(change.buttons) : current.message.buttons;
    if (text) collect("text", text);
    for (const [j, button] of buttons.entries()) collect(`buttons.${j}.text`, button.text);
    message = { text, buttons };
  }

  const known = [...KindPlaceholders[kind], ...bankKeys];
  const unknown = new Set<string>();
  for (const { field, text } of texts) {
    for (const name of unknownPlaceholders(text, known)) {
      unknown.add(`{${name}}`);
      issues.push({ field, message: `unknown placeholder {${name}}` });
    }
  }
  if (issues.length > 0) {
    throw invalid(
      unknown.size > 0 ? `Unknown placeholder ${[...unknown].join(", ")}` : "Invalid automation",
      issues,
    );
  }
  return {
    name: change.name ?? current.name,
    enabled: change.enabled ?? current.enabled,
    settings: settings.data as Record<string, unknown>,
    message,
  };
}

/** Changes an automation's words, timing or on/off; audited. */
export async function updateAutomation(
  deps: AutomationDeps,
  key: string,
  change: AutomationChange,
): Promise<AutomationView> {
  requirePermission(deps.actor, Permission.manageSettings);
  const now = deps.now?.() ?? new Date();
  // Read before the transaction: on PGlite a read outside it would wait for it to end.
  const bankKeys = await keysOf(deps);
  const updated = await deps.sql.transaction(async (tx) => {
    const row = await selectAutomation(tx, key);
    if (!row) throw notFound(key);
    const next = resolve(automationOf(row), change, false, bankKeys);
    const saved = await updateAutomationRow(tx, key, next, now);
    if (!saved) throw notFound(key);
    await recordAudit(tx, {
      actor: deps.actor,
      action: AuditAction.automationChanged,
      data: { key, change: "updated", fields: Object.keys(change) },
      now,
    });
    return saved;
  });
  return withStats(deps.sql, automationOf(updated));
}

/** A new date reminder or drip chain; its key is its own (409 when taken). */
export async function createAutomation(
  deps: AutomationDeps,
  input: NewAutomationInput,
): Promise<AutomationView> {
  requirePermission(deps.actor, Permission.manageSettings);
  if (!AUTOMATION_KEY.test(input.key))
    throw invalid("Invalid automation", [
      { field: "key", message: "must be lower_snake_case: a letter, then letters, digits or _" },
    ]);
  const now = deps.now?.() ?? new Date();
  const { key, kind, ...change } = input;
  if (isBuiltin(key)) throw new AppError("conflict", `"${key}" is a built-in automation`, { key });
  const next = resolve(
    {
      kind,
      name: input.name,
      enabled: true,
      settings: {},
      message: { text: null, buttons: [] },
    },
    change,
    true,
    await keysOf(deps),
  );
  await deps.sql.transaction(async (tx) => {
    const [inserted] = await insertAutomations(tx, [{ key, kind, ...next }], now);
    if (!inserted) throw new AppError("conflict", `An automation "${key}" exists`, { key });
    await recordAudit(tx, {
      actor: deps.actor,
      action: AuditAction.automationChanged,
      data: { key, kind, change: "created" },
      now,
    });
  });
  return getAutomation(deps, key);
}

/** Deletes an owner's automation (409 for the built-ins: switch them off instead). */
export async function deleteAutomation(deps: AutomationDeps, key: string): Promise<void> {
  requirePermission(deps.actor, Permission.manageSettings);
  if (isBuiltin(key))
    throw new AppError("conflict", `"${key}" is built in: switch it off instead`, { key });
  const now = deps.now?.() ?? new Date();
  await deps.sql.transaction(async (tx) => {
    if (!(await deleteAutomationRow(tx, key))) throw notFound(key);
    await recordAudit(tx, {
      actor: deps.actor,
      action: AuditAction.automationChanged,
      data: { key, change: "deleted" },
      now,
    });
  });
}
