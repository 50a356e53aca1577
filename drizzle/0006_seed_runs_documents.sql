ALTER TABLE "reports" ADD COLUMN "manual_runs" text DEFAULT 'anyone' NOT NULL;--> statement-breakpoint
ALTER TABLE "report_runs" ADD COLUMN "requested_by" text;--> statement-breakpoint
ALTER TABLE "report_runs" ADD COLUMN "outputs_purged_at" timestamp with time zone;