import { type Api, GrammyError } from "grammy";
import type { Config } from "../config.ts";
import { setReachability } from "../core/customers/reachability.ts";
import type { Sql } from "../core/db/sql.ts";
import { pauseSending, reserveSendingSlots } from "../core/db/tables/dispatch-state.ts";
import {
  type ClaimedMessage,
  claimDueMessages,
  finishOutboxMessage,
  releaseOutboxMessages,
} from "../core/db/tables/outbox-messages.ts";
import type { Logger } from "../core/logger.ts";
import type { OutboxPayload } from "../core/outbox/message.ts";
import { isQuietTime, MAX_SEND_ATTEMPTS, retryDelayMs } from "../core/outbox/policy.ts";
import { type Language, pickLanguage } from "./i18n.ts";
import { renderPayload } from "./views/outbox-payload.ts";

/**
 * Sends the outbox: every message the bot sends on its own initiative (see OutboxMessage in
 * schema.prisma). One loop per process; any number of processes may share a database:
 *
 * - rows are claimed in batches with FOR UPDATE SKIP LOCKED, so each is sent once; a claim
 *   lapses after a while, so the rows of a process that died are sent by another (a message
 *   in flight at the moment of a crash may go twice; everything else goes once);
 * - the pace (OUTBOX_RATE) and a 429's pause are kept in the database's DispatchState row,
 *   so they hold across processes;
 * - 403, "chat not found" and deactivated accounts mark the customer unreachable; other
 *   passing errors are retried later with a growing pause, up to MAX_SEND_ATTEMPTS;
 * - offers and reminders wait out quiet hours and the per-customer daily cap; service
 *   messages (receipts) do not.
 */
export type Dispatcher = {
  /** Wakes the loop now, instead of at its next poll (something was just queued). */
  kick(): void;
  /** Finishes the message being sent, gives the rest of the batch back, and stops. */
  stop(): Promise<void>;
};

export type DispatcherDeps = {
  sql: Sql;
  /** A Bot API client that does not retry by itself: 429s are paced here, for everyone. */
  api: Api;
  translate(locale: Language, key: string, vars?: Record<string, string | number>): string;
  config: Pick<Config, "outbox" | "timeZone" | "defaultLanguage">;
  logger: Logger;
  /** How often an idle dispatcher looks for work. */
  pollMs?: number;
  /** The time the dispatcher believes it is (tests move it); waits still take real time. */
  now?: () => Date;
};

const DAY_MS = 24 * 60 * 60 * 1000;
const LEASE_MS = 60_000;

