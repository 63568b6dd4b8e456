import pg from "pg";
import type { Sql, StatementObserver } from "./sql.ts";
import { rowParsers, toParams } from "./sql-values.ts";
import { isStalePlan, StatementNames } from "./statement-names.ts";

const types = {
  getTypeParser(oid: number, format?: string) {
    return rowParsers[oid] ?? pg.types.getTypeParser(oid, format as "text");
  },
};

type Queryable = Pick<pg.Pool | pg.PoolClient, "query">;

// One registry for the process: node-postgres prepares a named statement once per connection.
const names = new StatementNames("loyalty_");

async function run<Row extends object>(
  client: Queryable,
  text: string,
  params: readonly unknown[] | undefined,
  inTransaction = false,
): Promise<Row[]> {
  const name = names.nameFor(text);
  try {
    // `types` per query: the pool is shared with Prisma's adapter, which brings its own parsers.
    const result = await client.query<Row>({
      text,
      values: toParams(params),
      types,
      ...(name ? { name } : {}),
    });
    return result.rows;
  } catch (error) {
    if (!isStalePlan(error)) throw error;
    names.forget(text);
    // Inside a transaction the failure already aborted it: the caller retries the whole.
    if (inTransaction) throw error;
    return run(client, text, params);
  }
}

function inTransaction(client: pg.PoolClient, database: object): Sql {
  const tx: Sql = {
    query: (text, params) => run(client, text, params, true),
    transaction: (work) => work(tx),
    database,
  };
  return tx;
}

/** `Sql` over a pg pool; a transaction holds one pooled connection from BEGIN to COMMIT. */
export function pgSql(pool: pg.Pool): Sql {
  return {
    database: pool,
    query: (text, params) => run(pool, text, params),
    async transaction(work) {
      const client = await pool.connect();
      let broken: Error | undefined;
      try {
        await client.query("BEGIN");
        const result = await work(inTransaction(client, pool));
        await client.query("COMMIT");
        return result;
      } catch (error) {
        await client.query("ROLLBACK").catch((rollbackError: Error) => {
          broken = rollbackError;
        });
        throw error;
      } finally {
        // A connection that could not even roll back is discarded, not reused.
        client.release(broken);
      }
    },
  };
}

/**
 * A pool whose connections report every statement they send (Prisma's included), for tests
 * and benchmarks that count statements at the driver.
 */
export function createPgPool(
  options: pg.PoolConfig,
  onStatement: StatementObserver | undefined,
): pg.Pool {
  if (!onStatement) return new pg.Pool(options);
  const observe = onStatement;
  class ObservedClient extends pg.Client {
    // biome-ignore lint/suspicious/noExplicitAny: pg's overloads cannot be forwarded with types.
    override query(config: any, values?: any, callback?: any): any {
      observe(typeof config === "string" ? config : (config?.text ?? ""));
      return super.query(config, values, callback);
    }
  }
  return new pg.Pool({ ...options, Client: ObservedClient });
}
