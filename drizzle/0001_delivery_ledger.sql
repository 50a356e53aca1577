CREATE TABLE "owner_alerts" (
	"report_id" text NOT NULL,
	"day" text NOT NULL,
	"run_id" text NOT NULL,
	"recipient" text NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	CONSTRAINT "owner_alerts_report_id_day_pk" PRIMARY KEY("report_id","day")
);
--> statement-breakpoint
ALTER TABLE "run_outputs" ADD COLUMN "dashboard" integer;--> statement-breakpoint
ALTER TABLE "owner_alerts" ADD CONSTRAINT "owner_alerts_report_id_reports_id_fk" FOREIGN KEY ("report_id") REFERENCES "public"."reports"("id") ON DELETE cascade ON UPDATE no action;