import pino, { type DestinationStream, type Logger } from "pino";

export type { DestinationStream, Logger };

// Phone-like digit runs: database errors can quote the values that failed a constraint.
const phonePattern = /\+?\d[\d\s().-]{7,}\d/g;

/**
 * The app's logger. Personal data and secrets stay out of logs: known secret values (tokens)
 * are replaced wherever they appear, phone-like numbers are masked in error messages, and
 * fields that may hold personal data are redacted by path.
 */
export function createLogger(options: {
  level: string;
  secrets?: Array<string | undefined>;
  destination?: DestinationStream;
}): Logger {
  const secrets = (options.secrets ?? []).filter((s): s is string => Boolean(s && s.length >= 8));
  const scrub = (text: string): string => {
    let out = text;
    for (const secret of secrets) out = out.split(secret).join("[secret]");
    return out.replace(phonePattern, "[number]");
  };
  return pino(
    {
      level: options.level,
      redact: {
        paths: [
          "phone",
          "*.phone",
          "phone_number",
          "*.phone_number",
          "token",
          "*.token",
          "authorization",
          "*.authorization",
          "text",
          "*.text",
        ],
        censor: "[redacted]",
      },
      serializers: {
        err(error: unknown) {
          const serialized = pino.stdSerializers.err(error as Error);
          return {
            type: serialized.type,
            message: scrub(serialized.message ?? ""),
            stack: serialized.stack ? scrub(serialized.stack) : undefined,
            code: (error as { code?: unknown }).code,
          };
        },
      },
      hooks: {
        logMethod(args, method) {
          // The message string itself may carry a secret (e.g. a URL with the bot token).
          const scrubbed = args.map((a) => (typeof a === "string" ? scrub(a) : a));
          method.apply(this, scrubbed as Parameters<typeof method>);
        },
      },
    },
    options.destination,
  );
}

/** A logger that drops everything (tests and CLI tools). */
export function silentLogger(): Logger {
  return pino({ level: "silent" });
}
