-- CreateEnum
CREATE TYPE "BulkOperationKind" AS ENUM ('import', 'export');

-- CreateEnum
CREATE TYPE "BulkOperationStatus" AS ENUM ('receiving', 'queued', 'running', 'completed', 'failed', 'cancelled');

-- CreateEnum
CREATE TYPE "BulkRowStatus" AS ENUM ('pending', 'running', 'succeeded', 'failed', 'invalid', 'cancelled');

-- CreateTable
CREATE TABLE "bulk_operations" (
    "id" UUID NOT NULL,
    "owner_id" UUID NOT NULL,
    "kind" "BulkOperationKind" NOT NULL,
    "status" "BulkOperationStatus" NOT NULL DEFAULT 'queued',
    "format" TEXT NOT NULL,
    "mutation" TEXT,
    "mapping" JSONB,
    "query" TEXT,
    "variables" JSONB,
    "principal" JSONB NOT NULL,
    "filename" TEXT,
    "total_rows" INTEGER NOT NULL DEFAULT 0,
    "invalid_rows" INTEGER NOT NULL DEFAULT 0,
    "succeeded_rows" INTEGER NOT NULL DEFAULT 0,
    "failed_rows" INTEGER NOT NULL DEFAULT 0,
    "cancelled_rows" INTEGER NOT NULL DEFAULT 0,
    "sequence" INTEGER NOT NULL DEFAULT 0,
    "error" TEXT,
    "storage_key" TEXT,
    "size_bytes" INTEGER,
    "claim_token" UUID,
    "lease_until" TIMESTAMP(3),
    "not_before" TIMESTAMP(3),
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "started_at" TIMESTAMP(3),
    "completed_at" TIMESTAMP(3),

    CONSTRAINT "bulk_operations_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "bulk_rows" (
    "operation_id" UUID NOT NULL,
    "row_number" INTEGER NOT NULL,
    "status" "BulkRowStatus" NOT NULL DEFAULT 'pending',
    "input" JSONB NOT NULL,
    "errors" JSONB,
    "result" JSONB,
    "claims" INTEGER NOT NULL DEFAULT 0,
    "claim_token" UUID,

    CONSTRAINT "bulk_rows_pkey" PRIMARY KEY ("operation_id","row_number")
);

-- CreateIndex
CREATE INDEX "bulk_operations_owner_id_created_at_idx" ON "bulk_operations"("owner_id", "created_at");

-- CreateIndex
CREATE INDEX "bulk_operations_status_created_at_idx" ON "bulk_operations"("status", "created_at");

-- CreateIndex
CREATE INDEX "bulk_rows_operation_id_status_row_number_idx" ON "bulk_rows"("operation_id", "status", "row_number");

-- AddForeignKey
ALTER TABLE "bulk_operations" ADD CONSTRAINT "bulk_operations_owner_id_fkey" FOREIGN KEY ("owner_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "bulk_rows" ADD CONSTRAINT "bulk_rows_operation_id_fkey" FOREIGN KEY ("operation_id") REFERENCES "bulk_operations"("id") ON DELETE CASCADE ON UPDATE CASCADE;
