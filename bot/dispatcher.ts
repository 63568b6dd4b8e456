import { type Api, GrammyError } from "grammy";
import type { InlineKeyboardButton, InlineKeyboardMarkup, Message } from "grammy/types";
import type { Config } from "../config.ts";
import {
  type CampaignButton,
  type MessageSpec,
  type PlaceholderValues,
  recipientValues,
  renderText,
  textFor,
} from "../core/campaigns/message.ts";
import { setReachability } from "../core/customers/reachability.ts";
import type { Sql } from "../core/db/sql.ts";
import { pauseSending, reserveSendingSlots } from "../core/db/tables/dispatch-state.ts";
import {
  type ClaimedMessage,
  campaignsForDispatch,
  claimDueMessages,
  type DispatchedCampaign,
  finishSentCampaigns,
  type Outcome,
  pauseCampaignOnError,
  rememberCampaignPhoto,
  renewClaims,
  settleOutboxMessages,
} from "../core/db/tables/outbox-messages.ts";
import type { Logger } from "../core/logger.ts";
import { type LoyaltySettings, LoyaltySettingsSchema } from "../core/loyalty/settings.ts";
import {
  type MessageChangePayload,
  OutboxKind,
  type OutboxPayload,
  type OwnerMessagePayload,
  type OwnerText,
} from "../core/outbox/message.ts";
import { isQuietTime, MAX_SEND_ATTEMPTS, retryDelayMs } from "../core/outbox/policy.ts";
import { cb } from "./callback-data.ts";
import { type Language, pickLanguage } from "./i18n.ts";
import { renderPayload } from "./views/outbox-payload.ts";

/**
 * Sends the outbox: every message the bot sends on its own initiative (see OutboxMessage in
 * schema.prisma), campaign deliveries included. One loop per process; any number of processes
 * may share a database:
 *
 * - rows are claimed in small batches with FOR UPDATE SKIP LOCKED, so each is sent once; the
 *   claim is renewed while its batch is being sent and lapses soon after its dispatcher died,
 *   so the rows of a dead process are sent by another (the batch it had in flight may go twice:
 *   such rows are counted in `reclaims`);
 * - the pace (OUTBOX_RATE) and a 429's pause are kept in the database's DispatchState row,
 *   so they hold across processes; one chat gets at most one message a second;
 * - 403, "chat not found" and deactivated accounts mark the customer unreachable; other
 *   passing errors are retried later with a growing pause, up to MAX_SEND_ATTEMPTS;
 * - offers and reminders wait out quiet hours and the per-customer daily cap; service
 *   messages (receipts) do not, and are claimed first;
 * - campaign deliveries are rendered per recipient when they go, checked again (consent, still
 *   a customer, reachable, the frequency cap), and stop within a second of a pause or a cancel.
 */
export type Dispatcher = {
  /** Wakes the loop now, instead of at its next poll (something was just queued). */
  kick(): void;
  /** Finishes the messages being sent, gives the rest of the batch back, and stops. */
  stop(): Promise<void>;
};

export type DispatcherDeps = {
  sql: Sql;
  /** A Bot API client that does not retry by itself: 429s are paced here, for everyone. */
  api: Api;
  translate(locale: Language, key: string, vars?: Record<string, string | number>): string;
  config: Pick<Config, "outbox" | "timeZone" | "defaultLanguage"> & {
    /** Set: URL buttons of campaigns go through the click-counting redirect /r/<id>/<index>. */
    publicUrl?: string | undefined;
  };
  /**
   * The owner's settings: tier names and the campaigns' frequency cap, read as messages go
   * (the defaults when not given).
   */
  loyalty?: { get(): Promise<LoyaltySettings> };
  logger: Logger;
  /** How often an idle dispatcher looks for work. */
  pollMs?: number;
  /** The time the dispatcher believes it is (tests move it); waits still take real time. */
  now?: () => Date;
};

const DAY_MS = 24 * 60 * 60 * 1000;
const HOUR_MS = 60 * 60 * 1000;
/** A claim outlives its last renewal by this much: how long a dead process's rows wait. */
const LEASE_MS = 10_000;
/** While a batch is being sent: how often its claims are renewed and its campaigns re-read. */
const CHECK_MS = 250;
/** Sends in flight at once when the pace allows it (no pace, or a fast one). */
const MAX_IN_FLIGHT = 16;
/** Rows per batch without a pace: what a crash can re-send at most, per process. */
const UNPACED_BATCH = 128;
const UNPACED_LANES = 2;

