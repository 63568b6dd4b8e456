import type { MessageSpec } from "../campaigns/message.ts";
import type { AutomationKind } from "../db/client.ts";
import type { Sql } from "../db/sql.ts";
import {
  type AutomationRow,
  insertAutomations,
  selectAutomation,
} from "../db/tables/automations.ts";
import type { OwnerText } from "../outbox/message.ts";
import {
  type AutomationMessage,
  BuiltinAutomations,
  type BuiltinKey,
  type DripStep,
  isBuiltin,
  SettingsSchemas,
} from "./definitions.ts";

/** An automation as the jobs and the API see it: settings with their defaults filled in. */
export type Automation<Kind extends AutomationKind = AutomationKind> = {
  key: string;
  kind: Kind;
  name: string;
  enabled: boolean;
  builtin: boolean;
  settings: Record<string, unknown>;
  message: AutomationMessage;
  createdAt: Date;
  updatedAt: Date;
};

/** The stored message: `{text, buttons}` or, for a drip, `{steps}` (definitions.ts). */
function messageOf(stored: Record<string, unknown>): AutomationMessage {
  const text = (stored.text ?? null) as OwnerText | null;
  const buttons = (stored.buttons ?? []) as MessageSpec["buttons"];
  return Array.isArray(stored.steps)
    ? { text, buttons, steps: stored.steps as DripStep[] }
    : { text, buttons };
}

export function automationOf(row: AutomationRow): Automation {
  // Written through the same schemas; a default added since fills in here.
  const parsed = SettingsSchemas[row.kind].safeParse(row.settings);
  return {
    key: row.key,
    kind: row.kind,
    name: row.name,
    enabled: row.enabled,
    builtin: isBuiltin(row.key),
    settings: parsed.success ? (parsed.data as Record<string, unknown>) : row.settings,
    message: messageOf(row.message),
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
  };
}

function builtinRow(key: BuiltinKey, at: Date): AutomationRow {
  const builtin = BuiltinAutomations[key];
  return {
    key,
    kind: builtin.kind,
    name: builtin.name,
    enabled: builtin.enabled,
    settings: SettingsSchemas[builtin.kind].parse({}) as Record<string, unknown>,
    message: { text: null, buttons: [] },
    createdAt: at,
    updatedAt: at,
  };
}

/** Seeds the built-in automations that are missing (start-up); one statement. */
export async function ensureBuiltinAutomations(sql: Sql, now = new Date()): Promise<string[]> {
  const rows = (Object.keys(BuiltinAutomations) as BuiltinKey[]).map((key) => builtinRow(key, now));
  return insertAutomations(sql, rows, now);
}

/**
 * A built-in automation as a job reads it when it runs: its row, or (before the first start-up
 * seeded it) what it would be seeded with.
 */
export async function readBuiltin(sql: Sql, key: BuiltinKey, now: Date): Promise<Automation> {
  const row = await selectAutomation(sql, key);
  return automationOf(row ?? builtinRow(key, now));
}
