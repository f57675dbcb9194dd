ALTER TABLE "background_task" ADD COLUMN "input_kept" boolean DEFAULT false NOT NULL;--> statement-breakpoint
UPDATE "background_task" SET "input_kept" = true WHERE "id" IN (SELECT "task_id" FROM "task_input_file");
