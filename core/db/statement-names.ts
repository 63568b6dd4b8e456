/**
 * Names for prepared statements, one per statement text. Both drivers prepare a statement once
 * (per connection) and afterwards only bind and execute it: the server skips parsing and
 * planning, the larger part of the work for the small statements the bot sends. The texts are
 * the fixed set written in core/db/tables; past the bound, statements simply go unnamed.
 *
 * A prepared plan goes stale when a table it reads changes shape under a running process (a
 * newer version migrated the database during a rolling deploy): PostgreSQL then answers
 * "cached plan must not change result type". The statement gets a new name, so it is prepared
 * again.
 */
export class StatementNames {
  private readonly names = new Map<string, string>();
  private issued = 0;

  constructor(
    private readonly prefix: string,
    private readonly max = 500,
  ) {}

  /** The name to prepare `text` under, or undefined to run it unnamed. */
  nameFor(text: string): string | undefined {
    let name = this.names.get(text);
    if (name === undefined && this.names.size < this.max) {
      name = `${this.prefix}${this.issued++}`;
      this.names.set(text, name);
    }
    return name;
  }

  /** After a stale plan: the next use prepares the text under a new name. */
  forget(text: string): void {
    this.names.delete(text);
  }
}

/** "cached plan must not change result type" (feature_not_supported, from a prepared plan). */
export function isStalePlan(error: unknown): boolean {
  return (
    typeof error === "object" &&
    error !== null &&
    (error as { code?: unknown }).code === "0A000" &&
    /cached plan/i.test(String((error as { message?: unknown }).message))
  );
}
