CREATE TABLE "cv" (
	"id" uuid PRIMARY KEY NOT NULL,
	"user_id" text NOT NULL,
	"title" text NOT NULL,
	"source" text NOT NULL,
	"content" jsonb NOT NULL,
	"base_cv_id" uuid,
	"job_offer" jsonb,
	"match_report" jsonb,
	"match_score" integer,
	"task_id" uuid,
	"created_at" bigint NOT NULL,
	"updated_at" bigint NOT NULL,
	CONSTRAINT "cv_source_check" CHECK ("cv"."source" in ('imported', 'generated'))
);
--> statement-breakpoint
CREATE TABLE "task_input_file" (
	"task_id" uuid PRIMARY KEY NOT NULL,
	"file_name" text NOT NULL,
	"content_type" text NOT NULL,
	"size_bytes" integer NOT NULL,
	"data" "bytea" NOT NULL
);
--> statement-breakpoint
ALTER TABLE "cv" ADD CONSTRAINT "cv_user_id_user_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."user"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "task_input_file" ADD CONSTRAINT "task_input_file_task_id_background_task_id_fk" FOREIGN KEY ("task_id") REFERENCES "public"."background_task"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "cv_user_created_idx" ON "cv" USING btree ("user_id","created_at");