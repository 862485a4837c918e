-- CreateTable
CREATE TABLE "usage_records" (
    "id" BIGSERIAL NOT NULL,
    "occurred_at" TIMESTAMP(3) NOT NULL,
    "request_id" TEXT NOT NULL,
    "transport" TEXT NOT NULL,
    "user_id" UUID,
    "api_key_id" UUID,
    "tier" "Tier",
    "module" TEXT,
    "operation_name" TEXT,
    "route" TEXT NOT NULL,
    "status" INTEGER NOT NULL,
    "latency_ms" DOUBLE PRECISION NOT NULL,
    "bytes_in" INTEGER NOT NULL,
    "bytes_out" INTEGER NOT NULL,

    CONSTRAINT "usage_records_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "usage_records_user_id_occurred_at_idx" ON "usage_records"("user_id", "occurred_at");

-- CreateIndex
CREATE INDEX "usage_records_api_key_id_occurred_at_idx" ON "usage_records"("api_key_id", "occurred_at");

-- CreateIndex
CREATE INDEX "usage_records_module_occurred_at_idx" ON "usage_records"("module", "occurred_at");

-- CreateIndex
CREATE INDEX "usage_records_tier_occurred_at_idx" ON "usage_records"("tier", "occurred_at");

-- CreateIndex
CREATE INDEX "usage_records_occurred_at_idx" ON "usage_records"("occurred_at");
