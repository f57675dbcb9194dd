import { z } from "zod";
import type { Database } from "../db/client";
import { getCv, insertCv } from "../cv/repository";
import { tailorCv } from "../cv/tailor/tailor";
import { rejectRewrite } from "../cv/tailor/verify";
import { AppError } from "../errors";
import { LlmInvalidAnswerError, LlmUnavailableError, type LlmClient } from "../llm/client";
import { TaskFailure, type TaskDefinition } from "../tasks/types";
import { jobOfferSchema, type CvContent, type CvEngine, type EngineFallbackCode, type GenerateCvResult } from "../../shared/cv";
import { generateTitleParams, TASK_TITLES } from "../../shared/task-titles";

const payloadSchema = z.object({ cvId: z.uuid(), offer: jobOfferSchema });
export type GenerateCvPayload = z.infer<typeof payloadSchema>;

/** What the model may change: prose only, on entries that already exist. */
const rewriteSchema = z.object({
  label: z.string().trim().min(1).max(300),
  summary: z.string().trim().min(1).max(3000),
  work: z
    .array(z.object({ index: z.number().int().min(0), highlights: z.array(z.string().trim().min(1).max(1000)).max(20) }))
    .max(100),
});

const LLM_SYSTEM = `You tailor a CV to a job offer. Rewrite only the headline (label), the summary, and the wording of the
highlights of the existing work entries (identified by their index) so that they speak to the offer.
Strict rule: never invent anything. Use only facts present in the CV: no new employers, titles, dates, numbers,
degrees, skills or achievements; do not claim a skill the CV does not show. You may shorten, reorder and rephrase.
Keep the candidate's real current title in the headline. Write in the language of the job offer. Answer with JSON: {"label", "summary", "work": [{"index", "highlights"}]}.`;

/** Applies the model's rewrite without letting it add entries or highlights. */
function applyRewrite(content: CvContent, rewrite: z.infer<typeof rewriteSchema>): CvContent {
  const work = content.work.map((w, i) => {
    const update = rewrite.work.find((r) => r.index === i);
    const max = w.highlights?.length ?? 0;
    return update && max > 0 ? { ...w, highlights: update.highlights.slice(0, max) } : w;
  });
  return { ...content, basics: { ...content.basics, label: rewrite.label, summary: rewrite.summary }, work };
}

/** Progress while the model writes: from 40 % to 88 %, by the characters received against the size of what it rewrites. */
const WRITE_FROM = 40;
const WRITE_TO = 88;

export interface GenerateCvDeps {
  db: Database;
  llm: LlmClient | null;
}

/** Base CV + one job offer → a tailored CV with a computed match report. */
export function generateCvTask({ db, llm }: GenerateCvDeps): TaskDefinition<GenerateCvPayload> {
  return {
    type: "generate-cv",
    payloadSchema,
    defaultTitle: (p) => TASK_TITLES["generate-cv"].english(generateTitleParams(p.offer)),
    titleParams: (p) => generateTitleParams(p.offer),
    async run(ctx) {
      ctx.progress(5, "reading");
      const base = await getCv(db, ctx.userId, ctx.payload.cvId).catch((err: unknown) => {
        if (AppError.is(err) && err.status === 404) throw new TaskFailure("base_cv_missing", "The CV to tailor no longer exists. Choose another base CV.");
        throw err;
      });
      ctx.progress(20, "analysing");
      const tailored = tailorCv(base.content, ctx.payload.offer);
      let content = tailored.content;
      let engine: CvEngine = { kind: "offline" };
      const fallBack = (code: EngineFallbackCode, reason: string) => {
        engine = { kind: "offline", model: llm!.config.model, fallback: { code, reason } };
      };
      if (llm) {
        ctx.progress(WRITE_FROM, "writing");
        // What the model rewrites, as JSON: about the size of its answer.
        const expected = JSON.stringify({ label: content.basics.label, summary: content.basics.summary, work: content.work.map((w, index) => ({ index, highlights: w.highlights })) }).length;
        let shown = WRITE_FROM;
        try {
          const rewrite = await llm.json({
            schemaName: "cv_rewrite",
            schema: rewriteSchema,
            system: LLM_SYSTEM,
            user: JSON.stringify({ offer: ctx.payload.offer, cv: { basics: content.basics, work: content.work.map((w, index) => ({ index, ...w })), skills: content.skills } }),
            signal: ctx.signal,
            onProgress: ({ chars }) => {
              // Never backwards: a second try (after an invalid answer) starts again from zero characters.
              const percent = Math.max(shown, WRITE_FROM + Math.floor((WRITE_TO - WRITE_FROM) * Math.min(1, chars / Math.max(expected, 1))));
              if (percent > shown) ctx.progress((shown = percent), "writing");
            },
          });
          const rewritten = applyRewrite(content, rewrite);
          // Checked after the model answers: the rewrite may only rephrase the base CV's facts.
          const reason = rejectRewrite(base.content, content, ctx.payload.offer, {
            label: rewritten.basics.label ?? "",
            summary: rewritten.basics.summary ?? "",
            highlights: rewritten.work.flatMap((w) => w.highlights ?? []),
          });
          if (reason) fallBack("llm_rewrite_rejected", `The language model's rewrite was rejected: ${reason}. The offline result was kept.`);
          else {
            content = rewritten;
            engine = { kind: "llm", model: llm.config.model };
          }
        } catch (err) {
          if (ctx.signal.aborted) throw err;
          if (err instanceof LlmUnavailableError) fallBack("llm_unavailable", err.message);
          else if (err instanceof LlmInvalidAnswerError) fallBack("llm_invalid_answer", err.message);
          else throw err;
        }
      }
      const used: CvEngine = engine;
      ctx.progress(90, "saving");
      return {
        commit: async (tx) => {
          const cvId = await insertCv(tx, {
            userId: ctx.userId,
            title: tailored.title,
            source: "generated",
            content,
            taskId: ctx.taskId,
            baseCvId: base.id,
            jobOffer: ctx.payload.offer,
            matchReport: tailored.report,
            engine: used,
          });
          const result: GenerateCvResult = {
            cvId,
            score: tailored.report.score,
            engine: used.kind,
            ...(used.model ? { model: used.model } : {}),
            ...(used.fallback ? { fallbackCode: used.fallback.code, fallbackReason: used.fallback.reason } : {}),
          };
          return result;
        },
      };
    },
  };
}
