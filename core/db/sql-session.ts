import type { PGlite } from "@electric-sql/pglite";
import type pg from "pg";
import type { SqlSession } from "../../prisma/migrator.ts";

export function pgliteSession(db: PGlite): SqlSession {
  return {
    async query<Row extends Record<string, unknown>>(sql: string, params?: unknown[]) {
      return (await db.query<Row>(sql, params)).rows;
    },
    async exec(sql: string) {
      await db.exec(sql);
    },
  };
}

export function pgSession(client: pg.Client): SqlSession {
  return {
    async query<Row extends Record<string, unknown>>(sql: string, params?: unknown[]) {
      return (await client.query<Row>(sql, params)).rows;
    },
    async exec(sql: string) {
      // Without parameters node-postgres uses the simple-query protocol, which runs scripts.
      await client.query(sql);
    },
  };
}
