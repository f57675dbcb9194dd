import { z } from "zod";
import { readCvFromPdf } from "../cv/pdf/extract";
import { insertCv } from "../cv/repository";
import { LlmInvalidAnswerError, LlmUnavailableError, type LlmClient } from "../llm/client";
import type { TaskStore } from "../tasks/store";
import { TaskFailure, type TaskDefinition } from "../tasks/types";
import { cvContentSchema, type CvEngine, type EngineFallbackCode } from "../../shared/cv";
import { importTitleParams, TASK_TITLES } from "../../shared/task-titles";

const payloadSchema = z.object({
  fileName: z.string().max(255),
  sizeBytes: z.number().int().nonnegative(),
  pages: z.number().int().positive().nullable(),
});
export type ImportPdfPayload = z.infer<typeof payloadSchema>;

const LLM_SYSTEM = `You turn the text of a CV (in reading order) into JSON Resume.
Use only facts that the text states; never invent or embellish. Leave out what the text does not say.
Dates: startDate/endDate as YYYY, YYYY-MM or YYYY-MM-DD; no endDate when the position is current; copy the printed
date text into startDateText/endDateText. work[].name is the employer, work[].position the job title.
education[].studyType is the degree as printed, area the field of study.`;

export interface ImportPdfDeps {
  store: TaskStore;
  llm: LlmClient | null;
}

/** PDF → structured CV: pdf.js and the offline parser in a watched child process, or the configured LLM. */
export function importPdfTask({ store, llm }: ImportPdfDeps): TaskDefinition<ImportPdfPayload> {
  return {
    type: "import-pdf",
    payloadSchema,
    defaultTitle: (p) => TASK_TITLES["import-pdf"].english(importTitleParams(p.fileName)),
    titleParams: (p) => importTitleParams(p.fileName),
    needsInputFile: true,
    async run(ctx) {
      ctx.progress(2, "extracting");
      const file = await store.inputFileOf(ctx.taskId);
      if (!file) throw new TaskFailure("input_missing", "The uploaded file is no longer available. Upload it again.");

      // pdf.js and the offline parser run in a watched child process that the task owns meanwhile (a cancel
      // kills it); it reads the file from disk when it is there. Only the text and the parsed CV come back.
      const reading = await readCvFromPdf("path" in file ? { path: file.path } : { data: file.data }, {
        signal: ctx.signal,
        adopt: (child) => ctx.adoptChild(child),
        onPage: (page, of) => ctx.progress(2 + Math.round((page / of) * 58), "extracting"),
      });
      if (reading.textLength < 20) {
        throw new TaskFailure(
          "no_text",
          "This PDF has no selectable text (it may be a scan or an image). Export your CV from your editor as a PDF with text and try again.",
        );
      }

      ctx.progress(60, "parsing");
      let content: unknown = reading.content;
      let engine: "offline" | "llm" = "offline";
      let fallbackReason: string | undefined;
      let fallbackCode: EngineFallbackCode | undefined;
      if (llm) {
        try {
          const text = reading.text;
          // Progress from the streamed answer: 60 % to 88 %, a JSON Resume being about 1.5 times the PDF's text.
          let shown = 60;
          const onProgress = ({ chars }: { chars: number }) => {
            const percent = Math.max(shown, 60 + Math.floor(28 * Math.min(1, chars / Math.max(1.5 * text.length, 1))));
            if (percent > shown) ctx.progress((shown = percent), "parsing");
          };
          content = await llm.json({ schemaName: "json_resume", schema: cvContentSchema, system: LLM_SYSTEM, user: text, signal: ctx.signal, onProgress });
          engine = "llm";
        } catch (err) {
          if (ctx.signal.aborted) throw err;
          if (!(err instanceof LlmUnavailableError || err instanceof LlmInvalidAnswerError)) throw err;
          fallbackReason = err.message;
          fallbackCode = err instanceof LlmUnavailableError ? "llm_unavailable" : "llm_invalid_answer";
        }
      }
      const checked = cvContentSchema.safeParse(content);
      if (!checked.success) throw new TaskFailure("invalid_cv", `The CV read from this PDF is not valid: ${checked.error.issues[0]?.message}`);

      ctx.progress(90, "saving");
      const title = checked.data.basics.name ? `${checked.data.basics.name} (${file.fileName})` : file.fileName;
      return {
        commit: async (tx) => {
          const cvEngine: CvEngine =
            engine === "llm" ? { kind: "llm", model: llm!.config.model } : llm ? { kind: "offline", model: llm.config.model, fallback: { code: fallbackCode!, reason: fallbackReason! } } : { kind: "offline" };
          const cvId = await insertCv(tx, { userId: ctx.userId, title, source: "imported", content: checked.data, taskId: ctx.taskId, engine: cvEngine });
          // What the import could not place stays with the CV (content.unplaced); the result says how much.
          return {
            cvId,
            engine,
            ...(llm ? { model: llm.config.model } : {}),
            unplaced: checked.data.unplaced?.length ?? 0,
            ...(fallbackReason ? { fallbackCode, fallbackReason } : {}),
          };
        },
      };
    },
  };
}
