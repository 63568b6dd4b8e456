/**
 * `npm run bench:purchases` — purchases per second through core's use case (`recordPurchase`:
 * lock, duplicate check, purchase, ledger, metrics and tier, receipt in the outbox, audit,
 * timeline) on PostgreSQL, next to the very same SQL statements sent with `pg` directly.
 *
 * Method. A template database is seeded with BENCH_CUSTOMERS customers holding cards and points.
 * A recording pass on a copy of it runs every planned purchase through core and captures each
 * transaction's statements exactly as the driver got them (text and parameters). Then, for
 * BENCH_ROUNDS rounds after a warm-up round, two fresh copies of the template are made: core
 * records the planned purchases on one, and the captured statements are replayed with a bare
 * `pg` pool on the other (BEGIN, the statements as named prepared statements, COMMIT) — the
 * same statements on the same data, so the ratio is what core's own code costs. The two runs of
 * a round alternate in order. Both use BENCH_CONCURRENCY workers, each serving its own
 * customers in turn, and pools of the app's default size (10). Reported: the median and range
 * of purchases per second, and the median ratio core ÷ pg (target ≥ 0.3).
 *
 * BENCH_DATABASE_URL names the server (default: the local one CI uses).
 */
import pg from "pg";
import type { Actor } from "../core/access/permissions.ts";
import { openDatabase } from "../core/db/database.ts";
import { pgSql } from "../core/db/pg-sql.ts";
import type { Sql } from "../core/db/sql.ts";
import { toParams } from "../core/db/sql-values.ts";
import { recordPurchase } from "../core/loyalty/record-purchase.ts";
import { LoyaltySettingsSchema } from "../core/loyalty/settings.ts";
import { refreshWebhookSubscriptions } from "../core/webhooks/subscriptions.ts";
import { machineLine } from "./lib/machine.ts";
import { freshPostgresDatabase } from "./lib/postgres-database.ts";
import { median, spread } from "./lib/stats.ts";

const SERVER = process.env.BENCH_DATABASE_URL ?? "postgresql://postgres@127.0.0.1:5432/postgres";
const CUSTOMERS = Number(process.env.BENCH_CUSTOMERS ?? 400);
const PURCHASES = Number(process.env.BENCH_PURCHASES ?? 3000);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 8);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
const POOL_SIZE = 10;

/**
 * A pool for one run. An idle connection may be told the server is terminating it when a copy
 * is dropped right after the run; pg raises that on the pool, where it is harmless here.
 */
function poolFor(url: string): pg.Pool {
  const pool = new pg.Pool({ connectionString: url, max: POOL_SIZE });
  pool.on("error", () => {});
  return pool;
}

const settings = LoyaltySettingsSchema.parse({});
const actor: Actor = { staffId: null, role: "OWNER", via: "bench" };

type Planned = { customerId: string; amountMinor: bigint; points: number; key: string };
type Statement = { text: string; values: Array<string | null> };

async function admin(sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: SERVER });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

function urlOf(name: string): string {
  const url = new URL(SERVER);
  url.pathname = `/${name}`;
  return url.toString();
}

