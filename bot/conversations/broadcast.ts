import { InlineKeyboard } from "grammy";
import type { MessageEntity } from "grammy/types";
import { type Actor, can, Permission } from "../../core/access/permissions.ts";
import { countAudience } from "../../core/campaigns/audience.ts";
import { CAPTION_MAX, type CampaignInput, TEXT_MAX } from "../../core/campaigns/campaign-input.ts";
import { createCampaign } from "../../core/campaigns/create-campaign.ts";
import { launchCampaign } from "../../core/campaigns/launch-campaign.ts";
import { escapeHtml, unknownPlaceholders } from "../../core/campaigns/message.ts";
import { previewMessage } from "../../core/campaigns/preview.ts";
import { sendTestMessage } from "../../core/campaigns/test-send.ts";
import type { CampaignDeps } from "../../core/campaigns/types.ts";
import { updateCampaign } from "../../core/campaigns/update-campaign.ts";
import { AppError } from "../../core/errors.ts";
import { TierKeys } from "../../core/loyalty/settings.ts";
import { localDateOf, startOfLocalDay } from "../../core/scheduling/calendar.ts";
import { listSegments } from "../../core/segments/manage-segments.ts";
import type { BotDeps } from "../context.ts";
import { answerCallback, removeButtons } from "../cosmetic.ts";
import { staffActor } from "../staff.ts";
import { tierLabel } from "../views/card.ts";
import { adoptLocale } from "./locale.ts";
import type { StepContext, StepConversation, StepDeps } from "./steps.ts";

export const BROADCAST = "broadcast";

/** Callback data of the conversation's buttons (`bc:…`), and the status refresh outside it. */
export const broadcastCb = {
  cancel: "bc:cancel",
  all: "bc:a:all",
  segment: (id: string) => `bc:a:s:${id}`,
  tier: (key: string) => `bc:a:t:${key}`,
  test: "bc:test",
  now: "bc:now",
  schedule: "bc:schedule",
  confirm: "bc:confirm",
  back: "bc:back",
  /** A button of the preview: shows what the customer will see, does nothing. */
  noop: "bc:noop",
  status: (campaignId: string) => `bc:st:${campaignId}`,
} as const;

const uuid = "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}";
const audiencePattern = new RegExp(`^bc:a:(?:(all)|s:(${uuid})|t:([a-z]+))$`);
export const broadcastStatusPattern = new RegExp(`^bc:st:(${uuid})$`);

export type BroadcastDeps = StepDeps & Pick<BotDeps, "prisma">;

/** The core's campaign dependencies for this staff member. */
export function campaignDeps(
  deps: Pick<BotDeps, "prisma" | "sql" | "config" | "loyalty" | "questions">,
  actor: Actor,
): CampaignDeps {
  return {
    db: deps.prisma,
    sql: deps.sql,
    timeZone: deps.config.timeZone,
    actor,
    loyalty: deps.loyalty,
    questions: deps.questions,
  };
}

/** The words as typed: HTML when the staff member used Telegram's formatting (bold, links…). */
type Draft = { text: string; html: boolean; photo: string | null };
type Audience = { segment: CampaignInput["segment"]; label: string };
/** What a core call left for the conversation: plain JSON, kept in its state. */
type Outcome<T> = { ok: true; value: T } | { ok: false; message: string; names: string[] };

const CANCELLED = Symbol("cancelled");
type Cancelled = typeof CANCELLED;

/**
 * /broadcast for managers and owners: the text (or a photo with a caption), the audience
 * (everyone subscribed, a saved segment, a tier), the message exactly as a customer will see it
 * with the number of recipients, a test to oneself, then now or at a typed time, confirmed.
 * It creates the same campaign the API does (core/campaigns); every core call goes through
 * `external`, so the conversation resumes where it was after a restart. The launch is the
 * conversation's last step: a second tap on Confirm finds no conversation and sends nothing.
 */
