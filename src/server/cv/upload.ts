import { AppError, badRequest } from "../errors";
import { runStandaloneWorker } from "../tasks/standalone";
import { inspectPdf, MAX_PDF_PAGES } from "./pdf/extract";

export const MAX_PDF_BYTES = 10 * 1024 * 1024;

export interface ValidPdf {
  fileName: string;
  data: Uint8Array;
  /** Null when pdf.js could not open it: the task will fail with the reason. */
  pages: number | null;
}

const megabytes = (n: number) => (n / 1024 / 1024).toFixed(1);

/**
 * Checks an uploaded CV before any task exists: 400 or 413 with a message a person can act on.
 * The bytes decide what the file is, never its name.
 */
export async function validatePdfUpload(file: File): Promise<ValidPdf> {
  const fileName = (file.name || "cv.pdf").replace(/[\\/\u0000-\u001f]/g, "_").slice(0, 255);
  if (file.size === 0) throw badRequest("The file is empty. Choose your CV's PDF file and try again.", "empty_file");
  if (file.size > MAX_PDF_BYTES) {
    throw new AppError(413, "file_too_large", `The file is ${megabytes(file.size)} MB; the limit is 10 MB. Export a lighter PDF (fewer or smaller images) and try again.`);
  }
  const data = new Uint8Array(await file.arrayBuffer());
  const head = Buffer.from(data.subarray(0, 1024)).toString("latin1");
  if (!head.includes("%PDF-")) {
    throw badRequest("This file is not a PDF. Export your CV as a PDF and upload that file.", "not_a_pdf");
  }
  // The trailer of an encrypted PDF names its /Encrypt dictionary.
  if (/\/Encrypt\s*(\d+\s+\d+\s+R|<<)/.test(Buffer.from(data).toString("latin1"))) {
    throw badRequest("This PDF is encrypted or password-protected. Save an unprotected copy and upload that.", "encrypted_pdf");
  }
  const inspection = await inspectPdf((script, options) => runStandaloneWorker(script, options), data);
  if (inspection.pages === null && inspection.encrypted) {
    throw badRequest("This PDF is encrypted or password-protected. Save an unprotected copy and upload that.", "encrypted_pdf");
  }
  if (inspection.pages !== null && inspection.pages > MAX_PDF_PAGES) {
    throw new AppError(413, "too_many_pages", `This PDF has ${inspection.pages} pages; a CV may have at most ${MAX_PDF_PAGES}. Upload your CV alone.`);
  }
  return { fileName, data, pages: inspection.pages };
}
