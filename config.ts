import { existsSync } from "node:fs";
import { z } from "zod";
import { parseQuietHours, type QuietHours } from "./core/outbox/policy.ts";
import { QUESTION_KEY_PATTERN } from "./core/questions/types.ts";

/**
 * Process configuration, read once at start-up from the environment (and `.env`, if present).
 * Every variable is described here with an example so that a bad value produces one line that
 * says which variable, what is wrong and what a good value looks like.
 */

const bool = z
  .enum(["true", "false", "1", "0", "yes", "no"])
  .transform((v) => v === "true" || v === "1" || v === "yes");

function isTimeZone(value: string): boolean {
  try {
    new Intl.DateTimeFormat("en", { timeZone: value });
    return true;
  } catch {
    return false;
  }
}

const variables = {
  BOT_TOKEN: {
    schema: z
      .string()
      .regex(/^\d{3,}:[A-Za-z0-9_-]{20,}$/, "does not look like a token from @BotFather")
      .optional(),
    example: "123456789:AAH8dGhpcy1pcy1hbi1leGFtcGxlLXRva2Vu",
  },
  BOT_API_ROOT: {
    schema: z.url({ protocol: /^https?$/ }).default("https://api.telegram.org"),
    example: "http://127.0.0.1:8081",
  },
  DATABASE_URL: {
    schema: z
      .string()
      .regex(/^postgres(ql)?:\/\/.+/, "must be a postgres:// or postgresql:// connection URL")
      .optional(),
    example: "postgresql://loyalty:secret@localhost:5432/loyalty",
  },
  DATA_DIR: { schema: z.string().min(1).default("./data"), example: "./data" },
  HOST: { schema: z.string().min(1).default("0.0.0.0"), example: "127.0.0.1" },
  PORT: { schema: z.coerce.number().int().min(0).max(65535).default(3000), example: "3000" },
  WEBHOOK_URL: {
    schema: z.url({ protocol: /^https?$/ }).optional(),
    example: "https://loyalty.example.com/telegram/webhook",
  },
  WEBHOOK_SECRET: {
    schema: z
      .string()
      .regex(/^[A-Za-z0-9_-]{16,256}$/, "must be 16–256 characters of A-Z, a-z, 0-9, _ and -")
      .optional(),
    example: "f3b1c2d4e5a6978812ab34cd56ef7890",
  },
  ADMIN_TOKEN: {
    schema: z.string().min(24, "must be at least 24 characters long").optional(),
    example: "a-long-random-string-from-openssl-rand-hex-32",
  },
  DEFAULT_LANGUAGE: { schema: z.enum(["ru", "en"]).default("ru"), example: "ru" },
  TIME_ZONE: {
    schema: z.string().refine(isTimeZone, "is not an IANA time zone").default("Europe/Moscow"),
    example: "Europe/Moscow",
  },
  LOG_LEVEL: {
    schema: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
    example: "info",
  },
  EMULATOR_PORT: {
    schema: z.coerce.number().int().min(0).max(65535).default(8081),
    example: "8081",
  },
  WELCOME_BONUS: {
    schema: z.coerce.number().int().min(0).max(1_000_000).default(100),
    example: "100",
  },
  REFERRAL_BONUS: {
    schema: z.coerce.number().int().min(0).max(1_000_000).default(50),
    example: "50",
  },
  PHONE_REQUIRED: { schema: bool.default(true), example: "true" },
  PHONE_DEFAULT_REGION: {
    schema: z
      .string()
      .regex(/^[A-Z]{2}$/, "must be a two-letter ISO country code")
      .default("RU"),
    example: "RU",
  },
  PRIVACY_POLICY_URL: { schema: z.url().optional(), example: "https://example.com/privacy" },
  CONSENT_VERSION: { schema: z.string().min(1).max(32).default("2026-11"), example: "2026-11" },
  ONBOARDING_QUESTIONS: {
    schema: z
      .string()
      .transform((s) =>
        s
          .split(",")
          .map((q) => q.trim())
          .filter(Boolean),
      )
      // Keys of the question bank (standard fields or the owner's own); a key missing from the
      // bank is skipped at run time with a warning, since the bank can change without a restart.
      .pipe(
        z
          .array(
            z
              .string()
              .regex(
                QUESTION_KEY_PATTERN,
                "each must be a question key: lower_snake_case, up to 32 characters",
              ),
          )
          .max(2, "at most two questions"),
      )
      .default(["birthday"]),
    example: "birthday,city",
  },
  BUSINESS_NAME: { schema: z.string().min(1).max(64).default("Loyalty"), example: "Salon Aurora" },
  OUTBOX_RATE: {
    // "off" (or 0): no pace at all, for benchmarks against an emulator; Telegram would answer
    // 429s. Above about 30 a second Telegram needs paid broadcasts (OUTBOX_PAID_BROADCAST).
    schema: z
      .string()
      .trim()
      .toLowerCase()
      .default("25")
      .transform((value) => (value === "off" ? 0 : Number(value)))
      .pipe(z.number("must be a number or off").int().min(0).max(1000)),
    example: "25",
  },
  OUTBOX_PAID_BROADCAST: { schema: bool.default(false), example: "false" },
  QUIET_HOURS: {
    schema: z
      .string()
      .default("22:00-09:00")
      .transform((value, ctx) => {
        const parsed = parseQuietHours(value);
        if (parsed === "invalid") {
          ctx.addIssue({ code: "custom", message: 'must be "HH:MM-HH:MM" or "off"' });
          return z.NEVER;
        }
        return parsed;
      }),
    example: "22:00-09:00",
  },
  PUBLIC_URL: {
    // Where customers' browsers reach this app: campaign URL buttons then go through
    // <PUBLIC_URL>/r/<delivery>/<button> so that presses are counted.
    schema: z.url({ protocol: /^https?$/, message: "must be an http(s) URL" }).optional(),
    example: "https://loyalty.example.com",
  },
  API_RATE_LIMIT: {
    schema: z.coerce.number().int().min(1).max(100_000).default(120),
    example: "120",
  },
  CUSTOMER_DAILY_MESSAGES: {
    schema: z.coerce.number().int().min(1).max(100).default(2),
    example: "2",
  },
} satisfies Record<string, { schema: z.ZodType; example: string }>;

