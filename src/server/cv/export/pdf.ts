/**
 * The PDF of a CV with pdfkit, in one of three templates (classic single column, modern two columns with
 * a sidebar, compact), on A4 or Letter. Fonts are embedded Unicode fonts (see fonts.ts): any Latin,
 * Greek or Cyrillic text prints as written, and Chinese with a CJK font added only when the CV needs it.
 */
import PDFDocument from "pdfkit";
import type { CvContent } from "../../../shared/cv";
import { cjkFont, latinFont, needsCjk, scriptRuns, type FontFace, type FontFamily } from "./fonts";
import {
  buildExportModel,
  headingsFor,
  SIDEBAR_SECTIONS,
  type CvTemplate,
  type ExportEntry,
  type ExportLanguage,
  type ExportModel,
  type ExportSection,
  type Paper,
} from "../../../shared/cv-sections";

export { PAPERS, TEMPLATES, type CvTemplate, type Paper } from "../../../shared/cv-sections";

export interface RenderOptions {
  template?: CvTemplate;
  paper?: Paper;
  /** The language of headings and dates; detected from the CV when absent. */
  lang?: ExportLanguage;
}
/** The layouts of earlier versions, still accepted: one column is the classic template, two the modern one. */
export type PdfLayout = "one-column" | "two-column";

interface Style {
  family: FontFamily;
  margin: number;
  name: number;
  label: number;
  heading: number;
  title: number;
  body: number;
  small: number;
  gap: number;
  accent: string;
  rule: boolean;
}
const STYLES: Record<CvTemplate, Style> = {
  classic: { family: "serif", margin: 54, name: 22, label: 12, heading: 12.5, title: 10.5, body: 10, small: 9.5, gap: 0.8, accent: "#1c2430", rule: true },
  modern: { family: "sans", margin: 42, name: 24, label: 12, heading: 12.5, title: 10.5, body: 9.5, small: 9, gap: 0.8, accent: "#2757d6", rule: false },
  compact: { family: "condensed", margin: 32, name: 16, label: 10, heading: 10, title: 9.5, body: 8.5, small: 8, gap: 0.45, accent: "#2757d6", rule: true },
};
const INK = "#1c2430";
const MUTED = "#5b6675";
const PAGE_SIZES: Record<Paper, string> = { a4: "A4", letter: "LETTER" };

interface Run {
  face?: FontFace;
  size: number;
  color?: string;
}

/** Renders the CV to PDF bytes. */
export function renderCvPdf(cv: CvContent, options: RenderOptions | PdfLayout = {}): Promise<Buffer> {
  const opts: RenderOptions = typeof options === "string" ? { template: options === "two-column" ? "modern" : "classic" } : options;
  return renderModelPdf(buildExportModel(cv, opts.lang), opts.template ?? "classic", opts.paper ?? "a4");
}

function modelText(model: ExportModel): string {
  return JSON.stringify(model);
}

