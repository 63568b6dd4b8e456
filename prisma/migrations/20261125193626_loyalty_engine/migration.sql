-- The loyalty engine: purchases with points spent and earned, refunds, the owner's settings,
-- stored tiers, RFM scores, the rewards catalogue and bulk point runs.
-- CreateEnum
CREATE TYPE "RewardKind" AS ENUM ('GIFT', 'COUPON');

-- CreateEnum
CREATE TYPE "RedemptionStatus" AS ENUM ('ISSUED', 'USED', 'EXPIRED');

-- AlterEnum (PostgreSQL 12+ adds enum values inside a transaction; none is used in it)

ALTER TYPE "PointsKind" ADD VALUE 'BIRTHDAY';
ALTER TYPE "PointsKind" ADD VALUE 'EVENT';
ALTER TYPE "PointsKind" ADD VALUE 'REWARD';

-- AlterTable
ALTER TABLE "Customer" ADD COLUMN     "rfmComputedAt" TIMESTAMP(3),
ADD COLUMN     "rfmFrequency" SMALLINT,
ADD COLUMN     "rfmMonetary" SMALLINT,
ADD COLUMN     "rfmRecency" SMALLINT,
ADD COLUMN     "tier" TEXT NOT NULL DEFAULT 'base',
ADD COLUMN     "tierReachedAt" TIMESTAMP(3),
ADD COLUMN     "tierSpendMinor" BIGINT NOT NULL DEFAULT 0;

-- AlterTable
ALTER TABLE "Purchase" ADD COLUMN     "category" TEXT,
ADD COLUMN     "earnRule" JSONB NOT NULL DEFAULT '{}',
ADD COLUMN     "pointsEarned" INTEGER NOT NULL DEFAULT 0,
ADD COLUMN     "pointsEarnedReversed" INTEGER NOT NULL DEFAULT 0,
ADD COLUMN     "pointsSpent" INTEGER NOT NULL DEFAULT 0,
ADD COLUMN     "pointsSpentReturned" INTEGER NOT NULL DEFAULT 0,
ADD COLUMN     "refundedMinor" BIGINT NOT NULL DEFAULT 0;

