import type { ChildProcess } from "node:child_process";
import type { PageText } from "../parse/layout";
import { pdfPool, type PdfProcessPool, type PdfSource } from "./pool";

export const MAX_PDF_PAGES = 20;

export interface ExtractOptions {
  /** Cancel: the pdf.js process is killed at once. */
  signal?: AbortSignal;
  /** Puts the pdf.js process under the task's control while it works for it (see TaskContext.adoptChild). */
  adopt?: (child: ChildProcess) => () => void;
  onPage?: (page: number, of: number) => void;
  pool?: PdfProcessPool;
}

const jobOptions = (options: ExtractOptions) => ({
  timeoutMs: 60_000,
  signal: options.signal,
  adopt: options.adopt,
  onMessage: (msg: { type?: string; [k: string]: unknown }) => {
    if (msg.type === "progress" && typeof msg.page === "number" && typeof msg.of === "number") options.onPage?.(msg.page, msg.of);
  },
});

/** Positioned text of every page, read by pdf.js in a watched child process. */
export async function extractPdfText(data: Uint8Array, options: ExtractOptions = {}): Promise<PageText[]> {
  const result = await (options.pool ?? pdfPool()).run<{ pages: PageText[] }>({ source: { data }, maxPages: MAX_PDF_PAGES, mode: "text" }, jobOptions(options));
  return result.pages;
}

/** A CV read from a PDF, all of it in the watched child process (see pdf-child.mjs). */
export interface PdfCvReading {
  numPages: number;
  /** Characters of text found (trimmed): under 20, the PDF has no text to read (a scan) and the rest is empty. */
  textLength: number;
  /** The text in reading order, a line per line (what a language model is given). */
  text: string;
  /** The offline parser's JSON Resume (not validated yet: it comes from the process that read a hostile file). */
  content: unknown;
}

/**
 * Reads a CV from a PDF: pdf.js, the reading order and the offline parser all run in the watched child, which
 * reads the file from disk itself when it is there. Only the compact result reaches this process.
 */
export function readCvFromPdf(source: PdfSource, options: ExtractOptions = {}): Promise<PdfCvReading> {
  return (options.pool ?? pdfPool()).run<PdfCvReading>({ source, maxPages: MAX_PDF_PAGES, mode: "cv" }, jobOptions(options));
}

/** The page count, read by pdf.js in a watched child process (which also looks for an /Encrypt dictionary). */
export async function inspectPdf(source: PdfSource, options: { signal?: AbortSignal; pool?: PdfProcessPool } = {}): Promise<{ pages: number }> {
  const { numPages } = await (options.pool ?? pdfPool()).run<{ numPages: number }>({ source, maxPages: 0, mode: "inspect" }, { timeoutMs: 15_000, signal: options.signal });
  return { pages: numPages };
}
