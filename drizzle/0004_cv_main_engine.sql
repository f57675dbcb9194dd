ALTER TABLE "cv" ADD COLUMN "is_main" boolean DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE "cv" ADD COLUMN "engine" jsonb;--> statement-breakpoint
CREATE UNIQUE INDEX "cv_user_main_idx" ON "cv" USING btree ("user_id") WHERE "cv"."is_main";