CREATE TABLE `audit_events` (
	`id` text PRIMARY KEY NOT NULL,
	`action` text NOT NULL,
	`actor_id` text,
	`user_id` text,
	`organization_id` text,
	`target_type` text,
	`target_id` text,
	`ip_address` text,
	`user_agent` text,
	`details` text,
	`created_at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `audit_events_user_id_created_at_idx` ON `audit_events` (`user_id`,`created_at`,`id`);--> statement-breakpoint
CREATE INDEX `audit_events_organization_id_created_at_idx` ON `audit_events` (`organization_id`,`created_at`,`id`);--> statement-breakpoint
CREATE INDEX `audit_events_created_at_idx` ON `audit_events` (`created_at`);--> statement-breakpoint
CREATE TABLE `invitations` (
	`id` text PRIMARY KEY NOT NULL,
	`organization_id` text NOT NULL,
	`email` text NOT NULL,
	`role` text NOT NULL,
	`inviter_id` text,
	`status` text DEFAULT 'pending' NOT NULL,
	`expires_at` integer NOT NULL,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`organization_id`) REFERENCES `organizations`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`inviter_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE set null
);
--> statement-breakpoint
CREATE UNIQUE INDEX `invitations_organization_id_email_pending_unique` ON `invitations` (`organization_id`,`email`) WHERE status = 'pending';--> statement-breakpoint
CREATE INDEX `invitations_organization_id_status_idx` ON `invitations` (`organization_id`,`status`);--> statement-breakpoint
CREATE INDEX `invitations_email_status_idx` ON `invitations` (`email`,`status`);--> statement-breakpoint
CREATE INDEX `invitations_inviter_id_idx` ON `invitations` (`inviter_id`);--> statement-breakpoint
CREATE TABLE `members` (
	`id` text PRIMARY KEY NOT NULL,
	`organization_id` text NOT NULL,
	`user_id` text NOT NULL,
	`role` text NOT NULL,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`organization_id`) REFERENCES `organizations`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `members_organization_id_user_id_unique` ON `members` (`organization_id`,`user_id`);--> statement-breakpoint
CREATE INDEX `members_user_id_idx` ON `members` (`user_id`);--> statement-breakpoint
CREATE INDEX `members_organization_id_role_idx` ON `members` (`organization_id`,`role`);--> statement-breakpoint
CREATE TABLE `organizations` (
	`id` text PRIMARY KEY NOT NULL,
	`name` text NOT NULL,
	`slug` text NOT NULL,
	`metadata` text,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `organizations_slug_unique` ON `organizations` (`slug`);--> statement-breakpoint
-- drizzle-kit leaves the ON DELETE action out of ADD COLUMN … REFERENCES on SQLite: written by hand.
ALTER TABLE `sessions` ADD `active_organization_id` text REFERENCES organizations(id) ON DELETE set null;--> statement-breakpoint
CREATE INDEX `sessions_active_organization_id_idx` ON `sessions` (`active_organization_id`);--> statement-breakpoint
ALTER TABLE `uploads` ADD `organization_id` text REFERENCES organizations(id) ON DELETE cascade;--> statement-breakpoint
CREATE INDEX `uploads_organization_id_created_at_idx` ON `uploads` (`organization_id`,`created_at`);