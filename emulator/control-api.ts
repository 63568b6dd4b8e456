import type { HttpBindings } from "@hono/node-server";
import { Hono } from "hono";
import { z } from "zod";
import type { EmulatorState } from "./state.ts";
import type { BotMessage, ChatEvent, UserProfile } from "./types.ts";
import type { SimulatedUser } from "./user.ts";
import { WebhookDeliveryError } from "./webhook.ts";

/**
 * HTTP remote control for simulated users, used by the terminal chat (`npm run chat`) from
 * another process. It has no authentication, so it only answers loopback clients.
 */
export function createControlApi(
  state: EmulatorState,
  userFor: (profile: UserProfile) => SimulatedUser,
  openChats: (profiles: UserProfile[]) => void,
): Hono<{ Bindings: HttpBindings }> {
  const app = new Hono<{ Bindings: HttpBindings }>();

  app.use(async (c, next) => {
    const address = c.env?.incoming?.socket?.remoteAddress ?? "";
    if (!["127.0.0.1", "::1", "::ffff:127.0.0.1"].includes(address)) {
      return c.json({ ok: false, error: "the control API only answers local clients" }, 403);
    }
    await next();
  });

  app.onError((error, c) => {
    const status = error instanceof WebhookDeliveryError ? 502 : 400;
    return c.json({ ok: false, error: error.message }, status);
  });

  app.get("/health", (c) =>
    c.json({
      ok: true,
      bot: { id: state.botUser.id, username: state.botUser.username },
      webhook: state.webhook.config?.url ?? null,
    }),
  );

  /** Runs a user action and reports whether the bot received it within a second. */
  const act = (
    route: string,
    schema: z.ZodType,
    action: (user: SimulatedUser, body: Record<string, unknown>) => Promise<unknown>,
  ) =>
    app.post(`/users/:id/${route}`, async (c) => {
      const id = Number(c.req.param("id"));
      if (!Number.isSafeInteger(id) || id <= 0)
        throw new Error("user id must be a positive integer");
      const body = schema.parse(await c.req.json().catch(() => ({}))) as Record<string, unknown>;
      const user = userFor(profileFrom(state, id, body));
      const delivered = await settledWithin(action(user, body), 1000);
      return c.json({ ok: true, delivered });
    });

  const profile = {
    first_name: z.string().min(1).optional(),
    last_name: z.string().optional(),
    username: z.string().optional(),
    language_code: z.string().optional(),
  };
  act("text", z.object({ text: z.string().min(1), ...profile }), (user, body) =>
    user.sendText(String(body.text)),
  );
  act(
    "command",
    z.object({ command: z.string().min(1), payload: z.string().optional(), ...profile }),
    (user, body) =>
      user.sendCommand(String(body.command), body.payload ? String(body.payload) : undefined),
  );
  act(
    "contact",
    z.object({
      phone_number: z.string().min(1),
      user_id: z.number().int().nullable().optional(),
      contact_first_name: z.string().optional(),
      ...profile,
    }),
    (user, body) =>
      user.shareContact({
        phone_number: String(body.phone_number),
        ...(body.user_id !== undefined ? { user_id: body.user_id as number | null } : {}),
        ...(body.contact_first_name ? { first_name: String(body.contact_first_name) } : {}),
      }),
  );
  act("sticker", z.object({ emoji: z.string().optional(), ...profile }), (user, body) =>
    user.sendSticker(body.emoji ? String(body.emoji) : undefined),
  );
  act("photo", z.object({ caption: z.string().optional(), ...profile }), (user, body) =>
    user.sendPhoto(body.caption ? { caption: String(body.caption) } : {}),
  );
  act(
    "press",
    z.object({
      messageId: z.number().int().optional(),
      data: z.string().optional(),
      text: z.string().optional(),
    }),
    (user, body) => user.pressButton(body),
  );
  act("block", z.object({}), (user) => user.blockBot());
  act("unblock", z.object({}), (user) => user.unblockBot());

  app.get("/chats/:id/messages", async (c) => {
    const chatId = Number(c.req.param("id"));
    const after = Number(c.req.query("after") ?? 0) || 0;
    const waitSeconds = Math.min(60, Math.max(0, Number(c.req.query("wait") ?? 0) || 0));
    let events = state.chats.eventsAfter(chatId, after);
    if (events.length === 0 && waitSeconds > 0) {
      const signal = AbortSignal.any([c.req.raw.signal, state.lifetime.signal]);
      await state.chats.nextEvent((event) => event.chatId === chatId, waitSeconds * 1000, signal);
      events = state.chats.eventsAfter(chatId, after);
    }
    return c.json({
      ok: true,
      events: events.map(eventJson),
      last_seq: events.at(-1)?.seq ?? after,
      reply_keyboard: state.chats.get(chatId)?.replyKeyboard ?? null,
    });
  });

  // Faults, flood control and duplicate counts for a bot in another process (see faults.ts).
  app.post("/faults", async (c) => {
    const spec = z
      .object({
        kind: z.enum(["400", "429", "403", "500", "502", "timeout", "reset"]),
        method: z.string().optional(),
        chatId: z.number().int().optional(),
        times: z.number().int().positive().nullable().optional(),
        retryAfter: z.number().int().positive().optional(),
        latencyMs: z.number().int().min(0).optional(),
        description: z.string().optional(),
      })
      .parse(await c.req.json());
    // JSON has no Infinity: null means "until cleared".
    const { times, ...rest } = spec;
    state.faults.inject({ ...rest, ...(times !== undefined ? { times: times ?? Infinity } : {}) });
    return c.json({ ok: true });
  });
  app.delete("/faults", (c) => {
    state.faults.clear();
    state.faults.setRateLimit(null);
    return c.json({ ok: true });
  });
  app.post("/rate-limit", async (c) => {
    const body = z
      .object({
        perSecond: z.number().int().positive().nullable(),
        methods: z.array(z.string()).optional(),
      })
      .parse(await c.req.json());
    state.faults.setRateLimit(
      body.perSecond === null
        ? null
        : { perSecond: body.perSecond, ...(body.methods ? { methods: body.methods } : {}) },
    );
    return c.json({ ok: true });
  });
  app.get("/sent-counts", (c) =>
    c.json({ ok: true, chats: Object.fromEntries(state.sentPerChat) }),
  );
  app.post("/chats", async (c) => {
    const body = z
      .object({
        users: z.array(
          z.object({
            id: z.number().int().positive(),
            first_name: z.string().min(1),
            language_code: z.string().optional(),
          }),
        ),
      })
      .parse(await c.req.json());
    openChats(body.users);
    return c.json({ ok: true, opened: body.users.length });
  });

  app.get("/files/:fileId", (c) => {
    const file = state.files.get(c.req.param("fileId"));
    if (!file) return c.json({ ok: false, error: "unknown file_id" }, 404);
    return c.body(new Uint8Array(file.bytes), 200, {
      "content-type": file.mime_type ?? contentTypeOf(file.bytes),
    });
  });

  return app;
}