export function createBroadcast(deps: BroadcastDeps) {
  return async function broadcast(conversation: StepConversation, ctx: StepContext): Promise<void> {
    const locale = await adoptLocale(conversation, ctx);
    const start = await conversation.external(async (outside) => {
      const actor = staffActor(outside);
      if (!actor || !can(actor.role, Permission.broadcast)) return null;
      const settings = await deps.loyalty.get();
      const segments = await listSegments({
        db: deps.prisma,
        sql: deps.sql,
        timeZone: deps.config.timeZone,
        actor,
      });
      const keys = (await deps.questions.all()).map((question) => question.key);
      return {
        actor,
        tiers: settings.tiers.levels.map((level) => ({ key: level.key, name: level.name ?? null })),
        segments: segments.map((segment) => ({ id: segment.id, name: segment.name })),
        keys,
      };
    });
    if (!start) return void (await ctx.reply(ctx.t("broadcast-forbidden")));
    const { actor } = start;
    const core = () => campaignDeps(deps, actor);

    let campaignId: string | null = null;
    let draft: Draft | null = null;
    let audience: Audience | null = null;
    for (;;) {
      if (!draft) {
        const typed = await askText(conversation, ctx, deps, start.keys);
        if (typed === CANCELLED) return;
        draft = typed;
      }
      if (!audience) {
        const picked = await askAudience(conversation, ctx, deps, start);
        if (picked === CANCELLED) return;
        audience = picked;
      }
      const input: CampaignInput = {
        name: campaignName(draft.text),
        text: draft.text,
        segment: audience.segment,
        ...(draft.photo ? { photoUrl: draft.photo } : {}),
        ...(draft.html ? { parseMode: "HTML" as const } : {}),
      };
      const saved = await attempt(conversation, async () =>
        campaignId
          ? (await updateCampaign(core(), campaignId, input)).id
          : (await createCampaign(core(), input)).id,
      );
      if (saved.ok) {
        campaignId = saved.value;
        break;
      }
      await ctx.reply(refusal(ctx, saved));
      // The words are what core refused (a placeholder, a photo): write them again.
      draft = null;
    }
    const id = campaignId;
    const words = draft;
    const chosen = audience;

    for (;;) {
      const shown = await showPreview(conversation, ctx, core, id, chosen);
      if (!shown) return;
      const choice = await askChoice(conversation, ctx, deps, core, actor, id, shown.count);
      if (choice === CANCELLED) return;
      let sendAt: string | null = null;
      if (choice === "schedule") {
        const when = await askTime(conversation, ctx, deps, locale);
        if (when === CANCELLED) return;
        sendAt = when;
      }
      const confirmed = await askConfirm(conversation, ctx, deps, locale, shown.count, sendAt);
      if (confirmed === CANCELLED) return;
      if (!confirmed) continue;
      const launched = await attempt(conversation, async () => {
        if (sendAt) {
          await updateCampaign(core(), id, {
            name: campaignName(words.text),
            text: words.text,
            segment: chosen.segment,
            ...(words.photo ? { photoUrl: words.photo } : {}),
            ...(words.html ? { parseMode: "HTML" as const } : {}),
            sendAt,
          });
        }
        const view = await launchCampaign(core(), id);
        return view.status as string;
      });
      if (!launched.ok) {
        await ctx.reply(refusal(ctx, launched));
        return;
      }
      await ctx.reply(
        ctx.t(sendAt ? "broadcast-scheduled" : "broadcast-launched", {
          id,
          when: sendAt ? formatWhen(new Date(sendAt), locale, deps.config.timeZone) : "",
          count: shown.count,
        }),
        {
          reply_markup: new InlineKeyboard().text(
            ctx.t("btn-broadcast-refresh"),
            broadcastCb.status(id),
          ),
        },
      );
      return;
    }
  };
}

/** A short name for the list of campaigns: the text's first line. */
function campaignName(text: string): string {
  const line = text.split("\n")[0]?.trim() ?? "";
  const short = line.length > 60 ? `${line.slice(0, 59)}…` : line;
  return short || "Broadcast";
}

