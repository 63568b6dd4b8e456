import { describe, expect, it } from "vitest";
import { createLogger } from "../../core/logger.ts";

function capture() {
  const lines: string[] = [];
  return { lines, destination: { write: (line: string) => void lines.push(line) } };
}

describe("logger", () => {
  it("masks secrets and phone numbers in error messages and stacks", () => {
    const { lines, destination } = capture();
    const logger = createLogger({
      level: "info",
      secrets: ["123:SECRET-TOKEN-VALUE"],
      destination,
    });
    const error = new Error(
      "GET https://api.telegram.org/bot123:SECRET-TOKEN-VALUE/getMe failed for +7 916 123-45-67",
    );
    logger.error({ err: error }, "failed calling bot123:SECRET-TOKEN-VALUE");
    const out = lines.join("");
    expect(out).not.toContain("SECRET-TOKEN-VALUE");
    expect(out).not.toContain("123-45-67");
    expect(out).toContain("[secret]");
    expect(out).toContain("[number]");
  });

  it("redacts personal fields by name", () => {
    const { lines, destination } = capture();
    const logger = createLogger({ level: "info", destination });
    logger.info(
      { phone: "+79161234567", contact: { phone_number: "+79161234567" }, text: "hello", id: 5 },
      "x",
    );
    const record = JSON.parse(lines[0] ?? "{}");
    expect(record).toMatchObject({
      phone: "[redacted]",
      contact: { phone_number: "[redacted]" },
      text: "[redacted]",
      id: 5,
    });
  });
});
