// The one place that imports the generated Prisma client; everything else imports from here.

export type * from "../../prisma/generated/client.ts";
export { Prisma, PrismaClient } from "../../prisma/generated/client.ts";