type Variables = typeof variables;
type Env = { [K in keyof Variables]: z.output<Variables[K]["schema"]> };

export type Config = {
  botToken: string | undefined;
  botApiRoot: string;
  databaseUrl: string | undefined;
  dataDir: string;
  host: string;
  port: number;
  webhook: { url: string; secret: string } | undefined;
  adminToken: string | undefined;
  defaultLanguage: "ru" | "en";
  timeZone: string;
  logLevel: Env["LOG_LEVEL"];
  emulatorPort: number;
  loyalty: { welcomeBonus: number; referralBonus: number };
  onboarding: {
    phoneRequired: boolean;
    phoneDefaultRegion: string;
    privacyPolicyUrl: string | undefined;
    consentVersion: string;
    questions: Env["ONBOARDING_QUESTIONS"];
  };
  businessName: string;
  /** Where customers' browsers reach this app (no trailing slash); undefined = not public. */
  publicUrl: string | undefined;
  api: {
    /** Requests a minute each API token may make (a burst of as many, then evenly). */
    rateLimitPerMinute: number;
  };
  outbox: {
    /** Messages per second the bot sends on its own, across all processes; 0 = no pace. */
    ratePerSecond: number;
    /** Sends `allow_paid_broadcast` (Telegram then allows up to 1,000 messages a second). */
    paidBroadcast: boolean;
    /** When offers and reminders wait (business time zone); null = never. */
    quietHours: QuietHours | null;
    /** Offers and reminders per customer in any 24 hours; receipts do not count. */
    dailyCapPerCustomer: number;
  };
};

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join("\n")}`);
    this.name = "ConfigError";
  }
}

function shown(value: string): string {
  // Secrets are never echoed back, not even when they are wrong.
  return value.length > 40 ? `${value.slice(0, 37)}...` : value;
}

const secretVariables = new Set<string>([
  "BOT_TOKEN",
  "ADMIN_TOKEN",
  "WEBHOOK_SECRET",
  "DATABASE_URL",
]);

export function parseConfig(source: Record<string, string | undefined>): Config {
  const problems: string[] = [];
  const env: Record<string, unknown> = {};
  for (const [name, { schema, example }] of Object.entries(variables)) {
    const raw = source[name];
    const value = raw === undefined || raw.trim() === "" ? undefined : raw.trim();
    const result = (schema as z.ZodType).safeParse(value);
    if (result.success) {
      env[name] = result.data;
    } else {
      const reason = result.error.issues[0]?.message ?? "is invalid";
      const got =
        value !== undefined && !secretVariables.has(name) ? ` (got "${shown(value)}")` : "";
      problems.push(`${name}: ${reason}${got}. Example: ${name}=${example}`);
    }
  }
  const e = env as Env;
  if (e.WEBHOOK_URL && !e.WEBHOOK_SECRET) {
    problems.push(
      `WEBHOOK_SECRET: required when WEBHOOK_URL is set, so that only Telegram can post updates. Example: WEBHOOK_SECRET=${variables.WEBHOOK_SECRET.example}`,
    );
  }
  if (e.WEBHOOK_URL && !e.BOT_TOKEN) {
    problems.push(
      `WEBHOOK_URL: webhook mode needs BOT_TOKEN; without a token the bot runs against the built-in emulator. Example: BOT_TOKEN=${variables.BOT_TOKEN.example}`,
    );
  }
  if (problems.length > 0) throw new ConfigError(problems);

  return {
    botToken: e.BOT_TOKEN,
    botApiRoot: e.BOT_API_ROOT.replace(/\/+$/, ""),
    databaseUrl: e.DATABASE_URL,
    dataDir: e.DATA_DIR,
    host: e.HOST,
    port: e.PORT,
    webhook:
      e.WEBHOOK_URL && e.WEBHOOK_SECRET
        ? { url: e.WEBHOOK_URL, secret: e.WEBHOOK_SECRET }
        : undefined,
    adminToken: e.ADMIN_TOKEN,
    defaultLanguage: e.DEFAULT_LANGUAGE,
    timeZone: e.TIME_ZONE,
    logLevel: e.LOG_LEVEL,
    emulatorPort: e.EMULATOR_PORT,
    loyalty: { welcomeBonus: e.WELCOME_BONUS, referralBonus: e.REFERRAL_BONUS },
    onboarding: {
      phoneRequired: e.PHONE_REQUIRED,
      phoneDefaultRegion: e.PHONE_DEFAULT_REGION,
      privacyPolicyUrl: e.PRIVACY_POLICY_URL,
      consentVersion: e.CONSENT_VERSION,
      questions: e.ONBOARDING_QUESTIONS,
    },
    businessName: e.BUSINESS_NAME,
    publicUrl: e.PUBLIC_URL?.replace(/\/+$/, ""),
    api: { rateLimitPerMinute: e.API_RATE_LIMIT },
    outbox: {
      ratePerSecond: e.OUTBOX_RATE,
      paidBroadcast: e.OUTBOX_PAID_BROADCAST,
      quietHours: e.QUIET_HOURS,
      dailyCapPerCustomer: e.CUSTOMER_DAILY_MESSAGES,
    },
  };
}

/** Reads `.env` (when present) without overriding variables already set in the environment. */
export function loadEnvFile(path = ".env"): void {
  if (existsSync(path)) process.loadEnvFile(path);
}

/** The documented variables, for the README table check and for `--help`-style output. */
export const configVariables = Object.fromEntries(
  Object.entries(variables).map(([name, { example }]) => [name, example]),
);
