import { sql } from "drizzle-orm";
import {
  bigint,
  bigserial,
  boolean,
  check,
  customType,
  index,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from "drizzle-orm/pg-core";
import type { TaskStageEntry, TaskStatus } from "../../shared/tasks";
import type { CvContent, CvEngine, CvSource, JobOffer, MatchReport } from "../../shared/cv";

// ---- better-auth core tables (field names as better-auth expects them) ----

export const user = pgTable("user", {
  id: text("id").primaryKey(),
  name: text("name").notNull(),
  email: text("email").notNull().unique(),
  emailVerified: boolean("email_verified").notNull().default(false),
  image: text("image"),
  /** The UI language the account chose ("en" | "fr"); null: the browser's cookie or Accept-Language decides. */
  locale: text("locale"),
  createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
});

export const session = pgTable(
  "session",
  {
    id: text("id").primaryKey(),
    expiresAt: timestamp("expires_at", { withTimezone: true }).notNull(),
    token: text("token").notNull().unique(),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
    ipAddress: text("ip_address"),
    userAgent: text("user_agent"),
    userId: text("user_id")
      .notNull()
      .references(() => user.id, { onDelete: "cascade" }),
  },
  (t) => [index("session_user_id_idx").on(t.userId)],
);

export const account = pgTable(
  "account",
  {
    id: text("id").primaryKey(),
    accountId: text("account_id").notNull(),
    providerId: text("provider_id").notNull(),
    userId: text("user_id")
      .notNull()
      .references(() => user.id, { onDelete: "cascade" }),
    accessToken: text("access_token"),
    refreshToken: text("refresh_token"),
    idToken: text("id_token"),
    accessTokenExpiresAt: timestamp("access_token_expires_at", { withTimezone: true }),
    refreshTokenExpiresAt: timestamp("refresh_token_expires_at", { withTimezone: true }),
    scope: text("scope"),
    password: text("password"),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index("account_user_id_idx").on(t.userId)],
);

export const verification = pgTable(
  "verification",
  {
    id: text("id").primaryKey(),
    identifier: text("identifier").notNull(),
    value: text("value").notNull(),
    expiresAt: timestamp("expires_at", { withTimezone: true }).notNull(),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index("verification_identifier_idx").on(t.identifier)],
);

// ---- application settings shared by every process on the database ----

export const appSetting = pgTable("app_setting", {
  key: text("key").primaryKey(),
  value: text("value").notNull(),
});

// ---- background tasks ----


/** Times are epoch milliseconds. */
const ms = (name: string) => bigint(name, { mode: "number" });

export const backgroundTask = pgTable(
  "background_task",
  {
    id: uuid("id").primaryKey(),
    userId: text("user_id")
      .notNull()
      .references(() => user.id, { onDelete: "cascade" }),
    type: text("type").notNull(),
    title: text("title").notNull(),
    /** What the title is made of, for a title the UI builds in the reader's language ({file}, {subject}); null: `title` was given. */
    titleParams: jsonb("title_params").$type<Record<string, string>>(),
    status: text("status").$type<TaskStatus>().notNull().default("queued"),
    progress: integer("progress").notNull().default(0),
    stage: text("stage"),
    /** The stages of the current attempt, in order, with when each began (at most MAX_TASK_STAGES). */
    stages: jsonb("stages").$type<TaskStageEntry[]>().notNull().default([]),
    payload: jsonb("payload").notNull().default({}),
    result: jsonb("result"),
    errorMessage: text("error_message"),
    errorCode: text("error_code"),
    deviceId: text("device_id"),
    /** Its input file is kept: while the task is active, and after it failed or was cancelled, for a retry (see KEPT_INPUTS_PER_USER). */
    inputKept: boolean("input_kept").notNull().default(false),
    /** The device that created the task (`deviceId` is the last one that acted on it). */
    createdByDeviceId: text("created_by_device_id"),
    createdAt: ms("created_at").notNull(),
    updatedAt: ms("updated_at").notNull(),
    startedAt: ms("started_at"),
    finishedAt: ms("finished_at"),
    cancelRequestedAt: ms("cancel_requested_at"),
    attempts: integer("attempts").notNull().default(0),
    /** The user's task clock value at this row's last change: the sync cursor compares against it. */
    version: ms("version").notNull(),
    /** Creation order, to break ties between tasks created in the same millisecond (FIFO). */
    seq: bigserial("seq", { mode: "number" }).notNull(),
    /** Which runner process holds the task while it runs, and until when. */
    leaseOwner: text("lease_owner"),
    leaseExpiresAt: ms("lease_expires_at"),
    /**
     * Internal: the user deleted the task while its work was still stopping. The row (cancelled, still
     * leased, holding its user's slot) is deleted, with its tombstone, once the work has stopped.
     */
    deletePending: boolean("delete_pending").notNull().default(false),
  },
  (t) => [
    index("background_task_user_created_idx").on(t.userId, t.createdAt),
    index("background_task_user_version_idx").on(t.userId, t.version),
    index("background_task_queue_idx").on(t.createdAt, t.seq).where(sql`${t.status} = 'queued'`),
    /** Each user's oldest queued task (the head of their queue, for round-robin claims). */
    index("background_task_user_queue_idx").on(t.userId, t.createdAt, t.seq).where(sql`${t.status} = 'queued'`),
    /** Leased rows: live leases count against the per-user limit; expired ones are recovered. */
    index("background_task_lease_idx").on(t.userId, t.leaseExpiresAt).where(sql`${t.leaseOwner} is not null`),
    index("background_task_running_idx").on(t.userId).where(sql`${t.status} = 'running'`),
    check("background_task_status_check", sql`${t.status} in ('queued', 'running', 'completed', 'failed', 'cancelled')`),
    check("background_task_progress_check", sql`${t.progress} between 0 and 100`),
  ],
);

/**
 * One row per user. Every change to a user's tasks increments `version` while holding this row's lock
 * until commit, so a user's versions become visible in order and a cursor never skips a change.
 * The row lock also serialises the history cap and the active-task cap.
 */
export const taskClock = pgTable("task_clock", {
  userId: text("user_id")
    .primaryKey()
    .references(() => user.id, { onDelete: "cascade" }),
  version: ms("version").notNull().default(0),
  /** Tombstones at or below this version were pruned: an older cursor needs a full resync. */
  tombstoneFloor: ms("tombstone_floor").notNull().default(0),
  /** When a task of this user last started: claims go to the user who waited longest (round-robin). */
  lastStartedAt: ms("last_started_at"),
});

/** What a deleted task leaves behind, so an incremental sync can tell a device what disappeared. */
export const taskTombstone = pgTable(
  "task_tombstone",
  {
    /** Scoped to its user: another user reusing a deleted id never touches this tombstone. */
    taskId: uuid("task_id").notNull(),
    userId: text("user_id")
      .notNull()
      .references(() => user.id, { onDelete: "cascade" }),
    version: ms("version").notNull(),
    deletedAt: ms("deleted_at").notNull(),
  },
  (t) => [primaryKey({ columns: [t.userId, t.taskId] }), index("task_tombstone_user_version_idx").on(t.userId, t.version)],
);

export type BackgroundTaskRow = typeof backgroundTask.$inferSelect;

/**
 * A finished task the user deleted a moment ago, kept for the few seconds in which the deletion can be
 * undone (then the task comes back, on every device). Rows older than the undo window are pruned.
 */
export const deletedTask = pgTable(
  "deleted_task",
  {
    taskId: uuid("task_id").notNull(),
    userId: text("user_id")
      .notNull()
      .references(() => user.id, { onDelete: "cascade" }),
    row: jsonb("row").$type<BackgroundTaskRow>().notNull(),
    deletedAt: ms("deleted_at").notNull(),
  },
  (t) => [primaryKey({ columns: [t.userId, t.taskId] }), index("deleted_task_deleted_at_idx").on(t.deletedAt)],
);

/** Binary data (node-postgres and PGlite both map bytea to a Buffer/Uint8Array). */
const bytea = customType<{ data: Uint8Array; driverData: Uint8Array }>({
  dataType: () => "bytea",
});

/** A task's input file (an uploaded PDF): it lives exactly as long as its task is active. */
export const taskInputFile = pgTable("task_input_file", {
  taskId: uuid("task_id")
    .primaryKey()
    .references(() => backgroundTask.id, { onDelete: "cascade" }),
  fileName: text("file_name").notNull(),
  contentType: text("content_type").notNull(),
  sizeBytes: integer("size_bytes").notNull(),
  data: bytea("data").notNull(),
});

// ---------- CVs ----------

export const cv = pgTable(
  "cv",
  {
    id: uuid("id").primaryKey(),
    userId: text("user_id")
      .notNull()
      .references(() => user.id, { onDelete: "cascade" }),
    title: text("title").notNull(),
    source: text("source").$type<CvSource>().notNull(),
    content: jsonb("content").$type<CvContent>().notNull(),
    /** The CV a generated one was tailored from (kept as a link even if that CV is deleted later). */
    baseCvId: uuid("base_cv_id"),
    jobOffer: jsonb("job_offer").$type<JobOffer>(),
    matchReport: jsonb("match_report").$type<MatchReport>(),
    matchScore: integer("match_score"),
    /** The task that produced it. */
    taskId: uuid("task_id"),
    /** The user's chosen main CV (at most one per user): the default base for tailoring. */
    isMain: boolean("is_main").notNull().default(false),
    /** Which engine wrote a generated CV, and why it fell back to the offline one. */
    engine: jsonb("engine").$type<CvEngine>(),
    createdAt: ms("created_at").notNull(),
    updatedAt: ms("updated_at").notNull(),
  },
  (t) => [
    index("cv_user_created_idx").on(t.userId, t.createdAt),
    uniqueIndex("cv_user_main_idx").on(t.userId).where(sql`${t.isMain}`),
    check("cv_source_check", sql`${t.source} in ('imported', 'generated')`),
  ],
);

export type CvRow = typeof cv.$inferSelect;
