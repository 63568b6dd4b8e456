import { type messages, type PGlite, protocol, type Transaction } from "@electric-sql/pglite";
import type { Sql, StatementObserver } from "./sql.ts";
import { rowParsers, toParams } from "./sql-values.ts";
import { isStalePlan, StatementNames } from "./statement-names.ts";

const { serialize } = protocol;
const sync = serialize.sync();
const describePortal = serialize.describe({ type: "P" });
const execute = serialize.execute({});

function concat(parts: Uint8Array[]): Uint8Array {
  let length = 0;
  for (const part of parts) length += part.length;
  const out = new Uint8Array(length);
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}

type Session = {
  db: PGlite;
  names: StatementNames;
  /**
   * The columns of each prepared statement, from its one Describe: a prepared statement's result
   * shape cannot change (PostgreSQL answers a stale plan instead, below), so later runs skip
   * Describe. PGlite built and we parsed a RowDescription of every column on every run, ~3.5 µs
   * a column: the 58-column customer read behind every update took 590 µs, 385 µs without it.
   */
  prepared: Map<string, Column[] | null>;
  /** PGlite's parsers by type, with ours on top. */
  parsers: Record<number, Parse>;
};

/**
 * One statement as one trip into PGlite: Parse and Describe (the first time only, see
 * statement-names.ts and Session.prepared), Bind, Execute and Sync in a single protocol message.
 * PGlite's own `query()` makes six trips and parses and plans every time (it first asks for the
 * parameter types to serialize the values); parameters go as text here and PostgreSQL infers
 * their types from the statement, exactly as node-postgres does on a server.
 */
async function run<Row extends object>(
  session: Session,
  text: string,
  params: readonly unknown[] | undefined,
  inTransaction: boolean,
): Promise<Row[]> {
  const { db, names, prepared } = session;
  const name = names.nameFor(text) ?? "";
  // undefined: not prepared yet; null: prepared, but its Bind failed before Describe ran.
  const known = name === "" ? undefined : prepared.get(name);
  const message = concat([
    ...(known === undefined ? [serialize.parse({ text, name })] : []),
    serialize.bind({ statement: name, values: toParams(params) }),
    ...(known ? [] : [describePortal]),
    execute,
    sync,
  ]);
  const { messages } = await db.execProtocol(message, { syncToFs: false, throwOnError: false });
  const error = messages.find((m) => m.name === "error");
  const described = messages.some((m) => m.name === "rowDescription" || m.name === "noData");
  // A statement that returns no rows answers Describe with noData: no columns.
  const columns = known ?? columnsOf(messages, session.parsers);
  // Prepared as soon as Parse succeeded, even if executing it then failed; described once
  // Describe ran (a failed Bind skips it: the next run describes again).
  const parsedNow = known === undefined && messages.some((m) => m.name === "parseComplete");
  if (name && (parsedNow || known === null)) prepared.set(name, described ? columns : null);
  if (error) {
    if (!isStalePlan(error)) throw error;
    names.forget(text);
    // Inside a transaction the failure already aborted it: the caller retries the whole.
    if (inTransaction) throw error;
    return run(session, text, params, inTransaction);
  }
  const rows = rowsOf(messages, columns) as Row[];
  // As PGlite's query() does: persist after each statement outside a transaction (COMMIT does
  // it inside one).
  if (!inTransaction) await db.syncToFs();
  return rows;
}

type Parse = (value: string, typeId: number) => unknown;
type BackendMessage = messages.BackendMessage;
type RowDescriptionMessage = messages.RowDescriptionMessage;
type DataRowMessage = messages.DataRowMessage;

type Column = { name: string; typeId: number; parse: Parse | undefined };

function columnsOf(messages: BackendMessage[], parsers: Record<number, Parse>): Column[] {
  const description = messages.find((m) => m.name === "rowDescription") as
    | RowDescriptionMessage
    | undefined;
  if (!description) return [];
  return description.fields.map((field) => ({
    name: field.name,
    typeId: field.dataTypeID,
    parse: parsers[field.dataTypeID],
  }));
}

/**
 * Rows from the backend messages, each value through the parser for its type (PGlite's, with
 * ours on top). PGlite's own parseResults copies its table of 300-odd parsers into a new
 * object on every call, which showed up as the largest single cost of a statement.
 */
function rowsOf(messages: BackendMessage[], columns: readonly Column[]): object[] {
  const rows: object[] = [];
  for (const message of messages) {
    if (message.name !== "dataRow") continue;
    const values = (message as DataRowMessage).fields;
    const row: Record<string, unknown> = {};
    for (let i = 0; i < columns.length; i++) {
      const column = columns[i] as Column;
      const value = values[i] ?? null;
      row[column.name] =
        value === null ? null : column.parse ? column.parse(value, column.typeId) : value;
    }
    rows.push(row);
  }
  return rows;
}

/**
 * `Sql` over PGlite. PGlite is one connection: while a transaction is open, statements from
 * other updates wait for it (the same two locks PGlite's own query() and transaction() take),
 * so transactions here stay short.
 */
export function pgliteSql(db: PGlite, onStatement?: StatementObserver): Sql {
  const session: Session = {
    db,
    names: new StatementNames("s"),
    prepared: new Map(),
    parsers: { ...(db.parsers as Record<number, Parse>), ...rowParsers },
  };
  return {
    database: db,
    query(text, params) {
      onStatement?.(text);
      return db._runExclusiveTransaction(() =>
        db._runExclusiveQuery(() => run(session, text, params, false)),
      );
    },
    transaction(work) {
      // BEGIN and COMMIT are PGlite's: an observed instance reports them.
      return db.transaction(async () => {
        const tx: Sql = {
          query(text, params) {
            onStatement?.(text);
            return db._runExclusiveQuery(() => run(session, text, params, true));
          },
          transaction: (inner) => inner(tx),
          database: db,
        };
        return work(tx);
      });
    },
  };
}

/**
 * The same PGlite instance, reporting every statement Prisma's adapter sends through it (it
 * calls query, exec and transaction) and the BEGIN/COMMIT of every transaction, for tests and
 * benchmarks that count statements; `Sql` above reports its own.
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