/** Runs a core call in `external`, with its refusal (an AppError) kept as plain words. */
async function attempt<T>(
  conversation: StepConversation,
  call: () => Promise<T>,
): Promise<Outcome<T>> {
  return conversation.external(async (): Promise<Outcome<T>> => {
    try {
      return { ok: true, value: await call() };
    } catch (error) {
      if (!(error instanceof AppError)) throw error;
      // Core names each unknown placeholder in its issues: "unknown placeholder {foo}".
      const issues = (error.details?.issues ?? []) as Array<{ message?: unknown }>;
      const names = issues.flatMap((issue) => {
        const found = /unknown placeholder \{([^}]+)\}/.exec(String(issue.message ?? ""));
        return found?.[1] ? [found[1]] : [];
      });
      return { ok: false, message: error.message, names };
    }
  });
}

function refusal(ctx: StepContext, outcome: { message: string; names: string[] }): string {
  if (outcome.names.length > 0) {
    return ctx.t("broadcast-unknown-placeholder", { names: formatNames(outcome.names) });
  }
  return ctx.t("broadcast-refused", { reason: outcome.message });
}

const formatNames = (names: readonly string[]) => names.map((name) => `{${name}}`).join(", ");

const cancelKeyboard = (ctx: StepContext) =>
  new InlineKeyboard().text(ctx.t("btn-cancel"), broadcastCb.cancel);

// The staff menu's own buttons: pressing one mid-broadcast means "never mind, do this".
const staffMenuKeys = [
  "staff-menu-find",
  "staff-menu-new-customer",
  "staff-menu-customer-mode",
  "staff-menu-broadcast",
  "menu-staff-mode",
];

/**
 * The next update of a step: the Cancel button ends the broadcast (said so); a command or a
 * menu button leaves it for the rest of the bot, as at the till, instead of becoming the text.
 */
async function next(
  conversation: StepConversation,
  deps: BroadcastDeps,
): Promise<StepContext | Cancelled> {
  const c = await conversation.wait();
  if (c.callbackQuery?.data === broadcastCb.cancel) {
    await answerCallback(c);
    await removeButtons(c);
    await c.reply(c.t("broadcast-cancelled"));
    return CANCELLED;
  }
  const text = c.message?.text;
  if (
    text !== undefined &&
    (text.startsWith("/") ||
      deps.menuLabels.has(text) ||
      staffMenuKeys.some((key) => c.t(key) === text))
  ) {
    await conversation.halt({ next: true });
  }
  return c;
}

async function askText(
  conversation: StepConversation,
  ctx: StepContext,
  deps: BroadcastDeps,
  keys: string[],
): Promise<Draft | Cancelled> {
  await ctx.reply(ctx.t("broadcast-ask-text"), { reply_markup: cancelKeyboard(ctx) });
  for (;;) {
    const c = await next(conversation, deps);
    if (c === CANCELLED) return CANCELLED;
    if (c.callbackQuery) {
      await answerCallback(c);
      continue;
    }
    const photo = c.message?.photo;
    const text = c.message?.text ?? c.message?.caption;
    if (photo && !c.message?.caption) {
      await c.reply(c.t("broadcast-photo-needs-caption"));
      continue;
    }
    if (text === undefined) {
      await c.reply(c.t("broadcast-text-expected"));
      continue;
    }
    const max = photo ? CAPTION_MAX : TEXT_MAX;
    if (text.length > max) {
      await c.reply(
        c.t(photo ? "broadcast-caption-too-long" : "broadcast-text-too-long", {
          max,
          length: text.length,
        }),
      );
      continue;
    }
    const unknown = unknownPlaceholders(text, keys);
    if (unknown.length > 0) {
      await c.reply(c.t("broadcast-unknown-placeholder", { names: formatNames(unknown) }));
      continue;
    }
    // The largest size Telegram made of the photo; its file_id sends it again without upload.
    const fileId = photo ? (photo.at(-1)?.file_id ?? null) : null;
    const html = entitiesToHtml(text, c.message?.entities ?? c.message?.caption_entities ?? []);
    return html === null
      ? { text, html: false, photo: fileId }
      : { text: html, html: true, photo: fileId };
  }
}