-- CreateTable
CREATE TABLE "PurchaseRefund" (
    "id" UUID NOT NULL,
    "purchaseId" UUID NOT NULL,
    "customerId" UUID NOT NULL,
    "amountMinor" BIGINT NOT NULL,
    "pointsEarnedReversed" INTEGER NOT NULL,
    "pointsSpentReturned" INTEGER NOT NULL,
    "pointsUnrecovered" INTEGER NOT NULL DEFAULT 0,
    "staffId" UUID,
    "idempotencyKey" TEXT NOT NULL,
    "note" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "PurchaseRefund_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "LoyaltySettings" (
    "id" INTEGER NOT NULL DEFAULT 1,
    "settings" JSONB NOT NULL,
    "version" INTEGER NOT NULL DEFAULT 1,
    "updatedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedById" UUID,

    CONSTRAINT "LoyaltySettings_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Reward" (
    "id" UUID NOT NULL,
    "kind" "RewardKind" NOT NULL,
    "title" TEXT NOT NULL,
    "description" TEXT,
    "cost" INTEGER NOT NULL,
    "stock" INTEGER,
    "perCustomerLimit" INTEGER,
    "validDays" INTEGER NOT NULL DEFAULT 30,
    "active" BOOLEAN NOT NULL DEFAULT true,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Reward_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "RewardRedemption" (
    "id" UUID NOT NULL,
    "rewardId" UUID NOT NULL,
    "customerId" UUID NOT NULL,
    "code" TEXT NOT NULL,
    "cost" INTEGER NOT NULL,
    "status" "RedemptionStatus" NOT NULL DEFAULT 'ISSUED',
    "expiresAt" TIMESTAMP(3) NOT NULL,
    "usedAt" TIMESTAMP(3),
    "usedById" UUID,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "RewardRedemption_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "BulkPointsRun" (
    "id" UUID NOT NULL,
    "idempotencyKey" TEXT NOT NULL,
    "reason" TEXT NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'running',
    "entries" JSONB NOT NULL,
    "unmatched" JSONB NOT NULL DEFAULT '[]',
    "total" INTEGER NOT NULL,
    "processed" INTEGER NOT NULL DEFAULT 0,
    "pointsTotal" INTEGER NOT NULL,
    "shortfalls" JSONB NOT NULL DEFAULT '[]',
    "createdById" UUID,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "finishedAt" TIMESTAMP(3),

    CONSTRAINT "BulkPointsRun_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "PurchaseRefund_idempotencyKey_key" ON "PurchaseRefund"("idempotencyKey");

-- CreateIndex
CREATE INDEX "PurchaseRefund_purchaseId_idx" ON "PurchaseRefund"("purchaseId");

-- CreateIndex
CREATE UNIQUE INDEX "RewardRedemption_code_key" ON "RewardRedemption"("code");

-- CreateIndex
CREATE INDEX "RewardRedemption_customerId_rewardId_idx" ON "RewardRedemption"("customerId", "rewardId");

-- CreateIndex
CREATE INDEX "RewardRedemption_status_expiresAt_idx" ON "RewardRedemption"("status", "expiresAt");

-- CreateIndex
CREATE UNIQUE INDEX "BulkPointsRun_idempotencyKey_key" ON "BulkPointsRun"("idempotencyKey");

-- AddForeignKey
ALTER TABLE "PurchaseRefund" ADD CONSTRAINT "PurchaseRefund_purchaseId_fkey" FOREIGN KEY ("purchaseId") REFERENCES "Purchase"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "PurchaseRefund" ADD CONSTRAINT "PurchaseRefund_customerId_fkey" FOREIGN KEY ("customerId") REFERENCES "Customer"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "PurchaseRefund" ADD CONSTRAINT "PurchaseRefund_staffId_fkey" FOREIGN KEY ("staffId") REFERENCES "StaffMember"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "RewardRedemption" ADD CONSTRAINT "RewardRedemption_rewardId_fkey" FOREIGN KEY ("rewardId") REFERENCES "Reward"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "RewardRedemption" ADD CONSTRAINT "RewardRedemption_customerId_fkey" FOREIGN KEY ("customerId") REFERENCES "Customer"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "RewardRedemption" ADD CONSTRAINT "RewardRedemption_usedById_fkey" FOREIGN KEY ("usedById") REFERENCES "StaffMember"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "BulkPointsRun" ADD CONSTRAINT "BulkPointsRun_createdById_fkey" FOREIGN KEY ("createdById") REFERENCES "StaffMember"("id") ON DELETE SET NULL ON UPDATE CASCADE;


-- Money and points stay consistent whatever the code does.
ALTER TABLE "Purchase" ADD CONSTRAINT "Purchase_points_nonnegative"
  CHECK ("pointsSpent" >= 0 AND "pointsEarned" >= 0);
ALTER TABLE "Purchase" ADD CONSTRAINT "Purchase_refunds_within_purchase"
  CHECK ("refundedMinor" >= 0 AND "refundedMinor" <= "amountMinor"
     AND "pointsEarnedReversed" >= 0 AND "pointsEarnedReversed" <= "pointsEarned"
     AND "pointsSpentReturned" >= 0 AND "pointsSpentReturned" <= "pointsSpent");
ALTER TABLE "PurchaseRefund" ADD CONSTRAINT "PurchaseRefund_amount_positive" CHECK ("amountMinor" > 0);
ALTER TABLE "LoyaltySettings" ADD CONSTRAINT "LoyaltySettings_single_row" CHECK ("id" = 1);
ALTER TABLE "Reward" ADD CONSTRAINT "Reward_cost_positive" CHECK ("cost" > 0);
ALTER TABLE "Reward" ADD CONSTRAINT "Reward_stock_nonnegative" CHECK ("stock" IS NULL OR "stock" >= 0);
ALTER TABLE "Reward" ADD CONSTRAINT "Reward_limits_positive"
  CHECK (("perCustomerLimit" IS NULL OR "perCustomerLimit" > 0) AND "validDays" > 0);
ALTER TABLE "BulkPointsRun" ADD CONSTRAINT "BulkPointsRun_progress"
  CHECK ("processed" >= 0 AND "processed" <= "total");
