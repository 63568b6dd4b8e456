import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { ConfigError, configVariables, parseConfig } from "../../config.ts";

function problems(env: Record<string, string>): string[] {
  try {
    parseConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  throw new Error("expected a ConfigError");
}

describe("configuration", () => {
  it("runs with no configuration at all: embedded database, emulator, Russian", () => {
    const config = parseConfig({});
    expect(config.botToken).toBeUndefined();
    expect(config.databaseUrl).toBeUndefined();
    expect(config.port).toBe(3000);
    expect(config.defaultLanguage).toBe("ru");
    expect(config.timeZone).toBe("Europe/Moscow");
    expect(config.webhook).toBeUndefined();
    expect(config.botApiRoot).toBe("https://api.telegram.org");
  });

  it("reads a full production configuration", () => {
    const config = parseConfig({
      BOT_TOKEN: "123456789:AAH8dGhpcy1pcy1hbi1leGFtcGxlLXRva2Vu",
      DATABASE_URL: "postgresql://u:p@db:5432/loyalty",
      PORT: "8080",
      WEBHOOK_URL: "https://bot.example.com/telegram/webhook",
      WEBHOOK_SECRET: "0123456789abcdef0123",
      DEFAULT_LANGUAGE: "en",
      TIME_ZONE: "Asia/Yekaterinburg",
      BOT_API_ROOT: "http://127.0.0.1:8081/",
      ONBOARDING_QUESTIONS: "birthday, city",
      PHONE_REQUIRED: "false",
    });
    expect(config.webhook).toEqual({
      url: "https://bot.example.com/telegram/webhook",
      secret: "0123456789abcdef0123",
    });
    expect(config.botApiRoot).toBe("http://127.0.0.1:8081");
    expect(config.port).toBe(8080);
    expect(config.onboarding.questions).toEqual(["birthday", "city"]);
    expect(config.onboarding.phoneRequired).toBe(false);
  });

  it("reports every bad variable on its own line with an example of a good value", () => {
    const lines = problems({
      PORT: "eighty",
      DATABASE_URL: "mysql://localhost/db",
      TIME_ZONE: "Mars/Olympus",
      DEFAULT_LANGUAGE: "de",
    });
    expect(lines).toHaveLength(4);
    expect(lines.find((l) => l.startsWith("PORT:"))).toMatch(/got "eighty".*Example: PORT=3000/);
    expect(lines.find((l) => l.startsWith("TIME_ZONE:"))).toMatch(
      /IANA time zone.*Example: TIME_ZONE=Europe\/Moscow/,
    );
    expect(lines.find((l) => l.startsWith("DEFAULT_LANGUAGE:"))).toMatch(
      /Example: DEFAULT_LANGUAGE=ru/,
    );
    expect(lines.find((l) => l.startsWith("DATABASE_URL:"))).toMatch(/postgres/);
  });

  it("takes onboarding questions as keys of the question bank, at most two", () => {
    expect(parseConfig({}).onboarding.questions).toEqual(["birthday"]);
    expect(
      parseConfig({ ONBOARDING_QUESTIONS: "pet_species, birthday" }).onboarding.questions,
    ).toEqual(["pet_species", "birthday"]);
    expect(problems({ ONBOARDING_QUESTIONS: "Pet Species" })[0]).toMatch(
      /^ONBOARDING_QUESTIONS: each must be a question key: lower_snake_case.*Example: ONBOARDING_QUESTIONS=birthday,city/,
    );
    expect(problems({ ONBOARDING_QUESTIONS: "birthday,city,email" })[0]).toMatch(
      /^ONBOARDING_QUESTIONS: at most two questions/,
    );
  });

  it("never echoes secrets back, even wrong ones", () => {
    const lines = problems({ BOT_TOKEN: "not-a-token-secret-value", ADMIN_TOKEN: "short-secret" });
    expect(lines.join("\n")).not.toContain("not-a-token-secret-value");
    expect(lines.join("\n")).not.toContain("short-secret");
    expect(lines.some((l) => l.startsWith("BOT_TOKEN:"))).toBe(true);
    expect(lines.some((l) => l.startsWith("ADMIN_TOKEN:"))).toBe(true);
  });

  it("requires a secret for webhook mode", () => {
    const lines = problems({
      BOT_TOKEN: "123456789:AAH8dGhpcy1pcy1hbi1leGFtcGxlLXRva2Vu",
      WEBHOOK_URL: "https://bot.example.com/hook",
    });
    expect(lines).toEqual([
      expect.stringMatching(/^WEBHOOK_SECRET: required when WEBHOOK_URL is set/),
    ]);
  });

  it("documents every variable in the README", () => {
    const readme = readFileSync(new URL("../../README.md", import.meta.url), "utf8");
    const missing = Object.keys(configVariables).filter((name) => !readme.includes(`\`${name}\``));
    expect(missing).toEqual([]);
  });
});
