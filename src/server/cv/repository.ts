import { randomUUID } from "node:crypto";
import { and, count, desc, eq, lt, or } from "drizzle-orm";
import type { Database, Executor } from "../db/client";
import { cv, type CvRow } from "../db/schema";
import { loadConfig } from "../config";
import { AppError, badRequest, notFound } from "../errors";
import { TaskFailure } from "../tasks/types";
import type { Cv, CvContent, CvSource, CvSummary, JobOffer, MatchReport } from "../../shared/cv";

export function toCvSummary(row: CvRow): CvSummary {
  return {
    id: row.id,
    title: row.title,
    source: row.source,
    baseCvId: row.baseCvId,
    matchScore: row.matchScore,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
  };
}

export function toCv(row: CvRow): Cv {
  return { ...toCvSummary(row), content: row.content, jobOffer: row.jobOffer, matchReport: row.matchReport, taskId: row.taskId };
}

export interface NewCv {
  userId: string;
  title: string;
  source: CvSource;
  content: CvContent;
  taskId?: string;
  baseCvId?: string;
  jobOffer?: JobOffer;
  matchReport?: MatchReport;
}

let cvLimit: number | undefined;
/** CVs a user may keep (CV_LIMIT_PER_USER, 500 by default). */
export function cvLimitPerUser(): number {
  return (cvLimit ??= loadConfig().cvLimitPerUser);
}

const cvLimitMessage = (limit: number) =>
  `You have reached the limit of ${limit} CVs. Delete CVs you no longer need, then try again.`;

export async function countCvs(db: Executor, userId: string): Promise<number> {
  const [row] = await db.select({ n: count() }).from(cv).where(eq(cv.userId, userId));
  return Number(row?.n ?? 0);
}

/** 409 `cv_limit_reached` when the user already keeps as many CVs as allowed (checked before a task is created). */
export async function assertRoomForCvs(db: Executor, userId: string, adding = 1): Promise<void> {
  const limit = cvLimitPerUser();
  if ((await countCvs(db, userId)) + adding > limit) throw new AppError(409, "cv_limit_reached", cvLimitMessage(limit));
}

/**
 * Writes a CV; called inside the transaction that completes its task (which holds the user's clock lock, so
 * the count below cannot race another completion of the same user). At the cap the task fails with
 * `cv_limit_reached` and nothing is written.
 */
export async function insertCv(tx: Executor, input: NewCv): Promise<string> {
  const limit = cvLimitPerUser();
  if ((await countCvs(tx, input.userId)) >= limit) throw new TaskFailure("cv_limit_reached", cvLimitMessage(limit));
  const id = randomUUID();
  const now = Date.now();
  await tx.insert(cv).values({
    id,
    userId: input.userId,
    title: input.title,
    source: input.source,
    content: input.content,
    taskId: input.taskId ?? null,
    baseCvId: input.baseCvId ?? null,
    jobOffer: input.jobOffer ?? null,
    matchReport: input.matchReport ?? null,
    matchScore: input.matchReport?.score ?? null,
    createdAt: now,
    updatedAt: now,
  });
  return id;
}

export const CV_PAGE_DEFAULT = 50;
export const CV_PAGE_MAX = 100;

function encodeCursor(row: CvRow): string {
  return Buffer.from(`${row.createdAt}:${row.id}`).toString("base64url");
}

function decodeCursor(cursor: string): { createdAt: number; id: string } {
  const [at, id] = Buffer.from(cursor, "base64url").toString("utf8").split(":");
  const createdAt = Number(at);
  if (!Number.isSafeInteger(createdAt) || !id || !/^[0-9a-f-]{36}$/i.test(id)) {
    throw badRequest("cursor must be a nextCursor returned by a previous call.", "invalid_cursor");
  }
  return { createdAt, id };
}

/** One page of the user's CVs, newest first; `nextCursor` fetches the next page (null on the last). */
export async function listCvs(
  db: Database,
  userId: string,
  { cursor, limit = CV_PAGE_DEFAULT }: { cursor?: string; limit?: number } = {},
): Promise<{ cvs: CvSummary[]; nextCursor: string | null }> {
  const after = cursor ? decodeCursor(cursor) : null;
  const rows = await db
    .select()
    .from(cv)
    .where(
      and(
        eq(cv.userId, userId),
        after ? or(lt(cv.createdAt, after.createdAt), and(eq(cv.createdAt, after.createdAt), lt(cv.id, after.id))) : undefined,
      ),
    )
    .orderBy(desc(cv.createdAt), desc(cv.id))
    .limit(limit + 1);
  const page = rows.slice(0, limit);
  return { cvs: page.map(toCvSummary), nextCursor: rows.length > limit ? encodeCursor(page[page.length - 1]!) : null };
}

/** The user's CV, or a 404 (also for another user's CV: nothing is revealed). */
export async function getCv(db: Executor, userId: string, id: string): Promise<Cv> {
  const [row] = await db.select().from(cv).where(and(eq(cv.id, id), eq(cv.userId, userId)));
  if (!row) throw notFound("CV not found.", "cv_not_found");
  return toCv(row);
}

export async function updateCv(db: Database, userId: string, id: string, patch: { title?: string; content?: CvContent }): Promise<Cv> {
  const [row] = await db
    .update(cv)
    .set({ ...patch, updatedAt: Date.now() })
    .where(and(eq(cv.id, id), eq(cv.userId, userId)))
    .returning();
  if (!row) throw notFound("CV not found.", "cv_not_found");
  return toCv(row);
}

export async function deleteCv(db: Database, userId: string, id: string): Promise<void> {
  const deleted = await db.delete(cv).where(and(eq(cv.id, id), eq(cv.userId, userId))).returning({ id: cv.id });
  if (deleted.length === 0) throw notFound("CV not found.", "cv_not_found");
}
