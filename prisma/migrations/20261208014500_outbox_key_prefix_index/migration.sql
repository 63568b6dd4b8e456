-- Hand-written (Prisma's schema cannot express an operator class on a btree or a partial index).
-- An automation's statistics count its outbox rows by key prefix ("automation:<key>:",
-- "birthday:", "expiry-warning:"; core/db/tables/automations.ts). The unique index on
-- "dedupeKey" follows the database's collation, which LIKE 'prefix%' cannot use unless it is C:
-- every listing of the automations read the whole outbox. text_pattern_ops serves the prefix
-- under any collation. Campaign deliveries (100,000 rows a launch, always with "campaignId")
-- stay out of it, so a launch writes no more than before.
CREATE INDEX "OutboxMessage_dedupeKey_prefix_idx" ON "OutboxMessage" ("dedupeKey" text_pattern_ops)
  WHERE "campaignId" IS NULL;