const defaultSettings = LoyaltySettingsSchema.parse({});

type Halt = { status: "PENDING" | "CANCELLED"; error?: string; notBefore?: Date };

export function startDispatcher(deps: DispatcherDeps): Dispatcher {
  const pollMs = deps.pollMs ?? 1000;
  const now = deps.now ?? (() => new Date());
  const rate = deps.config.outbox.ratePerSecond;
  const intervalMs = rate > 0 ? 1000 / rate : 0;
  // About a second of sending per batch (at most 100 rows): big enough to amortise the claim,
  // small enough that a crash re-sends little. Unpaced, a fixed number.
  const batchSize = rate > 0 ? Math.max(1, Math.min(100, rate)) : UNPACED_BATCH;
  // Unpaced, two batches overlap: one is claimed and recorded while the other is sent, so the
  // database's round trips do not stop the sending. A crash then re-sends at most both.
  const lanes = rate > 0 ? 1 : UNPACED_LANES;
  const inFlight =
    rate > 0
      ? Math.max(1, Math.min(MAX_IN_FLIGHT, Math.ceil(rate / 25)))
      : Math.max(1, MAX_IN_FLIGHT / lanes);
  const paid = deps.config.outbox.paidBroadcast === true;
  const publicUrl = deps.config.publicUrl;
  let running = true;
  // Waits end early on stop; an idle wait also on kick (a pacing wait never does).
  const waiting = new Set<() => void>();
  const idleWaits = new Set<() => void>();

  const sleep = (ms: number, idle = false) =>
    new Promise<void>((resolve) => {
      const done = () => {
        clearTimeout(timer);
        waiting.delete(done);
        idleWaits.delete(done);
        resolve();
      };
      const timer = setTimeout(done, Math.max(0, ms));
      waiting.add(done);
      if (idle) idleWaits.add(done);
    });

  async function round(): Promise<number> {
    const started = now();
    const settings = deps.loyalty ? await deps.loyalty.get() : defaultSettings;
    const capHours = settings.campaigns.frequencyCapHours;
    const claimed = await claimDueMessages(deps.sql, {
      now: started,
      limit: batchSize,
      leaseMs: LEASE_MS + batchSize * intervalMs,
      quietHours: isQuietTime(deps.config.outbox.quietHours, started, deps.config.timeZone),
      cap: deps.config.outbox.dailyCapPerCustomer,
      capWindowMs: DAY_MS,
      frequencyCapSince: capHours > 0 ? new Date(started.getTime() - capHours * HOUR_MS) : null,
    });
    if (claimed.length === 0) return 0;
    const batch = new Batch(claimed, settings);
    await batch.loadCampaigns();
    batch.precheck();
    const queue = batch.sendable();
    if (queue.length > 0) {
      // Pacing runs on real time (the database's clock hands out the slots), whatever `now`
      // says; unpaced, this still waits out a 429 pause another process began.
      const { waitMs } = await reserveSendingSlots(deps.sql, { count: queue.length, intervalMs });
      await batch.send(queue, Date.now() + waitMs);
    }
    await batch.settle();
    return claimed.length;
  }

  /** One claimed batch: what each row came to, and what stops the rest. */
  class Batch {
    readonly outcomes = new Map<bigint, Outcome>();
    readonly campaigns = new Map<string, DispatchedCampaign>();
    /** Campaigns paused or cancelled while the batch went: their rows not yet sent stop. */
    readonly halted = new Map<string, Halt>();
    readonly unreachable = new Set<bigint>();
    pausedUntil: Date | undefined;
    done = false;
    /** Ends the watcher's wait early: the batch is done. */
    wake: () => void = () => {};

    constructor(
      readonly rows: ClaimedMessage[],
      readonly settings: LoyaltySettings,
    ) {}

    async loadCampaigns() {
      const ids = [...new Set(this.rows.flatMap((r) => (r.campaignId ? [r.campaignId] : [])))];
      for (const campaign of await campaignsForDispatch(deps.sql, ids)) {
        this.campaigns.set(campaign.id, campaign);
        this.noteStatus(campaign.id, campaign.status);
      }
    }

    noteStatus(campaignId: string, status: string) {
      if (status === "PAUSED") this.halted.set(campaignId, { status: "PENDING" });
      else if (status === "CANCELLED") {
        this.halted.set(campaignId, { status: "CANCELLED", error: "campaign cancelled" });
      } else if (status !== "SENDING") this.halted.set(campaignId, { status: "PENDING" });
    }

    /** Rows decided without sending: skipped, blocked, broken. */
    precheck() {
      for (const row of this.rows) {
        const outcome = this.verdict(row);
        if (outcome) this.outcomes.set(row.id, outcome);
      }
    }

    verdict(row: ClaimedMessage): Outcome | undefined {
      const end = (status: Outcome["status"], error: string): Outcome => ({
        id: row.id,
        status,
        error,
      });
      if (row.kind === OutboxKind.campaign) {
        if (!row.campaignId || !this.campaigns.has(row.campaignId)) {
          return end("FAILED", "campaign not found");
        }
        const halt = this.halted.get(row.campaignId);
        if (halt) return this.giveBack(row, halt);
      }
      if (row.telegramId === null) return end("SKIPPED", "no Telegram account");
      if (row.marketing) {
        if (row.customerStatus !== "ACTIVE") return end("SKIPPED", "not an active customer");
        if (!row.marketingConsent) return end("SKIPPED", "no marketing consent");
        if (!row.reachable) return end("SKIPPED", "unreachable");
        if (row.capped) return end("SKIPPED", "frequency cap");
      } else if (!row.reachable) return end("BLOCKED", "unreachable");
      return undefined;
    }

    giveBack(row: ClaimedMessage, halt: Halt): Outcome {
      return halt.status === "CANCELLED"
        ? { id: row.id, status: "CANCELLED", error: halt.error ?? "campaign cancelled" }
        : {
            id: row.id,
            status: "PENDING",
            refund: true,
            notBefore: halt.notBefore ?? now(),
            ...(halt.error ? { error: halt.error } : {}),
          };
    }

    /**
     * What still has to go, in order. A campaign photo not uploaded yet goes with the first of
     * its rows alone; the others follow by the file_id Telegram gives it.
     */
    sendable(): ClaimedMessage[] {
      return this.rows.filter((row) => !this.outcomes.has(row.id));
    }

    async send(queue: ClaimedMessage[], firstSlot: number) {
      const checks = this.watch();
      try {
        const uploading = new Set<string>();
        const leaders: ClaimedMessage[] = [];
        const followers: ClaimedMessage[] = [];
        for (const row of queue) {
          const campaign = row.campaignId ? this.campaigns.get(row.campaignId) : undefined;
          const needsUpload =
            campaign &&
            isDelivery(row) &&
            (campaign.message as MessageSpec | null)?.photoUrl &&
            !campaign.photoFileId;
          if (needsUpload && !uploading.has(campaign.id)) {
            uploading.add(campaign.id);
            leaders.push(row);
          } else followers.push(row);
        }
        const ordered = [...leaders, ...followers];
        let next = 0;
        const worker = async (sequential: boolean) => {
          while (next < ordered.length) {
            const index = next++;
            const row = ordered[index] as ClaimedMessage;
            if (running) await sleep(firstSlot + index * intervalMs - Date.now());
            this.outcomes.set(row.id, await this.sendOne(row));
            if (sequential && next >= leaders.length) return;
          }
        };
        // The uploads first, one by one; then the rest, several at a time.
        if (leaders.length > 0) await worker(true);
        await Promise.all(Array.from({ length: inFlight }, () => worker(false)));
      } finally {
        this.done = true;
        this.wake();
        await checks;
      }
    }

    /** Every CHECK_MS while the batch goes: renew its claims, notice pauses and cancels. */
    async watch() {
      const campaignIds = [
        ...new Set(
          this.rows.flatMap((r) =>
            r.campaignId && r.kind === OutboxKind.campaign ? [r.campaignId] : [],
          ),
        ),
      ];
      while (!this.done) {
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, CHECK_MS);
          this.wake = () => {
            clearTimeout(timer);
            resolve();
          };
        });
        if (this.done) return;
        try {
          const open = this.rows.filter((r) => !this.outcomes.has(r.id)).map((r) => r.id);
          const state = await renewClaims(deps.sql, {
            ids: open,
            until: new Date(now().getTime() + LEASE_MS),
            campaignIds,
          });
          for (const [id, status] of state.campaigns) this.noteStatus(id, status);
          if (state.pausedForMs > 0) {
            const until = new Date(now().getTime() + state.pausedForMs);
            if (!this.pausedUntil || until > this.pausedUntil) this.pausedUntil = until;
          }
        } catch (err) {
          deps.logger.warn({ err }, "outbox claim renewal failed");
        }
      }
    }

    /** Sends one row, unless something stopped the batch first; returns what it came to. */
    async sendOne(row: ClaimedMessage): Promise<Outcome> {
      if (!running) return { id: row.id, status: "PENDING", refund: true, notBefore: now() };
      if (this.pausedUntil) {
        return {
          id: row.id,
          status: "PENDING",
          refund: true,
          notBefore: this.pausedUntil,
          error: "429: paused",
        };
      }
      if (row.campaignId && row.kind === OutboxKind.campaign) {
        const halt = this.halted.get(row.campaignId);
        if (halt) return this.giveBack(row, halt);
      }
      try {
        const sent = await this.deliver(row);
        return {
          id: row.id,
          status: "SENT",
          sentAt: now(),
          ...(sent ? { telegramMessageId: sent } : {}),
        };
      } catch (error) {
        return this.failure(row, error);
      }
    }

    /** Sends the row's message; returns the id of the message in the chat, if a new one. */
    async deliver(row: ClaimedMessage): Promise<number | undefined> {
      const chatId = Number(row.telegramId);
      const locale = pickLanguage(row.language, row.telegramLanguage, deps.config.defaultLanguage);
      const t = (key: string, vars?: Record<string, string | number>) =>
        deps.translate(locale, key, vars);
      const paidOption = paid ? { allow_paid_broadcast: true } : {};

      if (row.kind === OutboxKind.campaignChange) return this.change(row, locale);

      const owner = this.ownerMessage(row);
      if (owner) {
        const { spec, text, campaign } = owner;
        const rendered = renderText(
          textFor(text, locale),
          this.values(row, locale),
          spec.parseMode,
        );
        const reply_markup = keyboard(spec.buttons, row.id, locale, row.marketing, t, publicUrl);
        const options = {
          ...(spec.parseMode === "HTML" ? { parse_mode: "HTML" as const } : {}),
          ...(reply_markup ? { reply_markup } : {}),
          ...paidOption,
        };
        if (spec.photoUrl) {
          return (await this.sendPhoto(chatId, spec.photoUrl, campaign, rendered, options))
            .message_id;
        }
        return (await deps.api.sendMessage(chatId, rendered, options)).message_id;
      }

      const payload = row.payload as Partial<OutboxPayload> | null;
      if (typeof payload?.template !== "string") throw new Refused("payload without a template");
      const { text, reply_markup } = renderPayload(payload as OutboxPayload, t, locale);
      const sent = await deps.api.sendMessage(chatId, text, {
        ...(reply_markup ? { reply_markup } : {}),
        ...paidOption,
      });
      return sent.message_id;
    }

    /** A campaign's (or an automation's) words for this row, if it is such a row. */
    ownerMessage(
      row: ClaimedMessage,
    ): { spec: MessageSpec; text: OwnerText; campaign?: DispatchedCampaign } | undefined {
      if (isDelivery(row)) {
        const campaign = row.campaignId ? this.campaigns.get(row.campaignId) : undefined;
        if (!campaign) throw new Refused("campaign not found");
        const spec = campaign.message as MessageSpec;
        return { spec, text: variantText(campaign, row.variant) ?? spec.text, campaign };
      }
      const owner = (row.payload as Partial<OwnerMessagePayload> | null)?.owner;
      if (row.kind === OutboxKind.automation && owner) return { spec: owner, text: owner.text };
      return undefined;
    }

    values(row: ClaimedMessage, locale: Language): PlaceholderValues {
      const level = this.settings.tiers.levels.find((l) => l.key === row.tier);
      // An automation's own occasion ({bonus}, {expiry_date}, {days_left}…) rides in its row.
      const occasion =
        row.kind === OutboxKind.automation
          ? (row.payload as Partial<OwnerMessagePayload> | null)?.vars
          : undefined;
      const recipient = recipientValues({
        name: row.name,
        telegramFirstName: row.telegramFirstName,
        balance: row.balance,
        cardNumber: row.cardNumber,
        tierName: level?.name ?? deps.translate(locale, `tier-${row.tier}`),
        fields: { ...(row.attributes ?? {}), city: row.city },
      });
      return occasion ? { ...recipient, ...occasion } : recipient;
    }

    async sendPhoto(
      chatId: number,
      url: string,
      campaign: DispatchedCampaign | undefined,
      caption: string,
      options: Record<string, unknown>,
    ): Promise<Message.PhotoMessage> {
      const fileId = campaign?.photoFileId ?? null;
      try {
        const sent = await deps.api.sendPhoto(chatId, fileId ?? url, { caption, ...options });
        const uploaded = sent.photo?.at(-1)?.file_id;
        if (campaign && !fileId && uploaded && !campaign.photoFileId) {
          campaign.photoFileId = uploaded;
          await rememberCampaignPhoto(deps.sql, { campaignId: campaign.id, fileId: uploaded });
        }
        return sent;
      } catch (error) {
        if (!(error instanceof GrammyError) || error.error_code !== 400) throw error;
        if (!/file|url|photo|image|web page|wrong type/i.test(error.description)) throw error;
        if (!campaign) throw error;
        if (fileId) {
          // Telegram no longer knows the file_id (another bot token): upload from the URL again.
          if (campaign.photoFileId === fileId) {
            campaign.photoFileId = null;
            await rememberCampaignPhoto(deps.sql, { campaignId: campaign.id, fileId: null });
          }
          throw new GiveBack("photo: file_id refused, uploading again");
        }
        // The same URL would fail for every recipient: stop the campaign for the owner to fix.
        const message = `photo: ${error.description}`;
        await pauseCampaignOnError(deps.sql, {
          campaignId: campaign.id,
          at: now(),
          error: message,
        });
        this.halted.set(campaign.id, { status: "PENDING", error: message });
        deps.logger.warn({ campaignId: campaign.id }, "campaign paused: its photo failed");
        throw new GiveBack(message);
      }
    }

    /** Deletes or edits a campaign message already in the chat. */
    async change(row: ClaimedMessage, locale: Language): Promise<undefined> {
      const payload = row.payload as Partial<MessageChangePayload> | null;
      const chatId = Number(row.telegramId);
      if (!payload || typeof payload.messageId !== "number") {
        throw new Refused("change without a message id");
      }
      if (payload.change === "delete") {
        await deps.api.deleteMessage(chatId, payload.messageId);
        return undefined;
      }
      const campaign = row.campaignId ? this.campaigns.get(row.campaignId) : undefined;
      if (!campaign) throw new Refused("campaign not found");
      const spec = campaign.message as MessageSpec;
      const text = renderText(
        textFor(variantText(campaign, row.variant) ?? spec.text, locale),
        this.values(row, locale),
        spec.parseMode,
      );
      const t = (key: string, vars?: Record<string, string | number>) =>
        deps.translate(locale, key, vars);
      const deliveryId = payload.deliveryId ?? String(row.id);
      const reply_markup = keyboard(spec.buttons, deliveryId, locale, row.marketing, t, publicUrl);
      const options = {
        ...(spec.parseMode === "HTML" ? { parse_mode: "HTML" as const } : {}),
        ...(reply_markup ? { reply_markup } : {}),
      };
      if (spec.photoUrl) {
        await deps.api.editMessageCaption(chatId, payload.messageId, { caption: text, ...options });
      } else {
        await deps.api.editMessageText(chatId, payload.messageId, text, options);
      }
      return undefined;
    }

    /** What a failed send comes to; a 429 also stops the batch for everyone. */
    async failure(row: ClaimedMessage, error: unknown): Promise<Outcome> {
      const description = error instanceof Error ? error.message : String(error);
      if (error instanceof Refused) return { id: row.id, status: "FAILED", error: error.message };
      if (error instanceof GiveBack) {
        return {
          id: row.id,
          status: "PENDING",
          refund: true,
          notBefore: now(),
          error: error.message,
        };
      }
      if (error instanceof GrammyError) {
        if (error.error_code === 429) {
          const seconds = error.parameters.retry_after ?? 1;
          const until = new Date(now().getTime() + seconds * 1000);
          if (!this.pausedUntil || until > this.pausedUntil) {
            this.pausedUntil = until;
            await pauseSending(deps.sql, seconds);
            deps.logger.warn({ retryAfter: seconds }, "outbox paused by a 429");
          }
          return {
            id: row.id,
            status: "PENDING",
            refund: true,
            notBefore: until,
            error: "429: paused",
          };
        }
        const gone =
          error.error_code === 403 || /chat not found|user is deactivated/i.test(error.description);
        if (gone && row.kind !== OutboxKind.campaignChange) {
          this.unreachable.add(row.telegramId as bigint);
          return { id: row.id, status: "BLOCKED", error: error.description };
        }
        if (error.error_code < 500) {
          // Telegram will refuse this however often it is sent (too long, bad markup, a message
          // too old to delete or edit).
          return { id: row.id, status: "FAILED", error: error.description };
        }
      }
      if (row.attempts >= MAX_SEND_ATTEMPTS)
        return { id: row.id, status: "FAILED", error: description };
      return {
        id: row.id,
        status: "PENDING",
        notBefore: new Date(now().getTime() + retryDelayMs(row.attempts)),
        error: description,
      };
    }

    /** Records the batch in one statement, then what follows from it. */
    async settle() {
      // A row no worker reached (the dispatcher stopped): back to wait, its attempt refunded.
      for (const row of this.rows) {
        if (!this.outcomes.has(row.id)) {
          this.outcomes.set(row.id, {
            id: row.id,
            status: "PENDING",
            refund: true,
            notBefore: now(),
          });
        }
      }
      await settleOutboxMessages(deps.sql, [...this.outcomes.values()]);
      for (const telegramId of this.unreachable) {
        await setReachability(deps.sql, {
          telegramId: Number(telegramId),
          reachable: false,
          reason: "send_failed",
        }).catch((err: unknown) =>
          deps.logger.warn({ err }, "could not mark customer unreachable"),
        );
      }
      const touched = [
        ...new Set(
          this.rows.flatMap((r) =>
            r.campaignId &&
            r.kind === OutboxKind.campaign &&
            this.outcomes.get(r.id)?.status !== "PENDING"
              ? [r.campaignId]
              : [],
          ),
        ),
      ];
      const finished = await finishSentCampaigns(deps.sql, { ids: touched, at: now() });
      for (const campaignId of finished) deps.logger.info({ campaignId }, "campaign sent");
    }
  }

  const lane = async () => {
    while (running) {
      try {
        const handled = await round();
        if (handled === 0 && running) await sleep(pollMs, true);
      } catch (err) {
        deps.logger.error({ err }, "outbox dispatch failed");
        if (running) await sleep(pollMs * 5);
      }
    }
  };
  const loop = Promise.all(Array.from({ length: lanes }, lane));

  return {
    kick: () => {
      for (const done of [...idleWaits]) done();
    },
    async stop() {
      running = false;
      for (const done of [...waiting]) done();
      await loop;
    },
  };
}

