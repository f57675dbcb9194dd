import path from "node:path";
import type { PageText } from "../parse/layout";
import type { WorkerRunOptions } from "../../tasks/types";

/** Loaded by path so that no bundler touches it: it runs pdf.js in its own thread. */
export const PDF_WORKER_SCRIPT = path.join(process.cwd(), "src/server/cv/pdf/extract-worker.mjs");
const PDFJS_DIR = path.join(process.cwd(), "node_modules/pdfjs-dist");

export const MAX_PDF_PAGES = 20;

export type WorkerRunner = <T>(script: string, options: WorkerRunOptions) => Promise<T>;

/** Limits for one parse: a bomb or a corrupt file dies in its thread, not in the server. */
const LIMITS = { resourceLimits: { maxOldGenerationSizeMb: 512, maxYoungGenerationSizeMb: 64 }, timeoutMs: 60_000 };

/** Positioned text of every page, read by pdf.js in a worker thread (`run` decides who owns the thread). */
export async function extractPdfText(
  run: WorkerRunner,
  data: Uint8Array,
  onPage?: (page: number, of: number) => void,
): Promise<PageText[]> {
  const result = await run<{ pages: PageText[] }>(PDF_WORKER_SCRIPT, {
    workerData: { data, assetsDir: PDFJS_DIR, maxPages: MAX_PDF_PAGES },
    ...LIMITS,
    prewarm: true,
    onMessage: (m) => {
      const msg = m as { type?: string; page?: number; of?: number };
      if (msg.type === "progress" && msg.page && msg.of) onPage?.(msg.page, msg.of);
    },
  });
  return result.pages;
}

export type PdfInspection = { pages: number } | { pages: null; encrypted: boolean; reason: string };

/** The page count, read in a short-lived thread; null pages when pdf.js cannot open the file. */
export async function inspectPdf(run: WorkerRunner, data: Uint8Array): Promise<PdfInspection> {
  try {
    const { numPages } = await run<{ numPages: number }>(PDF_WORKER_SCRIPT, {
      // A copy: the task stores the original bytes.
      workerData: { data: data.slice(), assetsDir: PDFJS_DIR, maxPages: 0, inspectOnly: true },
      resourceLimits: LIMITS.resourceLimits,
      prewarm: true,
      timeoutMs: 15_000,
    });
    return { pages: numPages };
  } catch (err) {
    const code = (err as { code?: string }).code;
    return { pages: null, encrypted: code === "encrypted_pdf", reason: err instanceof Error ? err.message : String(err) };
  }
}
