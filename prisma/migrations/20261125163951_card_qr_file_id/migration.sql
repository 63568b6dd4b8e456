-- Telegram file_id of the card QR picture and the link it encodes: "My card" re-sends the
-- picture by file_id instead of rendering and uploading it again.
-- AlterTable
ALTER TABLE "LoyaltyCard" ADD COLUMN     "qrFileId" TEXT,
ADD COLUMN     "qrLink" TEXT;