/** Telegram would refuse it whatever we do: FAILED at once. */
class Refused extends Error {}
/** Not this row's fault (its campaign's photo): back to wait, its attempt refunded. */
class GiveBack extends Error {}

const isDelivery = (row: ClaimedMessage) =>
  row.kind === OutboxKind.campaign || row.kind === OutboxKind.campaignTest;

function variantText(campaign: DispatchedCampaign, variant: string | null): OwnerText | undefined {
  if (!variant || !Array.isArray(campaign.variants)) return undefined;
  const found = (campaign.variants as Array<{ key?: unknown; text?: OwnerText }>).find(
    (v) => v.key === variant,
  );
  return found?.text;
}

/**
 * A campaign message's buttons, one per row: URL buttons through the click-counting redirect
 * when PUBLIC_URL is set, callback buttons as `cmp:<delivery>:<index>`; under a marketing
 * message a last row to unsubscribe.
 */
function keyboard(
  buttons: readonly CampaignButton[] | undefined,
  deliveryId: bigint | string,
  locale: Language,
  marketing: boolean,
  t: (key: string) => string,
  publicUrl: string | undefined,
): InlineKeyboardMarkup | undefined {
  const rows: InlineKeyboardButton[][] = (buttons ?? []).map((button, index) => {
    const text = textFor(button.text, locale);
    if (!("url" in button)) return [{ text, callback_data: cb.campaignButton(deliveryId, index) }];
    const url = publicUrl
      ? `${publicUrl.replace(/\/+$/, "")}/r/${deliveryId}/${index}`
      : button.url;
    return [{ text, url }];
  });
  if (marketing) {
    rows.push([
      { text: t("campaign-unsubscribe-button"), callback_data: cb.unsubscribe(deliveryId) },
    ]);
  }
  return rows.length > 0 ? { inline_keyboard: rows } : undefined;
}
