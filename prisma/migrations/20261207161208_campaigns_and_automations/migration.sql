-- CreateEnum
CREATE TYPE "AutomationKind" AS ENUM ('BIRTHDAY', 'EXPIRY_WARNING', 'WINBACK', 'DATE_REMINDER', 'DRIP');

-- AlterEnum
ALTER TYPE "OutboxStatus" ADD VALUE 'CANCELLED';

-- AlterTable
ALTER TABLE "Customer" ADD COLUMN     "timeZone" TEXT;

-- AlterTable
ALTER TABLE "Campaign" ADD COLUMN     "audience" JSONB NOT NULL DEFAULT '{"kind":"all"}',
ADD COLUMN     "automationKey" TEXT,
ADD COLUMN     "lastError" TEXT,
ADD COLUMN     "localTime" BOOLEAN NOT NULL DEFAULT false,
ADD COLUMN     "pausedAt" TIMESTAMP(3),
ADD COLUMN     "photoFileId" TEXT,
ADD COLUMN     "recipients" INTEGER NOT NULL DEFAULT 0,
ADD COLUMN     "variants" JSONB NOT NULL DEFAULT '[]';

-- AlterTable
ALTER TABLE "OutboxMessage" ADD COLUMN     "marketing" BOOLEAN NOT NULL DEFAULT false,
ADD COLUMN     "reclaims" INTEGER NOT NULL DEFAULT 0,
ADD COLUMN     "variant" TEXT;

-- CreateTable
CREATE TABLE "CampaignClick" (
    "id" BIGSERIAL NOT NULL,
    "campaignId" UUID NOT NULL,
    "outboxId" BIGINT NOT NULL,
    "customerId" UUID NOT NULL,
    "button" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "CampaignClick_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Automation" (
    "key" TEXT NOT NULL,
    "kind" "AutomationKind" NOT NULL,
    "name" TEXT NOT NULL,
    "enabled" BOOLEAN NOT NULL DEFAULT true,
    "settings" JSONB NOT NULL DEFAULT '{}',
    "message" JSONB NOT NULL DEFAULT '{}',
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Automation_pkey" PRIMARY KEY ("key")
);

-- CreateTable
CREATE TABLE "DripEnrolment" (
    "automationKey" TEXT NOT NULL,
    "customerId" UUID NOT NULL,
    "occasion" TEXT NOT NULL,
    "step" INTEGER NOT NULL DEFAULT 0,
    "nextAt" TIMESTAMP(3),
    "startedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "stoppedAt" TIMESTAMP(3),
    "stopReason" TEXT,

    CONSTRAINT "DripEnrolment_pkey" PRIMARY KEY ("automationKey","customerId","occasion")
);

-- CreateIndex
CREATE INDEX "CampaignClick_campaignId_idx" ON "CampaignClick"("campaignId");

-- CreateIndex
CREATE UNIQUE INDEX "CampaignClick_outboxId_button_key" ON "CampaignClick"("outboxId", "button");

-- CreateIndex
CREATE INDEX "DripEnrolment_nextAt_idx" ON "DripEnrolment"("nextAt");

-- CreateIndex
CREATE INDEX "DripEnrolment_customerId_idx" ON "DripEnrolment"("customerId");

-- AddForeignKey
ALTER TABLE "CampaignClick" ADD CONSTRAINT "CampaignClick_campaignId_fkey" FOREIGN KEY ("campaignId") REFERENCES "Campaign"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "CampaignClick" ADD CONSTRAINT "CampaignClick_outboxId_fkey" FOREIGN KEY ("outboxId") REFERENCES "OutboxMessage"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "DripEnrolment" ADD CONSTRAINT "DripEnrolment_automationKey_fkey" FOREIGN KEY ("automationKey") REFERENCES "Automation"("key") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "DripEnrolment" ADD CONSTRAINT "DripEnrolment_customerId_fkey" FOREIGN KEY ("customerId") REFERENCES "Customer"("id") ON DELETE CASCADE ON UPDATE CASCADE;

