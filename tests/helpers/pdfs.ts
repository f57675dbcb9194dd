/** Test PDFs made by the project's own export (and pdfkit directly for the broken kinds). */
import PDFDocument from "pdfkit";
import { renderCvPdf } from "@/server/cv/export/pdf";
import type { CvContent } from "@/shared/cv";

function build(draw: (doc: PDFKit.PDFDocument) => void, options: PDFKit.PDFDocumentOptions = {}): Promise<Uint8Array> {
  const doc = new PDFDocument({ size: "A4", ...options });
  const chunks: Buffer[] = [];
  doc.on("data", (c: Buffer) => chunks.push(c));
  const done = new Promise<Uint8Array>((r) => doc.on("end", () => r(new Uint8Array(Buffer.concat(chunks)))));
  draw(doc);
  doc.end();
  return done;
}

export const cvPdf = async (cv: CvContent, layout: "one-column" | "two-column" = "one-column") => new Uint8Array(await renderCvPdf(cv, layout));

/** A long CV: `pages` pages of dense text, slow enough to cancel mid-extraction. */
export const longPdf = (pages: number) =>
  build((doc) => {
    doc.font("Helvetica-Bold").fontSize(22).text("Orla Quennell");
    for (let p = 0; p < pages; p++) {
      if (p > 0) doc.addPage();
      doc.font("Helvetica").fontSize(6);
      for (let i = 0; i < 90; i++) doc.text(`Line ${p}-${i}: designed, built and operated services with Kubernetes, Terraform and PostgreSQL across regions.`, { lineBreak: false }).moveDown(0.2);
    }
  });

/** A PDF with no text at all (a drawing only, like a scan). */
export const imageOnlyPdf = () => build((doc) => doc.rect(50, 50, 300, 200).fill("#888888"));

/** A real encrypted PDF (RC4/AES by pdfkit, with a user password). */
export const encryptedPdf = () => build((doc) => doc.text("Secret CV"), { userPassword: "hunter22", ownerPassword: "owner22" });

export const manyPagesPdf = (pages: number) =>
  build((doc) => {
    for (let p = 0; p < pages; p++) {
      if (p > 0) doc.addPage();
      doc.text(`Page ${p + 1}`);
    }
  });

/** Starts like a PDF, then nonsense: pdf.js cannot read it. */
export const corruptPdf = () => new Uint8Array(Buffer.from("%PDF-1.7\n1 0 obj << /Type /Catalog /Pages 9 0 R >>\nthis is not a pdf body\n%%EOF\n"));
