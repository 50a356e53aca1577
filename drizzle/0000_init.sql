CREATE TABLE "dashboards" (
	"org" text NOT NULL,
	"id" text NOT NULL,
	"folder_type" text DEFAULT 'dashboards' NOT NULL,
	"folder_id" text NOT NULL,
	"title" text NOT NULL,
	"description" text DEFAULT '' NOT NULL,
	"definition" jsonb NOT NULL,
	"owner" text DEFAULT '' NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "dashboards_org_id_pk" PRIMARY KEY("org","id"),
	CONSTRAINT "dashboards_folder_type_check" CHECK ("dashboards"."folder_type" = 'dashboards')
);
--> statement-breakpoint
CREATE TABLE "folders" (
	"org" text NOT NULL,
	"type" text NOT NULL,
	"id" text NOT NULL,
	"name" text NOT NULL,
	"description" text DEFAULT '' NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "folders_org_type_id_pk" PRIMARY KEY("org","type","id"),
	CONSTRAINT "folders_org_type_name_key" UNIQUE("org","type","name")
);
--> statement-breakpoint
CREATE TABLE "report_dashboards" (
	"report_id" text NOT NULL,
	"org" text NOT NULL,
	"dashboard_id" text NOT NULL,
	CONSTRAINT "report_dashboards_report_id_dashboard_id_pk" PRIMARY KEY("report_id","dashboard_id")
);
--> statement-breakpoint
CREATE TABLE "reports" (
	"id" text PRIMARY KEY NOT NULL,
	"org" text NOT NULL,
	"folder_type" text DEFAULT 'reports' NOT NULL,
	"folder_id" text NOT NULL,
	"name" text NOT NULL,
	"title" text DEFAULT '' NOT NULL,
	"description" text DEFAULT '' NOT NULL,
	"message" text DEFAULT '' NOT NULL,
	"enabled" boolean DEFAULT false NOT NULL,
	"frequency" jsonb NOT NULL,
	"start_us" bigint DEFAULT 0 NOT NULL,
	"timezone" text DEFAULT '' NOT NULL,
	"tz_offset_minutes" integer DEFAULT 0 NOT NULL,
	"dashboards" jsonb NOT NULL,
	"destinations" jsonb NOT NULL,
	"image_preview" boolean DEFAULT false NOT NULL,
	"owner" text DEFAULT '' NOT NULL,
	"last_edited_by" text DEFAULT '' NOT NULL,
	"created_at" timestamp (6) with time zone NOT NULL,
	"updated_at" timestamp (6) with time zone NOT NULL,
	"next_run_at" timestamp with time zone,
	"last_triggered_at" timestamp with time zone,
	"schedule_version" integer DEFAULT 0 NOT NULL,
	CONSTRAINT "reports_org_folder_name_key" UNIQUE("org","folder_id","name"),
	CONSTRAINT "reports_folder_type_check" CHECK ("reports"."folder_type" = 'reports')
);
--> statement-breakpoint
CREATE TABLE "api_tokens" (
	"id" text PRIMARY KEY NOT NULL,
	"org" text NOT NULL,
	"name" text NOT NULL,
	"secret_hash" text NOT NULL,
	"prefix" text NOT NULL,
	"roles" text[] DEFAULT '{}' NOT NULL,
	"created_by" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"expires_at" timestamp with time zone,
	"last_used_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "org_members" (
	"org" text NOT NULL,
	"user_id" text NOT NULL,
	"roles" text[] DEFAULT '{}' NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "org_members_org_user_id_pk" PRIMARY KEY("org","user_id")
);
--> statement-breakpoint
CREATE TABLE "orgs" (
	"id" text PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "users" (
	"id" text PRIMARY KEY NOT NULL,
	"email" text NOT NULL,
	"name" text DEFAULT '' NOT NULL,
	"password_hash" text NOT NULL,
	"disabled" boolean DEFAULT false NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "users_email_unique" UNIQUE("email")
);
--> statement-breakpoint
CREATE TABLE "deliveries" (
	"id" text PRIMARY KEY NOT NULL,
	"run_id" text NOT NULL,
	"channel" text DEFAULT 'email' NOT NULL,
	"recipient" text NOT NULL,
	"state" text NOT NULL,
	"attempts" integer DEFAULT 0 NOT NULL,
	"message_id" text,
	"last_error" text,
	"next_attempt_at" timestamp with time zone,
	"lease_expires_at" timestamp with time zone,
	"possible_duplicate" boolean DEFAULT false NOT NULL,
	"sent_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "report_runs" (
	"id" text PRIMARY KEY NOT NULL,
	"org" text NOT NULL,
	"report_id" text NOT NULL,
	"trigger" text NOT NULL,
	"state" text NOT NULL,
	"scheduled_for" timestamp with time zone,
	"attempt" integer DEFAULT 1 NOT NULL,
	"skipped_slots" integer DEFAULT 0 NOT NULL,
	"parameters" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"run_after" timestamp with time zone DEFAULT now() NOT NULL,
	"created_at" timestamp (6) with time zone NOT NULL,
	"updated_at" timestamp (6) with time zone NOT NULL,
	"started_at" timestamp with time zone,
	"finished_at" timestamp with time zone,
	"error" text,
	"lease_owner" text,
	"lease_expires_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "run_outputs" (
	"run_id" text NOT NULL,
	"idx" integer NOT NULL,
	"media_type" text NOT NULL,
	"filename" text NOT NULL,
	"bytes" "bytea" NOT NULL,
	"sha256" text NOT NULL,
	"size" integer NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "run_outputs_run_id_idx_pk" PRIMARY KEY("run_id","idx")
);
--> statement-breakpoint
CREATE TABLE "audit_log" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"at" timestamp with time zone DEFAULT now() NOT NULL,
	"org" text NOT NULL,
	"actor" text NOT NULL,
	"action" text NOT NULL,
	"target" text NOT NULL,
	"details" jsonb DEFAULT '{}'::jsonb NOT NULL
);
--> statement-breakpoint
CREATE TABLE "casbin_rule" (
	"id" serial PRIMARY KEY NOT NULL,
	"ptype" text NOT NULL,
	"v0" text DEFAULT '' NOT NULL,
	"v1" text DEFAULT '' NOT NULL,
	"v2" text DEFAULT '' NOT NULL,
	"v3" text DEFAULT '' NOT NULL,
	"v4" text DEFAULT '' NOT NULL,
	"v5" text DEFAULT '' NOT NULL
);
--> statement-breakpoint
ALTER TABLE "dashboards" ADD CONSTRAINT "dashboards_folder_fk" FOREIGN KEY ("org","folder_type","folder_id") REFERENCES "public"."folders"("org","type","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "folders" ADD CONSTRAINT "folders_org_orgs_id_fk" FOREIGN KEY ("org") REFERENCES "public"."orgs"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "report_dashboards" ADD CONSTRAINT "report_dashboards_report_id_reports_id_fk" FOREIGN KEY ("report_id") REFERENCES "public"."reports"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "report_dashboards" ADD CONSTRAINT "report_dashboards_dashboard_fk" FOREIGN KEY ("org","dashboard_id") REFERENCES "public"."dashboards"("org","id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "reports" ADD CONSTRAINT "reports_folder_fk" FOREIGN KEY ("org","folder_type","folder_id") REFERENCES "public"."folders"("org","type","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "api_tokens" ADD CONSTRAINT "api_tokens_org_orgs_id_fk" FOREIGN KEY ("org") REFERENCES "public"."orgs"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "org_members" ADD CONSTRAINT "org_members_org_orgs_id_fk" FOREIGN KEY ("org") REFERENCES "public"."orgs"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "org_members" ADD CONSTRAINT "org_members_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "deliveries" ADD CONSTRAINT "deliveries_run_id_report_runs_id_fk" FOREIGN KEY ("run_id") REFERENCES "public"."report_runs"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "report_runs" ADD CONSTRAINT "report_runs_report_id_reports_id_fk" FOREIGN KEY ("report_id") REFERENCES "public"."reports"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "run_outputs" ADD CONSTRAINT "run_outputs_run_id_report_runs_id_fk" FOREIGN KEY ("run_id") REFERENCES "public"."report_runs"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "report_dashboards_dashboard_idx" ON "report_dashboards" USING btree ("org","dashboard_id");--> statement-breakpoint
CREATE INDEX "reports_due_idx" ON "reports" USING btree ("next_run_at") WHERE "reports"."enabled";--> statement-breakpoint
CREATE UNIQUE INDEX "deliveries_run_recipient_key" ON "deliveries" USING btree ("run_id","recipient");--> statement-breakpoint
CREATE UNIQUE INDEX "report_runs_slot_key" ON "report_runs" USING btree ("report_id","scheduled_for") WHERE "report_runs"."trigger" = 'schedule';--> statement-breakpoint
CREATE INDEX "report_runs_report_created_idx" ON "report_runs" USING btree ("report_id","created_at");--> statement-breakpoint
CREATE INDEX "report_runs_queue_idx" ON "report_runs" USING btree ("run_after") WHERE "report_runs"."state" = 'queued';--> statement-breakpoint
CREATE INDEX "report_runs_lease_idx" ON "report_runs" USING btree ("lease_expires_at") WHERE "report_runs"."state" = 'running';--> statement-breakpoint
CREATE INDEX "audit_log_org_at_idx" ON "audit_log" USING btree ("org","at");--> statement-breakpoint
CREATE INDEX "casbin_rule_v1_idx" ON "casbin_rule" USING btree ("v1");