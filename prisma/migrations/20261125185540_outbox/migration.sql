-- The outbox: messages the bot sends on its own initiative, written in the transaction that
-- causes them (see schema.prisma). Campaign deliveries become rows of it, so the unused
-- CampaignDelivery table goes.
-- CreateEnum
CREATE TYPE "OutboxStatus" AS ENUM ('PENDING', 'SENDING', 'SENT', 'FAILED', 'BLOCKED', 'SKIPPED');

-- DropForeignKey
ALTER TABLE "CampaignDelivery" DROP CONSTRAINT "CampaignDelivery_campaignId_fkey";

-- DropForeignKey
ALTER TABLE "CampaignDelivery" DROP CONSTRAINT "CampaignDelivery_customerId_fkey";

-- DropTable
DROP TABLE "CampaignDelivery";

-- DropEnum
DROP TYPE "DeliveryStatus";

-- CreateTable
CREATE TABLE "OutboxMessage" (
    "id" BIGSERIAL NOT NULL,
    "kind" TEXT NOT NULL,
    "customerId" UUID NOT NULL,
    "payload" JSONB NOT NULL,
    "service" BOOLEAN NOT NULL DEFAULT false,
    "dedupeKey" TEXT NOT NULL,
    "campaignId" UUID,
    "status" "OutboxStatus" NOT NULL DEFAULT 'PENDING',
    "notBefore" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "claimedUntil" TIMESTAMP(3),
    "lastError" TEXT,
    "telegramMessageId" INTEGER,
    "sentAt" TIMESTAMP(3),
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "OutboxMessage_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "DispatchState" (
    "id" INTEGER NOT NULL DEFAULT 1,
    "nextSlotAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "pausedUntil" TIMESTAMP(3),

    CONSTRAINT "DispatchState_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "OutboxMessage_dedupeKey_key" ON "OutboxMessage"("dedupeKey");

-- CreateIndex
CREATE INDEX "OutboxMessage_status_notBefore_idx" ON "OutboxMessage"("status", "notBefore");

-- CreateIndex
CREATE INDEX "OutboxMessage_customerId_sentAt_idx" ON "OutboxMessage"("customerId", "sentAt");

-- CreateIndex
CREATE INDEX "OutboxMessage_campaignId_status_idx" ON "OutboxMessage"("campaignId", "status");

-- AddForeignKey
ALTER TABLE "OutboxMessage" ADD CONSTRAINT "OutboxMessage_customerId_fkey" FOREIGN KEY ("customerId") REFERENCES "Customer"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "OutboxMessage" ADD CONSTRAINT "OutboxMessage_campaignId_fkey" FOREIGN KEY ("campaignId") REFERENCES "Campaign"("id") ON DELETE CASCADE ON UPDATE CASCADE;


-- DispatchState holds exactly one row.
ALTER TABLE "DispatchState" ADD CONSTRAINT "DispatchState_single_row" CHECK ("id" = 1);
INSERT INTO "DispatchState" ("id", "nextSlotAt") VALUES (1, CURRENT_TIMESTAMP);