async function askAudience(
  conversation: StepConversation,
  ctx: StepContext,
  deps: BroadcastDeps,
  options: {
    tiers: Array<{ key: string; name: string | null }>;
    segments: Array<{ id: string; name: string }>;
  },
): Promise<Audience | Cancelled> {
  const keyboard = new InlineKeyboard().text(ctx.t("btn-broadcast-all"), broadcastCb.all).row();
  for (const segment of options.segments.slice(0, 20)) {
    keyboard.text(`👥 ${segment.name}`, broadcastCb.segment(segment.id)).row();
  }
  for (const tier of options.tiers) {
    keyboard.text(
      ctx.t("btn-broadcast-tier", { tier: tierLabel(ctx.t, tier.key, tier.name) }),
      broadcastCb.tier(tier.key),
    );
  }
  keyboard.row().text(ctx.t("btn-cancel"), broadcastCb.cancel);
  await ctx.reply(ctx.t("broadcast-ask-audience"), { reply_markup: keyboard });
  for (;;) {
    const c = await next(conversation, deps);
    if (c === CANCELLED) return CANCELLED;
    const match = audiencePattern.exec(c.callbackQuery?.data ?? "");
    if (!match) {
      if (c.callbackQuery) await answerCallback(c);
      else await c.reply(c.t("press-button-hint"));
      continue;
    }
    await answerCallback(c);
    await removeButtons(c);
    const [, all, segmentId, tierKey] = match;
    if (all) return { segment: "all", label: c.t("btn-broadcast-all") };
    if (segmentId) {
      const segment = options.segments.find((s) => s.id === segmentId);
      if (segment) return { segment: segmentId, label: segment.name };
    }
    const tier = options.tiers.find((t) => t.key === tierKey);
    if (tier && (TierKeys as readonly string[]).includes(tier.key)) {
      return {
        segment: { field: "tier", op: "eq", value: tier.key },
        label: c.t("btn-broadcast-tier", { tier: tierLabel(c.t, tier.key, tier.name) }),
      };
    }
    await c.reply(c.t("press-button-hint"));
  }
}

/** The message as a customer will see it (for a sample customer), then the count. */
async function showPreview(
  conversation: StepConversation,
  ctx: StepContext,
  core: () => CampaignDeps,
  id: string,
  audience: Audience,
): Promise<{ count: number } | null> {
  const preview = await attempt(conversation, async () => {
    const message = await previewMessage(core(), id);
    const count = await countAudience(core(), audience.segment);
    return { message, count };
  });
  if (!preview.ok) {
    await ctx.reply(refusal(ctx, preview));
    return null;
  }
  const { message, count } = preview.value;
  const keyboard = new InlineKeyboard();
  for (const button of message.buttons) {
    if ("url" in button) keyboard.url(button.text, button.url).row();
    else keyboard.text(button.text, broadcastCb.noop).row();
  }
  const markup = message.buttons.length > 0 ? { reply_markup: keyboard } : {};
  const parseMode = message.parseMode ? { parse_mode: message.parseMode } : {};
  await ctx.reply(ctx.t("broadcast-preview-intro"));
  if (message.photoUrl) {
    await ctx.replyWithPhoto(message.photoUrl, { caption: message.text, ...parseMode, ...markup });
  } else {
    await ctx.reply(message.text, { ...parseMode, ...markup });
  }
  return { count };
}