export function startDispatcher(deps: DispatcherDeps): Dispatcher {
  const pollMs = deps.pollMs ?? 1000;
  const now = deps.now ?? (() => new Date());
  const intervalMs = 1000 / deps.config.outbox.ratePerSecond;
  // About a second of sending per batch: big enough to amortise the claim, small enough that a
  // pause or a stop takes effect within a second and gives back little.
  const batchSize = Math.max(1, Math.min(200, deps.config.outbox.ratePerSecond));
  let running = true;
  // Waits end early on stop; an idle wait also on kick (a pacing wait never does).
  const waiting = new Set<() => void>();
  let idleWait: (() => void) | undefined;

  const sleep = (ms: number, idle = false) =>
    new Promise<void>((resolve) => {
      const done = () => {
        clearTimeout(timer);
        waiting.delete(done);
        if (idleWait === done) idleWait = undefined;
        resolve();
      };
      const timer = setTimeout(done, Math.max(0, ms));
      waiting.add(done);
      if (idle) idleWait = done;
    });

  async function round(): Promise<number> {
    const started = now();
    const claimed = await claimDueMessages(deps.sql, {
      now: started,
      limit: batchSize,
      leaseMs: LEASE_MS + batchSize * intervalMs,
      quietHours: isQuietTime(deps.config.outbox.quietHours, started, deps.config.timeZone),
      cap: deps.config.outbox.dailyCapPerCustomer,
      capWindowMs: DAY_MS,
    });
    if (claimed.length === 0) return 0;
    // Pacing runs on real time (the database's clock hands out the slots), whatever `now` says.
    const { waitMs } = await reserveSendingSlots(deps.sql, { count: claimed.length, intervalMs });
    const firstSlot = Date.now() + waitMs;
    for (let i = 0; i < claimed.length; i++) {
      const message = claimed[i] as ClaimedMessage;
      if (running) await sleep(firstSlot + i * intervalMs - Date.now());
      const rest = claimed.slice(i).map((m) => m.id);
      if (!running) {
        await releaseOutboxMessages(deps.sql, rest, { notBefore: now(), refund: true });
        break;
      }
      const pausedUntil = await send(message);
      if (pausedUntil) {
        await releaseOutboxMessages(deps.sql, rest, {
          notBefore: pausedUntil,
          refund: true,
          error: "429: paused",
        });
        break;
      }
    }
    return claimed.length;
  }

  /** Sends one message and records the outcome; returns the end of a 429 pause, if one began. */
  async function send(message: ClaimedMessage): Promise<Date | undefined> {
    const finish = (
      status: "SENT" | "FAILED" | "BLOCKED" | "SKIPPED",
      extra: { telegramMessageId?: number; error?: string } = {},
    ) => finishOutboxMessage(deps.sql, message.id, { status, at: now(), ...extra });

    if (message.telegramId === null)
      return void (await finish("SKIPPED", { error: "no Telegram account" }));
    if (!message.reachable) return void (await finish("BLOCKED", { error: "unreachable" }));
    const payload = message.payload as Partial<OutboxPayload> | null;
    if (typeof payload?.template !== "string") {
      return void (await finish("FAILED", { error: "payload without a template" }));
    }
    const locale = pickLanguage(
      message.language,
      message.telegramLanguage,
      deps.config.defaultLanguage,
    );
    try {
      const { text, reply_markup } = renderPayload(
        payload as OutboxPayload,
        (key, vars) => deps.translate(locale, key, vars),
        locale,
      );
      const sent = await deps.api.sendMessage(
        Number(message.telegramId),
        text,
        reply_markup ? { reply_markup } : {},
      );
      await finish("SENT", { telegramMessageId: sent.message_id });
      return undefined;
    } catch (error) {
      return handleFailure(message, error, finish);
    }
  }

  async function handleFailure(
    message: ClaimedMessage,
    error: unknown,
    finish: (status: "FAILED" | "BLOCKED", extra?: { error?: string }) => Promise<void>,
  ): Promise<Date | undefined> {
    const description = error instanceof Error ? error.message : String(error);
    if (error instanceof GrammyError) {
      if (error.error_code === 429) {
        const seconds = error.parameters.retry_after ?? 1;
        await pauseSending(deps.sql, seconds);
        deps.logger.warn({ retryAfter: seconds }, "outbox paused by a 429");
        return new Date(now().getTime() + seconds * 1000);
      }
      const gone =
        error.error_code === 403 || /chat not found|user is deactivated/i.test(error.description);
      if (gone) {
        await finish("BLOCKED", { error: error.description });
        await setReachability(deps.sql, {
          telegramId: Number(message.telegramId),
          reachable: false,
          reason: "send_failed",
        }).catch((err: unknown) =>
          deps.logger.warn({ err }, "could not mark customer unreachable"),
        );
        return undefined;
      }
      if (error.error_code < 500) {
        // Telegram will refuse this message however often it is sent (too long, bad markup).
        await finish("FAILED", { error: error.description });
        return undefined;
      }
    }
    if (message.attempts >= MAX_SEND_ATTEMPTS) {
      await finish("FAILED", { error: description });
      return undefined;
    }
    await releaseOutboxMessages(deps.sql, [message.id], {
      notBefore: new Date(now().getTime() + retryDelayMs(message.attempts)),
      error: description,
    });
    return undefined;
  }

  const loop = (async () => {
    while (running) {
      try {
        const handled = await round();
        if (handled === 0 && running) await sleep(pollMs, true);
      } catch (err) {
        deps.logger.error({ err }, "outbox dispatch failed");
        if (running) await sleep(pollMs * 5);
      }
    }
  })();

  return {
    kick: () => idleWait?.(),
    async stop() {
      running = false;
      for (const done of [...waiting]) done();
      await loop;
    },
  };
}
