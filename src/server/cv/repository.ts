import { randomUUID } from "node:crypto";
import { and, desc, eq } from "drizzle-orm";
import type { Database, Executor } from "../db/client";
import { cv, type CvRow } from "../db/schema";
import { notFound } from "../errors";
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

/** Writes a CV; called inside the transaction that completes its task. */
export async function insertCv(tx: Executor, input: NewCv): Promise<string> {
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

export async function listCvs(db: Database, userId: string): Promise<CvSummary[]> {
  const rows = await db.select().from(cv).where(eq(cv.userId, userId)).orderBy(desc(cv.createdAt));
  return rows.map(toCvSummary);
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
