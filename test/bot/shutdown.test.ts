import { afterEach, describe, expect, it } from "vitest";
import { type BotHarness, startBotHarness } from "../support/bot-harness.ts";
import { testDbKind } from "../support/database.ts";

let h: BotHarness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

async function until(check: () => Promise<boolean>, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error("condition not met in time");
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe.each(["webhook", "polling"] as const)(
  `graceful stop in %s mode on ${testDbKind}`,
  (mode) => {
    it("finishes the update being handled before it stops", async () => {
      h = await startBotHarness({ mode });
      const harness = h;
      const user = harness.user({ id: 9001, first_name: "Стоп", language_code: "ru" });
      // Every Bot API answer is slow, so the reply is still on its way when stop() is called.
      harness.emulator.setLatency(700);
      const sending = user.sendCommand("/start");
      await until(
        async () =>
          (await harness.db.prisma.customer.count({ where: { telegramId: 9001n } })) === 1,
      );
      await harness.app.stop();
      await sending;
      expect(user.messages()[0]?.text).toContain("Здравствуйте!");
      expect(
        harness.emulator.callsOf("sendMessage").filter((c) => c.ok).length,
      ).toBeGreaterThanOrEqual(2);

      // Stopped means stopped: nothing answers any more.
      harness.emulator.setLatency(0);
      const before = harness.emulator.calls.length;
      // In webhook mode the emulator keeps retrying delivery in the background; not awaited.
      void user.sendText("ещё тут?").catch(() => {});
      await new Promise((r) => setTimeout(r, 300));
      expect(harness.emulator.callsOf("sendMessage").length).toBe(
        harness.emulator.calls.slice(0, before).filter((c) => c.method === "sendMessage").length,
      );
    });
  },
);