/** A copy of the template: CREATE DATABASE … TEMPLATE, much faster than seeding again. */
async function copyOf(
  template: string,
  name: string,
): Promise<{ url: string; drop(): Promise<void> }> {
  await admin(`CREATE DATABASE "${name}" TEMPLATE "${template}"`);
  return { url: urlOf(name), drop: () => admin(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`) };
}

/** Customers with active cards and 500 points each, in a few set-based statements. */
async function seed(url: string): Promise<string[]> {
  const database = await openDatabase({ kind: "postgres", url });
  await database.close();
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query<{ id: string }>(
      `INSERT INTO "Customer" ("id", "status", "referralCode", "name", "onboardedAt", "updatedAt")
       SELECT gen_random_uuid(), 'ACTIVE', 'BENCH' || n, 'Bench ' || n, now(), now()
       FROM generate_series(1, $1::int) n RETURNING "id"`,
      [CUSTOMERS],
    );
    await client.query(
      `INSERT INTO "LoyaltyCard" ("id", "number", "customerId", "balance")
       SELECT gen_random_uuid(), lpad((100000000000 + row_number() OVER ())::text, 12, '0'), "id", 500
       FROM "Customer"`,
    );
    await client.query(
      `INSERT INTO "PointsEntry" ("cardId", "customerId", "kind", "delta", "balanceAfter", "idempotencyKey")
       SELECT "id", "customerId", 'WELCOME', 500, 500, 'welcome:' || "customerId" FROM "LoyaltyCard"`,
    );
    return rows.map((row) => row.id);
  } finally {
    await client.end();
  }
}

/** The purchases every run makes, per worker; a worker serves its own customers in turn. */
function plan(customers: string[]): Planned[][] {
  const perWorker: Planned[][] = Array.from({ length: CONCURRENCY }, () => []);
  let seedValue = 42;
  const random = () => {
    seedValue = (seedValue * 1103515245 + 12345) % 2 ** 31;
    return seedValue / 2 ** 31;
  };
  for (let i = 0; i < PURCHASES; i++) {
    const worker = i % CONCURRENCY;
    const own = customers.filter((_, index) => index % CONCURRENCY === worker);
    const customerId = own[Math.floor(i / CONCURRENCY) % own.length] as string;
    perWorker[worker]?.push({
      customerId,
      amountMinor: BigInt(10_000 + Math.floor(random() * 990_000)),
      points: i % 3 === 0 ? 10 : 0,
      key: `bench:${i}`,
    });
  }
  return perWorker;
}

function buy(sql: Sql, purchase: Planned) {
  return recordPurchase(sql, settings, {
    actor,
    customerId: purchase.customerId,
    amountMinor: purchase.amountMinor,
    category: null,
    pointsToSpend: purchase.points,
    idempotencyKey: purchase.key,
  });
}

/** `Sql` that also writes down every statement, with its parameters as the driver gets them. */
function recording(sql: Sql, into: Statement[]): Sql {
  return {
    query(text, params) {
      into.push({ text, values: toParams(params) });
      return sql.query(text, params);
    },
    transaction: (work) => sql.transaction((tx) => work(recording(tx, into))),
    ...(sql.database ? { database: sql.database } : {}),
  };
}

async function timed(work: () => Promise<unknown>): Promise<number> {
  const started = performance.now();
  await work();
  return (performance.now() - started) / 1000;
}

async function runCore(url: string, planned: Planned[][]): Promise<number> {
  const pool = poolFor(url);
  const sql = pgSql(pool);
  // As the app does at start: with no webhook endpoint, a purchase sends nothing for webhooks.
  await refreshWebhookSubscriptions(sql);
  try {
    const seconds = await timed(() =>
      Promise.all(
        planned.map(async (list) => {
          for (const purchase of list) await buy(sql, purchase);
        }),
      ),
    );
    return PURCHASES / seconds;
  } finally {
    await pool.end();
  }
}

async function runRaw(url: string, recorded: Statement[][][]): Promise<number> {
  const pool = poolFor(url);
  const names = new Map<string, string>();
  const nameOf = (text: string) => {
    let name = names.get(text);
    if (!name) {
      name = `raw_${names.size}`;
      names.set(text, name);
    }
    return name;
  };
  try {
    const seconds = await timed(() =>
      Promise.all(
        recorded.map(async (list) => {
          for (const statements of list) {
            const client = await pool.connect();
            try {
              await client.query("BEGIN");
              for (const { text, values } of statements) {
                await client.query({ name: nameOf(text), text, values });
              }
              await client.query("COMMIT");
            } finally {
              client.release();
            }
          }
        }),
      ),
    );
    return PURCHASES / seconds;
  } finally {
    await pool.end();
  }
}

async function main() {
  console.log(`bench:purchases — ${machineLine()}`);
  console.log(
    `${PURCHASES} purchases per run, ${CUSTOMERS} customers, ${CONCURRENCY} workers, pools of ${POOL_SIZE}, ${ROUNDS} rounds after a warm-up`,
  );
  const template = await freshPostgresDatabase(SERVER);
  const templateName = new URL(template.url).pathname.slice(1);
  const customers = await seed(template.url);
  const planned = plan(customers);

  // The recording pass: what core sends for each purchase, on its own copy of the data.
  const recordingCopy = await copyOf(templateName, `${templateName}_rec`);
  const recorded: Statement[][][] = [];
  {
    const pool = poolFor(recordingCopy.url);
    const sql = pgSql(pool);
    await refreshWebhookSubscriptions(sql);
    await Promise.all(
      planned.map(async (list, worker) => {
        const perPurchase: Statement[][] = [];
        recorded[worker] = perPurchase;
        for (const purchase of list) {
          const statements: Statement[] = [];
          await buy(recording(sql, statements), purchase);
          perPurchase.push(statements);
        }
      }),
    );
    await pool.end();
    await recordingCopy.drop();
  }
  const statementsPerPurchase =
    recorded.flat().reduce((sum, statements) => sum + statements.length, 0) / PURCHASES + 2;

  const core: number[] = [];
  const raw: number[] = [];
  const ratios: number[] = [];
  try {
    for (let round = 0; round <= ROUNDS; round++) {
      const a = await copyOf(templateName, `${templateName}_core${round}`);
      const b = await copyOf(templateName, `${templateName}_raw${round}`);
      try {
        let coreRate: number;
        let rawRate: number;
        if (round % 2 === 0) {
          coreRate = await runCore(a.url, planned);
          rawRate = await runRaw(b.url, recorded);
        } else {
          rawRate = await runRaw(b.url, recorded);
          coreRate = await runCore(a.url, planned);
        }
        const label = round === 0 ? "warm-up" : `round ${round}`;
        console.log(
          `  ${label.padEnd(8)} core ${coreRate.toFixed(0).padStart(6)}/s   pg ${rawRate.toFixed(0).padStart(6)}/s   ratio ${(coreRate / rawRate).toFixed(2)}`,
        );
        if (round > 0) {
          core.push(coreRate);
          raw.push(rawRate);
          ratios.push(coreRate / rawRate);
        }
      } finally {
        await a.drop();
        await b.drop();
      }
    }
  } finally {
    await template.drop();
  }
  console.log("");
  console.log(
    `statements per purchase (BEGIN and COMMIT included): ${statementsPerPurchase.toFixed(2)}`,
  );
  console.log(`core (recordPurchase)   ${spread(core, 0)} purchases/s`);
  console.log(`pg, same statements     ${spread(raw, 0)} purchases/s`);
  console.log(`ratio core ÷ pg         ${spread(ratios, 2)}   (target ≥ 0.3)`);
  if (median(ratios) < 0.3) process.exitCode = 1;
}

await main();
