CREATE TABLE "deleted_task" (
	"task_id" uuid NOT NULL,
	"user_id" text NOT NULL,
	"row" jsonb NOT NULL,
	"deleted_at" bigint NOT NULL,
	CONSTRAINT "deleted_task_user_id_task_id_pk" PRIMARY KEY("user_id","task_id")
);
--> statement-breakpoint
ALTER TABLE "background_task" ADD COLUMN "title_params" jsonb;--> statement-breakpoint
ALTER TABLE "background_task" ADD COLUMN "created_by_device_id" text;--> statement-breakpoint
ALTER TABLE "deleted_task" ADD CONSTRAINT "deleted_task_user_id_user_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."user"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "deleted_task_deleted_at_idx" ON "deleted_task" USING btree ("deleted_at");