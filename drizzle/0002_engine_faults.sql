-- Tombstones are scoped to their user: the primary key becomes (user_id, task_id).
ALTER TABLE "task_tombstone" DROP CONSTRAINT IF EXISTS "task_tombstone_pkey";--> statement-breakpoint
ALTER TABLE "task_tombstone" ADD CONSTRAINT "task_tombstone_user_id_task_id_pk" PRIMARY KEY("user_id","task_id");--> statement-breakpoint
ALTER TABLE "background_task" ADD COLUMN "delete_pending" boolean DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE "task_clock" ADD COLUMN "last_started_at" bigint;--> statement-breakpoint
CREATE INDEX "background_task_user_queue_idx" ON "background_task" USING btree ("user_id","created_at","seq") WHERE "background_task"."status" = 'queued';--> statement-breakpoint
CREATE INDEX "background_task_lease_idx" ON "background_task" USING btree ("user_id","lease_expires_at") WHERE "background_task"."lease_owner" is not null;
