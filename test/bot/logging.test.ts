import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type BotHarness, startBotHarness, TEST_BOT_TOKEN } from "../support/bot-harness.ts";
import { testDbKind } from "../support/database.ts";

const lines: string[] = [];
let h: BotHarness;
beforeAll(async () => {
  h = await startBotHarness({
    env: { LOG_LEVEL: "trace" },
    logDestination: { write: (line: string) => void lines.push(line) },
  });
});
afterAll(async () => {
  await h?.close();
});

describe(`logs on ${testDbKind}`, () => {
  it("carry no phone numbers, message texts or tokens, even when things fail", async () => {
    const user = h.user({
      id: 9100,
      first_name: "Секретная",
      language_code: "ru",
      phone_number: "+79161234567",
    });
    await user.sendCommand("/start");
    await user.pressButton({ data: "consent:yes" });
    await user.pressButton({ data: "marketing:yes" });
    await user.sendText("Тайное Имя");
    await user.pressReplyButton("📱 Поделиться номером");
    h.emulator.injectFault({ kind: "500", method: "sendPhoto", times: Number.POSITIVE_INFINITY });
    await user.pressButton({ data: "step:skip" });
    h.emulator.clearFaults();
    await user.blockBot();

    const output = lines.join("");
    // The failure and the block were logged...
    expect(output).toContain("update failed");
    expect(output).toContain("customer reachability changed");
    // ...without anything personal or secret.
    expect(output).not.toContain("9161234567");
    expect(output).not.toContain("Тайное Имя");
    expect(output).not.toContain("Секретная");
    expect(output).not.toContain(TEST_BOT_TOKEN);
    expect(output).not.toContain(TEST_BOT_TOKEN.split(":")[1]);
  });
});
