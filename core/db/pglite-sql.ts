import type { PGlite, Transaction } from "@electric-sql/pglite";
import type { Sql, StatementObserver } from "./sql.ts";
import { rowParsers, toParams } from "./sql-values.ts";

type Queryable = Pick<PGlite | Transaction, "query">;

async function run<Row extends object>(
  db: Queryable,
  text: string,
  params: readonly unknown[] | undefined,
): Promise<Row[]> {
  // Parsers per query: the instance is shared with Prisma's adapter, which brings its own.
  const result = await db.query<Row>(text, toParams(params), { parsers: rowParsers });
  return result.rows;
}

/**
 * `Sql` over PGlite. PGlite is one connection: while a transaction is open, statements from
 * other updates wait for it (PGlite queues them), so transactions here stay short.
 */
export function pgliteSql(db: PGlite): Sql {
  return {
    query: (text, params) => run(db, text, params),
    transaction(work) {
      return db.transaction(async (pgTx) => {
        const tx: Sql = {
          query: (text, params) => run(pgTx, text, params),
          transaction: (inner) => inner(tx),
        };
        return work(tx);
      });
    },
  };
}

/**
 * The same PGlite instance, reporting every statement sent through it (Prisma's adapter
 * included: it calls query, exec and transaction), for tests and benchmarks that count them.
 */
export function observePglite(db: PGlite, onStatement: StatementObserver): PGlite {
  const observeTx = (tx: Transaction): Transaction =>
    new Proxy(tx, {
      get(target, property, receiver) {
        if (property === "query" || property === "exec") {
          return (text: string, ...rest: unknown[]) => {
            onStatement(text);
            return (target[property] as (...args: unknown[]) => unknown)(text, ...rest);
          };
        }
        if (property === "rollback") onStatement("ROLLBACK");
        return Reflect.get(target, property, receiver);
      },
    });
  return new Proxy(db, {
    get(target, property) {
      if (property === "query" || property === "exec") {
        return (text: string, ...rest: unknown[]) => {
          onStatement(text);
          return (target[property] as (...args: unknown[]) => unknown).call(target, text, ...rest);
        };
      }
      if (property === "transaction") {
        return async <T>(work: (tx: Transaction) => Promise<T>): Promise<T> => {
          onStatement("BEGIN");
          let failed = false;
          try {
            return await target.transaction((tx) => work(observeTx(tx)));
          } catch (error) {
            failed = true;
            throw error;
          } finally {
            onStatement(failed ? "ROLLBACK" : "COMMIT");
          }
        };
      }
      // PGlite keeps private state keyed by the real instance: call its methods on it.
      const value = Reflect.get(target, property, target);
      return typeof value === "function" ? value.bind(target) : value;
    },
  });
}
