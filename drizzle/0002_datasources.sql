CREATE TABLE "datasources" (
	"id" text PRIMARY KEY NOT NULL,
	"org" text NOT NULL,
	"name" text NOT NULL,
	"kind" text NOT NULL,
	"secret" text,
	"options" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"created_by" text DEFAULT '' NOT NULL,
	"created_at" timestamp (6) with time zone NOT NULL,
	"updated_at" timestamp (6) with time zone NOT NULL,
	CONSTRAINT "datasources_org_name_key" UNIQUE("org","name")
);
--> statement-breakpoint
ALTER TABLE "datasources" ADD CONSTRAINT "datasources_org_orgs_id_fk" FOREIGN KEY ("org") REFERENCES "public"."orgs"("id") ON DELETE cascade ON UPDATE no action;