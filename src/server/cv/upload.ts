import { AppError, badRequest } from "../errors";
import { TaskFailure } from "../tasks/types";
import { inspectPdf, MAX_PDF_PAGES } from "./pdf/extract";
import { TOO_LARGE_CODE } from "./pdf/pool";

export const MAX_PDF_BYTES = 10 * 1024 * 1024;

/** An uploaded file, on disk (streamed there by the multipart reader), with its first bytes. */
export interface UploadedFile {
  fileName: string;
  path: string;
  sizeBytes: number;
  head: Uint8Array;
}

export interface ValidPdf {
  fileName: string;
  path: string;
  sizeBytes: number;
  /** Null when pdf.js could not open it: the task will fail with the reason. */
  pages: number | null;
}

const megabytes = (n: number) => (n / 1024 / 1024).toFixed(1);

/**
 * At most `running` request-time checks at once, `waiting` more in line; the rest are refused at once
 * (503 with Retry-After) rather than piling up uploads in memory.
 */
export class CheckGate {
  private active = 0;
  private readonly queue: (() => void)[] = [];

  constructor(
    private readonly running: number,
    private readonly waiting: number,
  ) {}

  async acquire(): Promise<() => void> {
    if (this.active >= this.running) {
      if (this.queue.length >= this.waiting) {
        throw new AppError(503, "pdf_checks_busy", "Too many PDFs are being checked right now. Try again in a few seconds.", { retryAfterSeconds: 5 });
      }
      await new Promise<void>((resolve) => this.queue.push(resolve));
    } else {
      this.active++;
    }
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const next = this.queue.shift();
      if (next) next(); // the slot passes to the next in line
      else this.active--;
    };
  }
}

const GATE = Symbol.for("cv-tasks.pdfCheckGate");
const gate = () => ((globalThis as { [GATE]?: CheckGate })[GATE] ??= new CheckGate(2, 8));

const encrypted = () => badRequest("This PDF is encrypted or password-protected. Save an unprotected copy and upload that.", "encrypted_pdf");

/**
 * Checks an uploaded CV before any task exists: 400 or 413 with a message a person can act on.
 * The bytes decide what the file is, never its name. Everything that reads the whole file runs in a
 * pdf.js child process under the memory ceiling, which reads it from disk: none of it passes through
 * this event loop.
 */
export async function validatePdfUpload(file: UploadedFile): Promise<ValidPdf> {
  const fileName = (file.fileName || "cv.pdf").replace(/[\\/\u0000-\u001f]/g, "_").slice(0, 255);
  if (file.sizeBytes === 0) throw badRequest("The file is empty. Choose your CV's PDF file and try again.", "empty_file");
  if (file.sizeBytes > MAX_PDF_BYTES) {
    throw new AppError(413, "file_too_large", `The file is ${megabytes(file.sizeBytes)} MB; the limit is 10 MB. Export a lighter PDF (fewer or smaller images) and try again.`);
  }
  if (Buffer.from(file.head.buffer, file.head.byteOffset, Math.min(file.head.byteLength, 1024)).indexOf("%PDF-", 0, "latin1") < 0) {
    throw badRequest("This file is not a PDF. Export your CV as a PDF and upload that file.", "not_a_pdf");
  }
  const release = await gate().acquire();
  let pages: number | null;
  try {
    pages = (await inspectPdf({ path: file.path })).pages;
  } catch (err) {
    if (!TaskFailure.is(err)) throw err;
    if (err.code === "encrypted_pdf") throw encrypted();
    if (err.code === TOO_LARGE_CODE) throw new AppError(413, err.code, err.message);
    if (err.code === "pdf_timeout") throw badRequest(err.message, err.code);
    pages = null; // unreadable: the task fails with pdf.js's reason, as an import of it would
  } finally {
    release();
  }
  if (pages !== null && pages > MAX_PDF_PAGES) {
    throw new AppError(413, "too_many_pages", `This PDF has ${pages} pages; a CV may have at most ${MAX_PDF_PAGES}. Upload your CV alone.`);
  }
  return { fileName, path: file.path, sizeBytes: file.sizeBytes, pages };
}