async function askChoice(
  conversation: StepConversation,
  ctx: StepContext,
  deps: BroadcastDeps,
  core: () => CampaignDeps,
  actor: Actor,
  id: string,
  count: number,
): Promise<"now" | "schedule" | Cancelled> {
  const keyboard = new InlineKeyboard()
    .text(ctx.t("btn-broadcast-test"), broadcastCb.test)
    .row()
    .text(ctx.t("btn-broadcast-now"), broadcastCb.now)
    .text(ctx.t("btn-broadcast-schedule"), broadcastCb.schedule)
    .row()
    .text(ctx.t("btn-cancel"), broadcastCb.cancel);
  await ctx.reply(ctx.t("broadcast-choice", { count }), { reply_markup: keyboard });
  for (;;) {
    const c = await next(conversation, deps);
    if (c === CANCELLED) return CANCELLED;
    const data = c.callbackQuery?.data;
    if (data === broadcastCb.test) {
      await answerCallback(c);
      const staffId = actor.staffId;
      const sent = await attempt(conversation, async () => {
        if (staffId) await sendTestMessage(core(), id, staffId);
        return staffId !== null;
      });
      await c.reply(sent.ok ? c.t("broadcast-test-sent") : refusal(c, sent));
      continue;
    }
    if (data === broadcastCb.now || data === broadcastCb.schedule) {
      await answerCallback(c);
      await removeButtons(c);
      return data === broadcastCb.now ? "now" : "schedule";
    }
    if (c.callbackQuery) await answerCallback(c);
    else await c.reply(c.t("press-button-hint"));
  }
}

/** "25.12 10:00" or "25.12.2026 10:00" on the business's wall clock, as an ISO instant. */
export function parseSendTime(
  text: string,
  now: Date,
  timeZone: string,
): { ok: true; at: Date } | { ok: false; reason: "format" | "past" } {
  const match = /^\s*(\d{1,2})\.(\d{1,2})(?:\.(\d{4}))?\s+(\d{1,2})[:.](\d{2})\s*$/.exec(text);
  if (!match) return { ok: false, reason: "format" };
  const [day, month, year, hour, minute] = match.slice(1).map((part) => Number(part));
  if (
    !day ||
    !month ||
    month > 12 ||
    day > 31 ||
    (hour as number) > 23 ||
    (minute as number) > 59
  ) {
    return { ok: false, reason: "format" };
  }
  const today = localDateOf(now, timeZone);
  const at = (y: number) => {
    const local = { year: y, month, day };
    // 31.02 is no day: the calendar would roll it over into March.
    const check = new Date(Date.UTC(y, month - 1, day));
    if (check.getUTCDate() !== day) return null;
    const midnight = startOfLocalDay(local, timeZone).getTime();
    return new Date(midnight + ((hour as number) * 60 + (minute as number)) * 60_000);
  };
  let when = at(match[3] ? (year as number) : today.year);
  if (!when) return { ok: false, reason: "format" };
  // Without a year a day already gone this year is next year's ("05.01" typed in December).
  if (!match[3] && when.getTime() < startOfLocalDay(today, timeZone).getTime()) {
    when = at(today.year + 1);
    if (!when) return { ok: false, reason: "format" };
  }
  if (when.getTime() <= now.getTime()) return { ok: false, reason: "past" };
  return { ok: true, at: when };
}

function formatWhen(at: Date, locale: string, timeZone: string): string {
  return new Intl.DateTimeFormat(locale === "en" ? "en-GB" : "ru-RU", {
    timeZone,
    day: "2-digit",
    month: "2-digit",
    year: "numeric",
    hour: "2-digit",
    minute: "2-digit",
  }).format(at);
}

async function askTime(
  conversation: StepConversation,
  ctx: StepContext,
  deps: BroadcastDeps,
  locale: string,
): Promise<string | Cancelled> {
  const now = await conversation.now();
  await ctx.reply(
    ctx.t("broadcast-ask-time", {
      example: formatWhen(new Date(now + 86_400_000), locale, deps.config.timeZone).replace(
        /\.\d{4},?/,
        "",
      ),
    }),
    { reply_markup: cancelKeyboard(ctx) },
  );
  for (;;) {
    const c = await next(conversation, deps);
    if (c === CANCELLED) return CANCELLED;
    if (c.callbackQuery) {
      await answerCallback(c);
      continue;
    }
    const text = c.message?.text;
    if (text === undefined) {
      await c.reply(c.t("broadcast-time-format"));
      continue;
    }
    const parsed = parseSendTime(text, new Date(await conversation.now()), deps.config.timeZone);
    if (parsed.ok) return parsed.at.toISOString();
    await c.reply(c.t(parsed.reason === "past" ? "broadcast-time-past" : "broadcast-time-format"));
  }
}

