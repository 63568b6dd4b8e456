import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import type { AmountProblem } from "../../core/loyalty/money.ts";
import { TierKeys } from "../../core/loyalty/settings.ts";
import { standardFieldKeys } from "../../core/questions/standard-fields.ts";
import { PointsKind } from "../../prisma/generated/enums.ts";

const botDir = fileURLToPath(new URL("../../bot", import.meta.url));

function keysOf(locale: string): Set<string> {
  const text = readFileSync(join(botDir, "locales", `${locale}.ftl`), "utf8");
  return new Set([...text.matchAll(/^([a-zA-Z][\w-]*)\s*=/gm)].map((m) => m[1] as string));
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return name === "locales" ? [] : sourceFiles(path);
    return path.endsWith(".ts") ? [path] : [];
  });
}

describe("translations", () => {
  const ru = keysOf("ru");
  const en = keysOf("en");

  it("have the same keys in Russian and English", () => {
    expect([...ru].filter((k) => !en.has(k))).toEqual([]);
    expect([...en].filter((k) => !ru.has(k))).toEqual([]);
  });

  it("cover every key the bot uses", () => {
    const used = new Set<string>();
    for (const file of sourceFiles(botDir)) {
      const code = readFileSync(file, "utf8");
      for (const m of code.matchAll(/\b(?:t|hears)\(\s*"([a-z][\w-]*)"/g)) used.add(m[1] as string);
      for (const m of code.matchAll(/"(menu-[a-z]+)"/g)) used.add(m[1] as string);
    }
    expect(used.size).toBeGreaterThan(50);
    expect([...used].filter((k) => !ru.has(k))).toEqual([]);
  });

  it("cover every key built from a value", () => {
    const amountProblems: AmountProblem[] = [
      "not_a_number",
      "zero",
      "negative",
      "too_precise",
      "too_large",
    ];
    const dynamic = [
      ...["name_empty", "name_too_long", "name_no_letters", "phone_invalid", "date_invalid"].map(
        (r) => `invalid-${r}`,
      ),
      ...["date_in_future", "date_too_old", "city_invalid", "email_invalid"].map(
        (r) => `invalid-${r}`,
      ),
      ...TierKeys.map((t) => `tier-${t}`),
      // Congratulations exist for every tier one can move up to.
      ...TierKeys.slice(1).map((t) => `tier-reached-${t}`),
      ...Object.values(PointsKind).map((k) => `history-kind-${k}`),
      ...amountProblems.map((p) => `staff-amount-${p}`),
      ...standardFieldKeys.map((k) => `profile-field-${k}`),
      // Refusals of answers to the bank's questions (core/questions/answer-value.ts).
      ...[
        "text_empty",
        "text_too_long",
        "number_invalid",
        "number_not_integer",
        "number_out_of_range",
        "date_out_of_range",
        "scale_out_of_range",
        "option_unknown",
        "choose_at_least_one",
        "press_button",
        "text_expected",
      ].map((r) => `invalid-${r}`),
    ];
    expect(dynamic.filter((k) => !ru.has(k) || !en.has(k))).toEqual([]);
  });
});
