import type { ChildProcess } from "node:child_process";
import type { PageText } from "../parse/layout";
import { pdfPool, type PdfProcessPool } from "./pool";

export const MAX_PDF_PAGES = 20;

export interface ExtractOptions {
  /** Cancel: the pdf.js process is killed at once. */
  signal?: AbortSignal;
  /** Puts the pdf.js process under the task's control while it works for it (see TaskContext.adoptChild). */
  adopt?: (child: ChildProcess) => () => void;
  onPage?: (page: number, of: number) => void;
  pool?: PdfProcessPool;
}

/** Positioned text of every page, read by pdf.js in a watched child process. */
export async function extractPdfText(data: Uint8Array, options: ExtractOptions = {}): Promise<PageText[]> {
  const result = await (options.pool ?? pdfPool()).run<{ pages: PageText[] }>(
    { data, maxPages: MAX_PDF_PAGES },
    {
      timeoutMs: 60_000,
      signal: options.signal,
      adopt: options.adopt,
      onMessage: (msg) => {
        if (msg.type === "progress" && typeof msg.page === "number" && typeof msg.of === "number") options.onPage?.(msg.page, msg.of);
      },
    },
  );
  return result.pages;
}

/** The page count, read by pdf.js in a watched child process (which also looks for an /Encrypt dictionary). */
export async function inspectPdf(data: Uint8Array, options: { signal?: AbortSignal; pool?: PdfProcessPool } = {}): Promise<{ pages: number }> {
  const { numPages } = await (options.pool ?? pdfPool()).run<{ numPages: number }>(
    { data, maxPages: 0, inspectOnly: true },
    { timeoutMs: 15_000, signal: options.signal },
  );
  return { pages: numPages };
}
