import type { Sql } from "../db/sql.ts";
import { selectQuestions } from "../db/tables/questions.ts";
import type { Question } from "./types.ts";

/** How long a process trusts its copy of the bank (a change made through another process). */
export const BANK_CACHE_MS = 30_000;

/**
 * The question bank as the bot reads it: a handful of rows kept per process, so asking and
 * answering cost no statement for the definitions. A change through this process calls
 * `invalidate()`; one made elsewhere is seen within BANK_CACHE_MS (an answer to a question that
 * changed meanwhile is still caught by its version, see open-question.ts).
 */
export class QuestionBank {
  #cached: { questions: Question[]; readAt: number } | undefined;
  #reading: Promise<Question[]> | undefined;

  constructor(
    private readonly sql: Sql,
    private readonly clock: () => number = Date.now,
  ) {}

  /** Every question, active or not, the most valuable first. */
  all(): Promise<Question[]> {
    const cached = this.#cached;
    if (cached && this.clock() - cached.readAt < BANK_CACHE_MS)
      return Promise.resolve(cached.questions);
    this.#reading ??= selectQuestions(this.sql)
      .then((questions) => {
        this.#cached = { questions, readAt: this.clock() };
        return questions;
      })
      .finally(() => {
        this.#reading = undefined;
      });
    return this.#reading;
  }

  async active(): Promise<Question[]> {
    return (await this.all()).filter((q) => q.active);
  }

  async byKey(key: string): Promise<Question | undefined> {
    return (await this.all()).find((q) => q.key === key);
  }

  async byId(id: string): Promise<Question | undefined> {
    return (await this.all()).find((q) => q.id === id);
  }

  invalidate(): void {
    this.#cached = undefined;
  }
}
