import type { VersionedState, VersionedStateStorage } from "@grammyjs/conversations";
import type { Context, StorageAdapter } from "grammy";
import type { Sql } from "../core/db/sql.ts";
import { deleteBotState, readBotState, writeBotState } from "../core/db/tables/bot-state.ts";

/**
 * grammY session and conversation state in the "BotState" table, so a restart (or a deploy)
 * resumes every chat where it was: one SELECT to read, one INSERT … ON CONFLICT to write, one
 * DELETE to drop. `namespace` separates sessions from conversations.
 */
export class BotStateStorage<T> implements StorageAdapter<T> {
  constructor(
    private readonly sql: Sql,
    private readonly namespace: string,
  ) {}

  key(key: string): string {
    return `${this.namespace}:${key}`;
  }

  async read(key: string): Promise<T | undefined> {
    return (await readBotState(this.sql, this.key(key))) as T | undefined;
  }

  async write(key: string, value: T): Promise<void> {
    await writeBotState(this.sql, this.key(key), value);
  }

  async delete(key: string): Promise<void> {
    await deleteBotState(this.sql, this.key(key));
  }
}

/** What the customer loader read for the conversations plugin (see load-customer.ts). */
export type PrefetchedState = { key: string; value: unknown };

/**
 * Conversation state for @grammyjs/conversations, which reads it on every update. The read
 * comes free with the statement that loads the customer (the loader stores it on the context
 * as `prefetchedState`); only updates without a sender read it on their own.
 */
export function conversationStorage<C extends Context & { prefetchedState?: PrefetchedState }, S>(
  storage: BotStateStorage<VersionedState<S>>,
  keyOf: (ctx: Context) => string | undefined,
): VersionedStateStorage<C, S> {
  return {
    async read(ctx) {
      const key = keyOf(ctx);
      if (key === undefined) return undefined;
      const prefetched = ctx.prefetchedState;
      if (prefetched?.key === storage.key(key)) {
        return prefetched.value as VersionedState<S> | undefined;
      }
      return storage.read(key);
    },
    async write(ctx, state) {
      const key = keyOf(ctx);
      if (key !== undefined) await storage.write(key, state);
    },
    async delete(ctx) {
      const key = keyOf(ctx);
      if (key !== undefined) await storage.delete(key);
    },
  };
}
