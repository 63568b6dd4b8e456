-- The tier is derived from total spend (core/loyalty/tiers.ts); the stored column was never
-- maintained and could only disagree with what customers are shown.
-- AlterTable
ALTER TABLE "LoyaltyCard" DROP COLUMN "tier";