/** Profile of the user a control request acts as: the known one, updated by the request. */
function profileFrom(state: EmulatorState, id: number, body: Record<string, unknown>): UserProfile {
  const known = state.users.get(id);
  const pick = (key: keyof UserProfile) =>
    typeof body[key] === "string" ? { [key]: body[key] as string } : {};
  return {
    id,
    first_name: known?.first_name ?? `User ${id}`,
    ...known,
    ...pick("first_name"),
    ...pick("last_name"),
    ...pick("username"),
    ...pick("language_code"),
  };
}

/** true when the action's update reached the bot in time, false if it is still queued. */
async function settledWithin(promise: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), ms);
  });
  promise.catch(() => {}); // a late failure must not become an unhandled rejection
  try {
    return await Promise.race([promise.then(() => true as const), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** Media bytes are replaced by a download URL so events stay small JSON. */
function eventJson(event: ChatEvent) {
  const { photo, document, raw: _raw, ...message } = event.message;
  const file = (value: { file_id: string; bytes: Buffer }) => {
    const { bytes: _bytes, ...rest } = value;
    return { ...rest, size: value.bytes.length, download_url: `/control/files/${value.file_id}` };
  };
  const json: Record<string, unknown> = { ...message };
  if (photo) json.photo = file(photo);
  if (document) json.document = file(document);
  return { seq: event.seq, type: event.type, message: json as Omit<BotMessage, "raw"> };
}

function contentTypeOf(bytes: Buffer): string {
  if (bytes[0] === 0x89 && bytes[1] === 0x50) return "image/png";
  if (bytes[0] === 0xff && bytes[1] === 0xd8) return "image/jpeg";
  return "application/octet-stream";
}
