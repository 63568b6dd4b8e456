import type { StorageAdapter } from "grammy";
import type { Prisma, PrismaClient } from "../core/db/client.ts";

/**
 * Keeps grammY session and conversation state in the BotState table, so a restart (or a deploy)
 * resumes every chat where it was. `namespace` separates sessions from conversations.
 */
export class DatabaseStorage<T> implements StorageAdapter<T> {
  constructor(
    private readonly db: PrismaClient,
    private readonly namespace: string,
  ) {}

  private key(key: string): string {
    return `${this.namespace}:${key}`;
  }

  async read(key: string): Promise<T | undefined> {
    const row = await this.db.botState.findUnique({ where: { key: this.key(key) } });
    return row ? (row.value as T) : undefined;
  }

  async write(key: string, value: T): Promise<void> {
    const json = value as unknown as Prisma.InputJsonValue;
    await this.db.botState.upsert({
      where: { key: this.key(key) },
      create: { key: this.key(key), value: json },
      update: { value: json },
    });
  }

  async delete(key: string): Promise<void> {
    await this.db.botState.deleteMany({ where: { key: this.key(key) } });
  }
}
