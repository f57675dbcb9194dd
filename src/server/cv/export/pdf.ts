/**
 * A clean PDF rendering of a CV with pdfkit, in one column or with a sidebar. pdfkit's standard fonts
 * (Helvetica) ship inside the package: nothing is downloaded. They cover Latin scripts; other characters
 * are replaced by "?" rather than drawn as garbage.
 */
import PDFDocument from "pdfkit";
import { formatDateRange, type CvContent } from "../../../shared/cv";

export type PdfLayout = "one-column" | "two-column";

const INK = "#1c2430";
const MUTED = "#5b6675";
const ACCENT = "#2757d6";

/** Standard PDF fonts use WinAnsi: keep what it can draw. */
function printable(s: string | undefined): string {
  if (!s) return "";
  return s
    .normalize("NFKC")
    .replace(/[\u2018\u2019]/g, "'")
    .replace(/[\u201C\u201D]/g, '"')
    .replace(/[^\u0009\u000A\u0020-\u007E\u00A0-\u00FF\u2013\u2014\u2022\u2026\u20AC]/g, "?");
}

const dateRange = (item: Parameters<typeof formatDateRange>[0]) => formatDateRange(item, "Present");

/** Renders the CV to PDF bytes. */
export function renderCvPdf(cv: CvContent, layout: PdfLayout = "one-column"): Promise<Buffer> {
  const doc = new PDFDocument({
    size: "A4",
    margins: { top: 48, bottom: 48, left: 48, right: 48 },
    info: { Title: printable(cv.basics.name ? `${cv.basics.name} – CV` : "CV"), Creator: "CV Tasks" },
  });
  const chunks: Buffer[] = [];
  doc.on("data", (c: Buffer) => chunks.push(c));
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on("end", () => resolve(Buffer.concat(chunks)));
    doc.on("error", reject);
  });

  const pageWidth = doc.page.width;
  const left = 48;
  const full = pageWidth - 96;
  const sidebarWidth = layout === "two-column" ? 150 : 0;
  const mainX = layout === "two-column" ? left + sidebarWidth + 24 : left;
  const mainWidth = layout === "two-column" ? full - sidebarWidth - 24 : full;

  // Header, full width.
  doc.fillColor(INK).font("Helvetica-Bold").fontSize(24).text(printable(cv.basics.name ?? "Curriculum vitae"), left, 48, { width: full });
  if (cv.basics.label) doc.moveDown(0.15).font("Helvetica").fontSize(12).fillColor(MUTED).text(printable(cv.basics.label), { width: full });
  const contact = [cv.basics.email, cv.basics.phone, cv.basics.location?.city, cv.basics.url, ...(cv.basics.profiles ?? []).map((p) => p.url)].filter(Boolean);

  const heading = (title: string, x: number, width: number) => {
    doc.moveDown(0.8).font("Helvetica-Bold").fontSize(13).fillColor(ACCENT).text(printable(title), x, doc.y, { width });
    doc.moveDown(0.3).fillColor(INK);
  };
  /** "Left part .......... right part" on one line; the right part drops below when both do not fit. */
  const row = (leftText: string, rightText: string, x: number, width: number, bold: boolean) => {
    const leftFont = bold ? "Helvetica-Bold" : "Helvetica";
    const leftSize = bold ? 11 : 10;
    const leftWidth = doc.font(leftFont).fontSize(leftSize).widthOfString(printable(leftText));
    const rightWidth = rightText ? doc.font("Helvetica").fontSize(10).widthOfString(printable(rightText)) + 2 : 0;
    const sameLine = leftWidth + rightWidth + 16 <= width;
    const y = doc.y;
    doc.font(leftFont).fontSize(leftSize).fillColor(INK).text(printable(leftText), x, y, { width: sameLine ? width - rightWidth - 16 : width });
    if (rightText) {
      doc.font("Helvetica").fontSize(10).fillColor(MUTED);
      if (sameLine) doc.text(printable(rightText), x + width - rightWidth, y, { width: rightWidth, align: "right" });
      else doc.text(printable(rightText), x, doc.y, { width });
    }
    doc.fillColor(INK);
  };
  const bullets = (items: string[] | undefined, x: number, width: number) => {
    for (const h of items ?? []) {
      doc.font("Helvetica").fontSize(10).fillColor(INK).text(`•  ${printable(h)}`, x + 8, doc.y, { width: width - 8 });
      doc.moveDown(0.15);
    }
  };

  if (layout === "two-column") {
    doc.moveDown(0.6);
    const top = doc.y;
    doc.font("Helvetica").fontSize(9).fillColor(INK);
    heading("Contact", left, sidebarWidth);
    for (const c of contact) doc.font("Helvetica").fontSize(9).text(printable(c), left, doc.y, { width: sidebarWidth }).moveDown(0.2);
    if (cv.skills.length) {
      heading("Skills", left, sidebarWidth);
      for (const s of cv.skills) {
        const text = s.keywords?.length ? `${s.name}: ${s.keywords.join(", ")}` : s.name;
        doc.font("Helvetica").fontSize(9).text(printable(text), left, doc.y, { width: sidebarWidth }).moveDown(0.2);
      }
    }
    if (cv.languages.length) {
      heading("Languages", left, sidebarWidth);
      for (const l of cv.languages) doc.font("Helvetica").fontSize(9).text(printable(l.fluency ? `${l.language} (${l.fluency})` : l.language), left, doc.y, { width: sidebarWidth }).moveDown(0.2);
    }
    doc.y = top;
  } else if (contact.length) {
    doc.moveDown(0.2).font("Helvetica").fontSize(10).fillColor(MUTED).text(printable(contact.join("  ·  ")), left, doc.y, { width: full });
  }

  if (cv.basics.summary) {
    heading("Summary", mainX, mainWidth);
    doc.font("Helvetica").fontSize(10).text(printable(cv.basics.summary), mainX, doc.y, { width: mainWidth });
  }
  if (cv.work.length) {
    heading("Experience", mainX, mainWidth);
    for (const w of cv.work) {
      row([w.position, w.name].filter(Boolean).join(" - "), dateRange(w), mainX, mainWidth, true);
      if (w.location) row(w.location, "", mainX, mainWidth, false);
      if (w.summary) doc.font("Helvetica").fontSize(10).text(printable(w.summary), mainX, doc.y, { width: mainWidth });
      bullets(w.highlights, mainX, mainWidth);
      doc.moveDown(0.4);
    }
  }
  if (cv.education.length) {
    heading("Education", mainX, mainWidth);
    for (const e of cv.education) {
      row(e.institution ?? "", dateRange(e), mainX, mainWidth, true);
      const degree = [e.studyType, e.score ? `GPA: ${e.score}` : ""].filter(Boolean).join("; ");
      if (degree) row(degree, e.location ?? "", mainX, mainWidth, false);
      doc.moveDown(0.4);
    }
  }
  if (cv.projects.length) {
    heading("Projects", mainX, mainWidth);
    for (const p of cv.projects) {
      row(p.name, dateRange(p), mainX, mainWidth, true);
      if (p.description) doc.font("Helvetica").fontSize(10).text(printable(p.description), mainX, doc.y, { width: mainWidth });
      bullets(p.highlights, mainX, mainWidth);
      doc.moveDown(0.3);
    }
  }
  if (layout === "one-column") {
    if (cv.skills.length) {
      heading("Skills", mainX, mainWidth);
      for (const s of cv.skills) {
        doc.font("Helvetica").fontSize(10).text(printable(s.keywords?.length ? `${s.name}: ${s.keywords.join(", ")}` : s.name), mainX, doc.y, { width: mainWidth });
      }
    }
    if (cv.languages.length) {
      heading("Languages", mainX, mainWidth);
      doc.font("Helvetica").fontSize(10).text(printable(cv.languages.map((l) => (l.fluency ? `${l.language} (${l.fluency})` : l.language)).join(", ")), mainX, doc.y, { width: mainWidth });
    }
  }
  if (cv.certificates.length) {
    heading("Certifications", mainX, mainWidth);
    for (const c of cv.certificates) row([c.name, c.issuer].filter(Boolean).join(" - "), c.dateText ?? c.date ?? "", mainX, mainWidth, false);
  }
  if (cv.awards.length) {
    heading("Awards", mainX, mainWidth);
    for (const a of cv.awards) row([a.title, a.awarder].filter(Boolean).join(" - "), a.dateText ?? a.date ?? "", mainX, mainWidth, false);
  }
  if (cv.interests.length) {
    heading("Interests", mainX, mainWidth);
    doc.font("Helvetica").fontSize(10).text(printable(cv.interests.map((i) => i.name).join(", ")), mainX, doc.y, { width: mainWidth });
  }
  doc.end();
  return done;
}

/** JSON Resume, with its schema reference, for other tools. */
export function toJsonResume(cv: CvContent) {
  return { $schema: "https://raw.githubusercontent.com/jsonresume/resume-schema/v1.0.0/schema.json", ...cv, meta: { version: "v1.0.0", canonical: "https://jsonresume.org/schema" } };
}
