import type { MiddlewareFn } from "grammy";

/**
 * Counts updates being handled. @grammyjs/runner's stop() ends fetching but does not wait for
 * middleware already running, so shutdown drains this before closing the database.
 */
export class InFlightUpdates {
  private readonly running = new Set<Promise<unknown>>();

  readonly middleware: MiddlewareFn = async (_ctx, next) => {
    const handling = next();
    this.running.add(handling);
    try {
      await handling;
    } finally {
      this.running.delete(handling);
    }
  };

  get size(): number {
    return this.running.size;
  }

  async drain(): Promise<void> {
    while (this.running.size > 0) await Promise.allSettled([...this.running]);
  }
}
