import type { CustomerStatus, Prisma, PrismaClient } from "../db/client.ts";

export type ListCustomersOptions = {
  status?: CustomerStatus | undefined;
  source?: string | undefined;
  /** Matches name, phone digits, card number or Telegram username. */
  search?: string | undefined;
  limit: number;
  /** Opaque cursor from the previous page (the last customer's id). */
  cursor?: string | undefined;
};

export async function listCustomers(db: PrismaClient, options: ListCustomersOptions) {
  const search = options.search?.trim();
  const digits = search?.replace(/\D/g, "");
  const where: Prisma.CustomerWhereInput = {
    ...(options.status ? { status: options.status } : {}),
    ...(options.source ? { source: options.source } : {}),
    ...(search
      ? {
          OR: [
            { name: { contains: search, mode: "insensitive" } },
            { telegramUsername: { contains: search.replace(/^@/, ""), mode: "insensitive" } },
            { card: { number: { contains: search.toUpperCase() } } },
            ...(digits && digits.length >= 4 ? [{ phone: { contains: digits } }] : []),
          ],
        }
      : {}),
  };
  const rows = await db.customer.findMany({
    where,
    include: { card: true },
    orderBy: [{ createdAt: "desc" }, { id: "desc" }],
    take: options.limit + 1,
    ...(options.cursor ? { cursor: { id: options.cursor }, skip: 1 } : {}),
  });
  const hasMore = rows.length > options.limit;
  const page = hasMore ? rows.slice(0, options.limit) : rows;
  return { customers: page, nextCursor: hasMore ? (page.at(-1)?.id ?? null) : null };
}
