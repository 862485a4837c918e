-- AlterTable
ALTER TABLE "usage_records" ALTER COLUMN "user_id" SET DATA TYPE TEXT;
