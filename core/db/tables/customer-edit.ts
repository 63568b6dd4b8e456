import type { Customer } from "../client.ts";
import type { Sql } from "../sql.ts";

/** The customer row, locked for a read-modify-write of its attributes and tags. */
export async function lockCustomer(sql: Sql, id: string): Promise<Customer | null> {
  const [row] = await sql.query<Customer>(`SELECT * FROM "Customer" WHERE "id" = $1 FOR UPDATE`, [
    id,
  ]);
  return row ?? null;
}