/** True to send, false to go back to the preview. */
async function askConfirm(
  conversation: StepConversation,
  ctx: StepContext,
  deps: BroadcastDeps,
  locale: string,
  count: number,
  sendAt: string | null,
): Promise<boolean | Cancelled> {
  const when = sendAt ? formatWhen(new Date(sendAt), locale, deps.config.timeZone) : "";
  await ctx.reply(
    ctx.t(sendAt ? "broadcast-confirm-at" : "broadcast-confirm-now", { count, when }),
    {
      reply_markup: new InlineKeyboard()
        .text(
          ctx.t(sendAt ? "btn-broadcast-confirm-at" : "btn-broadcast-confirm-now"),
          broadcastCb.confirm,
        )
        .row()
        .text(ctx.t("btn-broadcast-back"), broadcastCb.back)
        .text(ctx.t("btn-cancel"), broadcastCb.cancel),
    },
  );
  for (;;) {
    const c = await next(conversation, deps);
    if (c === CANCELLED) return CANCELLED;
    const data = c.callbackQuery?.data;
    if (data === broadcastCb.confirm || data === broadcastCb.back) {
      await answerCallback(c);
      await removeButtons(c);
      return data === broadcastCb.confirm;
    }
    if (c.callbackQuery) await answerCallback(c);
    else await c.reply(c.t("press-button-hint"));
  }
}

/** Telegram's formatting entities as the HTML tags that make them again. */
const entityTags: Partial<
  Record<MessageEntity["type"], (entity: MessageEntity) => [string, string]>
> = {
  bold: () => ["<b>", "</b>"],
  italic: () => ["<i>", "</i>"],
  underline: () => ["<u>", "</u>"],
  strikethrough: () => ["<s>", "</s>"],
  spoiler: () => ["<tg-spoiler>", "</tg-spoiler>"],
  code: () => ["<code>", "</code>"],
  pre: () => ["<pre>", "</pre>"],
  blockquote: () => ["<blockquote>", "</blockquote>"],
  text_link: (entity) => [
    `<a href="${escapeHtml("url" in entity ? entity.url : "").replace(/"/g, "&quot;")}">`,
    "</a>",
  ],
};

/**
 * The text with the formatting the staff member gave it in Telegram (bold, italic, links…) as
 * HTML, everything else escaped; null when it has none (it goes as plain text). Telegram's
 * entities nest; offsets count UTF-16 units, as JS strings do.
 */
export function entitiesToHtml(text: string, entities: readonly MessageEntity[]): string | null {
  const formatting = entities
    .filter((entity) => entityTags[entity.type] && entity.length > 0)
    .sort((a, b) => a.offset - b.offset || b.length - a.length);
  if (formatting.length === 0) return null;
  let html = "";
  let at = 0;
  const open: Array<{ end: number; close: string }> = [];
  const closeUntil = (position: number) => {
    while (open.length > 0 && (open.at(-1) as { end: number }).end <= position) {
      const top = open.pop() as { end: number; close: string };
      html += escapeHtml(text.slice(at, top.end)) + top.close;
      at = top.end;
    }
  };
  for (const entity of formatting) {
    closeUntil(entity.offset);
    html += escapeHtml(text.slice(at, entity.offset));
    at = entity.offset;
    const [start, close] = (entityTags[entity.type] as (e: MessageEntity) => [string, string])(
      entity,
    );
    // An entity reaching past the one it starts in is cut at that one's end: tags must nest.
    const parentEnd = open.at(-1)?.end ?? text.length;
    html += start;
    open.push({ end: Math.min(entity.offset + entity.length, parentEnd), close });
  }
  closeUntil(text.length);
  return html + escapeHtml(text.slice(at));
}
