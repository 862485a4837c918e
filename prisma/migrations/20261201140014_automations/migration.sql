-- CreateEnum
CREATE TYPE "AutomationRunStatus" AS ENUM ('pending', 'succeeded', 'failed', 'loop_stopped', 'cancelled');

-- CreateTable
CREATE TABLE "automations" (
    "id" UUID NOT NULL,
    "owner_id" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "event_type" TEXT NOT NULL,
    "condition" JSONB,
    "delay_seconds" INTEGER NOT NULL DEFAULT 0,
    "action_kind" TEXT NOT NULL,
    "webhook_endpoint_id" UUID,
    "mutation" TEXT,
    "variables" JSONB,
    "acting_key_id" UUID,
    "enabled" BOOLEAN NOT NULL DEFAULT true,
    "disabled_reason" TEXT,
    "disabled_at" TIMESTAMP(3),
    "consecutive_failures" INTEGER NOT NULL DEFAULT 0,
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "automations_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "automation_runs" (
    "id" UUID NOT NULL,
    "automation_id" UUID NOT NULL,
    "event_id" TEXT NOT NULL,
    "event_type" TEXT NOT NULL,
    "input" JSONB NOT NULL,
    "event_occurred_at" TIMESTAMP(3) NOT NULL,
    "caused_by" TEXT[],
    "status" "AutomationRunStatus" NOT NULL DEFAULT 'pending',
    "attempt_count" INTEGER NOT NULL DEFAULT 0,
    "next_attempt_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "claim_token" UUID,
    "output" JSONB,
    "last_error" TEXT,
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "started_at" TIMESTAMP(3),
    "completed_at" TIMESTAMP(3),
    "duration_ms" INTEGER NOT NULL DEFAULT 0,

    CONSTRAINT "automation_runs_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "automation_attempts" (
    "id" UUID NOT NULL,
    "run_id" UUID NOT NULL,
    "attempt_number" INTEGER NOT NULL,
    "started_at" TIMESTAMP(3) NOT NULL,
    "duration_ms" INTEGER NOT NULL,
    "succeeded" BOOLEAN NOT NULL,
    "output" JSONB,
    "error" TEXT,

    CONSTRAINT "automation_attempts_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "automations_owner_id_idx" ON "automations"("owner_id");

-- CreateIndex
CREATE INDEX "automations_event_type_enabled_idx" ON "automations"("event_type", "enabled");

-- CreateIndex
CREATE INDEX "automation_runs_status_next_attempt_at_idx" ON "automation_runs"("status", "next_attempt_at");

-- CreateIndex
CREATE INDEX "automation_runs_automation_id_created_at_idx" ON "automation_runs"("automation_id", "created_at");

-- CreateIndex
CREATE UNIQUE INDEX "automation_runs_automation_id_event_id_key" ON "automation_runs"("automation_id", "event_id");

-- CreateIndex
CREATE INDEX "automation_attempts_run_id_attempt_number_idx" ON "automation_attempts"("run_id", "attempt_number");

-- AddForeignKey
ALTER TABLE "automations" ADD CONSTRAINT "automations_owner_id_fkey" FOREIGN KEY ("owner_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "automations" ADD CONSTRAINT "automations_webhook_endpoint_id_fkey" FOREIGN KEY ("webhook_endpoint_id") REFERENCES "webhook_endpoints"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "automation_runs" ADD CONSTRAINT "automation_runs_automation_id_fkey" FOREIGN KEY ("automation_id") REFERENCES "automations"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "automation_attempts" ADD CONSTRAINT "automation_attempts_run_id_fkey" FOREIGN KEY ("run_id") REFERENCES "automation_runs"("id") ON DELETE CASCADE ON UPDATE CASCADE;
