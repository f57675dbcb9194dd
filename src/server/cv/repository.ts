import { randomUUID } from "node:crypto";
import { and, count, desc, eq, lt, or, sql } from "drizzle-orm";
import type { Database, Executor } from "../db/client";
import { cv, type CvRow } from "../db/schema";
import { loadConfig } from "../config";
import { AppError, badRequest, conflict, notFound } from "../errors";
import { TaskFailure } from "../tasks/types";
import type { Cv, CvContent, CvEngine, CvPatch, CvSource, CvSummary, JobOffer, MatchReport } from "../../shared/cv";

export function toCvSummary(row: CvRow): CvSummary {
  return {
    id: row.id,
    title: row.title,
    source: row.source,
    baseCvId: row.baseCvId,
    matchScore: row.matchScore,
    isMain: row.isMain,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
  };
}

export function toCv(row: CvRow, baseCv: Cv["baseCv"] = null): Cv {
  return {
    ...toCvSummary(row),
    content: row.content,
    jobOffer: row.jobOffer,
    matchReport: row.matchReport,
    taskId: row.taskId,
    engine: row.engine,
    baseCv,
  };
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
  engine?: CvEngine;
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
 * Serialises, until the transaction ends, the writes that add CVs for one user or change their main CV:
 * a task completing, a duplicate, a new main CV. The CV count and the one-main rule hold under races.
 */
async function lockUserCvs(tx: Executor, userId: string): Promise<void> {
  await tx.execute(sql`select pg_advisory_xact_lock(hashtextextended(${`cv:${userId}`}, 0))`);
}

/**
 * Writes a CV; called inside the transaction that completes its task. The user's CV lock makes the count
 * below exact against other completions and duplicates. At the cap the task fails with `cv_limit_reached`
 * and nothing is written.
 */
export async function insertCv(tx: Executor, input: NewCv): Promise<string> {
  const limit = cvLimitPerUser();
  await lockUserCvs(tx, input.userId);
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
    engine: input.engine ?? null,
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

/** The user's main CV: the one marked, else the latest imported, else the latest; null without CVs. */
export async function mainCv(db: Executor, userId: string): Promise<CvSummary | null> {
  const [row] = await db
    .select()
    .from(cv)
    .where(eq(cv.userId, userId))
    .orderBy(desc(cv.isMain), desc(sql`${cv.source} = 'imported'`), desc(cv.createdAt), desc(cv.id))
    .limit(1);
  return row ? toCvSummary(row) : null;
}

/** One page of the user's CVs, newest first; `nextCursor` fetches the next page (null on the last). */
export async function listCvs(
  db: Database,
  userId: string,
  { cursor, limit = CV_PAGE_DEFAULT }: { cursor?: string; limit?: number } = {},
): Promise<{ cvs: CvSummary[]; nextCursor: string | null; main: CvSummary | null }> {
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
  return { cvs: page.map(toCvSummary), nextCursor: rows.length > limit ? encodeCursor(page[page.length - 1]!) : null, main: await mainCv(db, userId) };
}

const cvNotFound = () => notFound("CV not found.", "cv_not_found");

/** A row as the API shows it, with its base CV's current title (one more query, for generated CVs only). */
async function withBase(db: Executor, row: CvRow): Promise<Cv> {
  if (!row.baseCvId) return toCv(row);
  const [base] = await db
    .select({ id: cv.id, title: cv.title })
    .from(cv)
    .where(and(eq(cv.id, row.baseCvId), eq(cv.userId, row.userId)));
  return toCv(row, base ?? null);
}

/** The user's CV, or a 404 (also for another user's CV: nothing is revealed). */
export async function getCv(db: Executor, userId: string, id: string): Promise<Cv> {
  const [row] = await db.select().from(cv).where(and(eq(cv.id, id), eq(cv.userId, userId)));
  if (!row) throw cvNotFound();
  return withBase(db, row);
}

/** Edits the title and the content, and marks or unmarks the CV as the user's main one, in one transaction. */
export async function updateCv(db: Database, userId: string, id: string, patch: CvPatch): Promise<Cv> {
  return db.transaction(async (tx) => {
    const mine = and(eq(cv.id, id), eq(cv.userId, userId));
    if (patch.main === true) {
      await lockUserCvs(tx, userId);
      const [exists] = await tx.select({ id: cv.id }).from(cv).where(mine);
      if (!exists) throw cvNotFound();
      await tx.update(cv).set({ isMain: false }).where(and(eq(cv.userId, userId), eq(cv.isMain, true)));
    }
    const [row] = await tx
      .update(cv)
      .set({
        ...(patch.title !== undefined ? { title: patch.title } : {}),
        ...(patch.content !== undefined ? { content: patch.content } : {}),
        ...(patch.main !== undefined ? { isMain: patch.main } : {}),
        updatedAt: Date.now(),
      })
      .where(mine)
      .returning();
    if (!row) throw cvNotFound();
    return withBase(tx, row);
  });
}

/**
 * A copy of the user's CV under a new title (its content, offer, report and link to its base; never main),
 * within the CV cap (409 `cv_limit_reached`).
 */
export async function duplicateCv(db: Database, userId: string, id: string, title: string | undefined): Promise<Cv> {
  return db.transaction(async (tx) => {
    await lockUserCvs(tx, userId);
    const [row] = await tx.select().from(cv).where(and(eq(cv.id, id), eq(cv.userId, userId)));
    if (!row) throw cvNotFound();
    const limit = cvLimitPerUser();
    if ((await countCvs(tx, userId)) >= limit) throw new AppError(409, "cv_limit_reached", cvLimitMessage(limit));
    const now = Date.now();
    const [copy] = await tx
      .insert(cv)
      .values({ ...row, id: randomUUID(), title: (title ?? `${row.title} (copy)`).slice(0, 200), isMain: false, createdAt: now, updatedAt: now })
      .returning();
    return withBase(tx, copy!);
  });
}

/**
 * Puts a work entry the tailoring hid back into a generated CV: the base CV's entry, at its place in the
 * base CV's order among the entries shown, and off the report's hidden list. 404 `hidden_entry_not_found`
 * when it is not hidden (restored already, on another device say); 409 `restore_base_changed` without the base.
 */
export async function restoreHidden(db: Database, userId: string, id: string, index: number): Promise<Cv> {
  return db.transaction(async (tx) => {
    const [row] = await tx.select().from(cv).where(and(eq(cv.id, id), eq(cv.userId, userId))).for("update");
    if (!row) throw cvNotFound();
    const hidden = row.matchReport?.hidden ?? [];
    const wanted = hidden.find((h) => h.section === "work" && h.index === index);
    if (!wanted) throw notFound("This entry is not hidden any more: it may have been restored already.", "hidden_entry_not_found");
    const [base] = row.baseCvId ? await tx.select({ content: cv.content }).from(cv).where(and(eq(cv.id, row.baseCvId), eq(cv.userId, userId))) : [];
    const entry = base?.content.work[index];
    if (!entry || entry.name !== wanted.name || entry.position !== wanted.position) throw conflict("The base CV this entry came from was deleted or changed, so it cannot be restored.", "restore_base_changed");
    const stillHidden = new Set(hidden.filter((h) => h.section === "work" && h.index !== index).map((h) => h.index));
    let before = 0;
    for (let i = 0; i < index; i++) if (!stillHidden.has(i)) before++;
    const work = [...row.content.work];
    work.splice(Math.min(before, work.length), 0, entry);
    const report: MatchReport = { ...row.matchReport!, hidden: hidden.filter((h) => !(h.section === "work" && h.index === index)) };
    const [updated] = await tx
      .update(cv)
      .set({ content: { ...row.content, work }, matchReport: report, updatedAt: Date.now() })
      .where(eq(cv.id, id))
      .returning();
    return withBase(tx, updated!);
  });
}

export async function deleteCv(db: Database, userId: string, id: string): Promise<void> {
  const deleted = await db.delete(cv).where(and(eq(cv.id, id), eq(cv.userId, userId))).returning({ id: cv.id });
  if (deleted.length === 0) throw notFound("CV not found.", "cv_not_found");
}