export function renderModelPdf(model: ExportModel, template: CvTemplate, paper: Paper): Promise<Buffer> {
  const style = STYLES[template];
  const m = style.margin;
  const doc = new PDFDocument({
    size: PAGE_SIZES[paper],
    margins: { top: m, bottom: m, left: m, right: m },
    info: { Title: model.name, Creator: "CV Tasks" },
    lang: model.lang,
  });
  const chunks: Buffer[] = [];
  doc.on("data", (c: Buffer) => chunks.push(c));
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on("end", () => resolve(Buffer.concat(chunks)));
    doc.on("error", reject);
  });

  doc.registerFont("regular", latinFont(style.family, "regular"));
  doc.registerFont("bold", latinFont(style.family, "bold"));
  const cjk = needsCjk(modelText(model));
  if (cjk) {
    doc.registerFont("cjk-regular", cjkFont("regular"));
    doc.registerFont("cjk-bold", cjkFont("bold"));
  }
  const runsOf = (text: string) => (cjk ? scriptRuns(text) : [{ text, cjk: false }]);
  const fontOf = (face: FontFace, isCjk: boolean) => (isCjk ? `cjk-${face}` : face);

  const widthOf = (text: string, run: Run) =>
    runsOf(text).reduce((sum, r) => sum + doc.font(fontOf(run.face ?? "regular", r.cjk)).fontSize(run.size).widthOfString(r.text), 0);

  /** Writes text that may mix scripts, wrapping within `width` at (x, y). */
  const write = (text: string, x: number, y: number | undefined, width: number, run: Run, extra: PDFKit.Mixins.TextOptions = {}) => {
    const runs = runsOf(text);
    doc.fillColor(run.color ?? INK);
    runs.forEach((r, i) => {
      doc.font(fontOf(run.face ?? "regular", r.cjk)).fontSize(run.size);
      const continued = i < runs.length - 1;
      if (i === 0) doc.text(r.text, x, y ?? doc.y, { width, ...extra, continued });
      else doc.text(r.text, { continued });
    });
    doc.fillColor(INK);
  };

  const pageWidth = doc.page.width;
  const full = pageWidth - 2 * m;
  const sidebarWidth = template === "modern" ? 150 : 0;
  const mainX = template === "modern" ? m + sidebarWidth + 22 : m;
  const mainWidth = template === "modern" ? full - sidebarWidth - 22 : full;

  // Header, full width.
  write(model.name, m, m, full, { face: "bold", size: style.name, color: template === "classic" ? INK : style.accent });
  if (model.label) write(model.label, m, doc.y + 2, full, { size: style.label, color: MUTED });

  const heading = (text: string, x: number, width: number) => {
    doc.moveDown(style.gap);
    write(text, x, doc.y, width, { face: "bold", size: style.heading, color: style.accent });
    if (style.rule) {
      doc.moveTo(x, doc.y + 1).lineTo(x + width, doc.y + 1).lineWidth(0.6).strokeColor("#b8c0cc").stroke();
      doc.y += 3;
    }
    doc.moveDown(0.25);
  };
  /** "Title .......... dates" on one line; the dates drop below when both do not fit. */
  const titleRow = (title: string, dates: string | undefined, x: number, width: number) => {
    const titleRun: Run = { face: "bold", size: style.title };
    const dateRun: Run = { size: style.small, color: MUTED };
    const dateWidth = dates ? widthOf(dates, dateRun) + 2 : 0;
    const sameLine = !!dates && widthOf(title, titleRun) + dateWidth + 12 <= width;
    const y = doc.y;
    if (title) write(title, x, y, sameLine || !dates ? width - (sameLine ? dateWidth + 12 : 0) : width, titleRun);
    if (!dates) return;
    const after = doc.y;
    if (sameLine) {
      write(dates, x + width - dateWidth, y + (style.title - style.small), dateWidth + 4, dateRun, { lineBreak: false });
      doc.y = Math.max(after, doc.y);
    } else write(dates, x, title ? doc.y : y, width, dateRun);
  };
  const entry = (e: ExportEntry, x: number, width: number) => {
    titleRow(e.title, e.dates, x, width);
    if (e.subtitle) write(e.subtitle, x, doc.y, width, { size: style.small, color: MUTED });
    if (e.text) write(e.text, x, doc.y + (e.title ? 1 : 0), width, { size: style.body });
    for (const b of e.bullets ?? []) {
      // A hanging indent: wrapped lines align with the text, not with the bullet.
      const y = doc.y + 1;
      write("•", x + 6, y, 10, { size: style.body }, { lineBreak: false });
      write(b, x + 16, y, width - 16, { size: style.body });
    }
    doc.moveDown(template === "compact" ? 0.25 : 0.45);
  };
  const listLine = (e: ExportEntry, x: number, width: number, size: number) => {
    write(e.text ? `${e.title}: ${e.text}` : e.title, x, doc.y, width, { size });
    doc.moveDown(0.15);
  };
  const section = (s: ExportSection, x: number, width: number, listSize = style.body) => {
    heading(s.heading, x, width);
    if (s.list) for (const e of s.entries) listLine(e, x, width, listSize);
    else for (const e of s.entries) entry(e, x, width);
  };

  if (template === "modern") {
    doc.moveDown(0.4);
    const top = doc.y;
    const contact = { key: "contact" as const, heading: headingsFor(model.lang).contact, entries: model.contact.map((c) => ({ title: c })), list: true };
    if (contact.entries.length) section(contact, m, sidebarWidth, style.small);
    for (const s of model.sections.filter((s) => SIDEBAR_SECTIONS.has(s.key))) section(s, m, sidebarWidth, style.small);
    const sidebarBottom = doc.y;
    const firstPage = doc.bufferedPageRange().count;
    doc.y = top;
    for (const s of model.sections.filter((s) => !SIDEBAR_SECTIONS.has(s.key))) section(s, mainX, mainWidth);
    if (doc.bufferedPageRange().count === firstPage) doc.y = Math.max(doc.y, sidebarBottom);
  } else {
    if (model.contact.length) write(model.contact.join("  ·  "), m, doc.y + 3, full, { size: style.small, color: MUTED });
    for (const s of model.sections) section(s, mainX, mainWidth);
  }
  doc.end();
  return done;
}


/** JSON Resume, with its schema reference, for other tools. */
export function toJsonResume(cv: CvContent) {
  return { $schema: "https://raw.githubusercontent.com/jsonresume/resume-schema/v1.0.0/schema.json", ...cv, meta: { version: "v1.0.0", canonical: "https://jsonresume.org/schema" } };
}
