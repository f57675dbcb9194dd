/**
 * The DOCX of a CV with the `docx` package, from the same model as the PDF (same sections, same dates, same
 * headings in the CV's language), in the same three templates and two paper sizes. Word draws the text with
 * the reader's fonts (a DOCX does not embed them): Latin in the template's font, CJK in an East Asian font.
 */
import {
  AlignmentType,
  BorderStyle,
  Document,
  HeadingLevel,
  Packer,
  Paragraph,
  Table,
  TableCell,
  TableRow,
  TabStopType,
  TextRun,
  WidthType,
} from "docx";
import type { CvContent } from "../../../shared/cv";
import { buildExportModel, headingsFor, SIDEBAR_SECTIONS, type ExportEntry, type ExportModel, type ExportSection } from "../../../shared/cv-sections";
import type { CvTemplate, Paper, RenderOptions } from "./pdf";

interface DocxStyle {
  font: string;
  /** Half-points. */
  body: number;
  heading: number;
  name: number;
  accent: string;
  after: number;
}
const STYLES: Record<CvTemplate, DocxStyle> = {
  classic: { font: "Cambria", body: 20, heading: 24, name: 40, accent: "1C2430", after: 80 },
  modern: { font: "Calibri", body: 20, heading: 24, name: 44, accent: "2757D6", after: 80 },
  compact: { font: "Arial Narrow", body: 17, heading: 20, name: 30, accent: "2757D6", after: 30 },
};
/** Twips (1/1440 inch). */
const PAGES: Record<Paper, { width: number; height: number }> = { a4: { width: 11906, height: 16838 }, letter: { width: 12240, height: 15840 } };
const NO_BORDER = { style: BorderStyle.NONE, size: 0, color: "FFFFFF" };

export async function renderCvDocx(cv: CvContent, options: RenderOptions = {}): Promise<Buffer> {
  return renderModelDocx(buildExportModel(cv, options.lang), options.template ?? "classic", options.paper ?? "a4");
}

export async function renderModelDocx(model: ExportModel, template: CvTemplate, paper: Paper): Promise<Buffer> {
  const st = STYLES[template];
  const margin = template === "compact" ? 640 : 1000;
  const page = PAGES[paper];
  const contentWidth = page.width - 2 * margin;
  const run = (text: string, opts: { bold?: boolean; size?: number; color?: string } = {}) =>
    new TextRun({ text, bold: opts.bold, size: opts.size ?? st.body, color: opts.color, font: { ascii: st.font, hAnsi: st.font, cs: st.font, eastAsia: "Microsoft YaHei" } });

  const heading = (text: string) =>
    new Paragraph({
      heading: HeadingLevel.HEADING_2,
      spacing: { before: st.after * 3, after: st.after },
      border: template === "modern" ? undefined : { bottom: { style: BorderStyle.SINGLE, size: 4, color: "B8C0CC", space: 1 } },
      children: [run(text, { bold: true, size: st.heading, color: st.accent })],
    });
  const entry = (e: ExportEntry, width: number): Paragraph[] => {
    const out: Paragraph[] = [];
    if (e.title || e.dates) {
      out.push(
        new Paragraph({
          tabStops: [{ type: TabStopType.RIGHT, position: width }],
          spacing: { before: st.after },
          children: [run(e.title, { bold: true }), ...(e.dates ? [run(`\t${e.dates}`, { color: "5B6675" })] : [])],
        }),
      );
    }
    if (e.subtitle) out.push(new Paragraph({ children: [run(e.subtitle, { color: "5B6675" })] }));
    if (e.text) out.push(new Paragraph({ children: [run(e.text)] }));
    for (const b of e.bullets ?? []) out.push(new Paragraph({ bullet: { level: 0 }, children: [run(b)] }));
    return out;
  };
  const listLine = (e: ExportEntry) => new Paragraph({ spacing: { after: st.after / 2 }, children: e.text ? [run(`${e.title}: `, { bold: true }), run(e.text)] : [run(e.title)] });
  const section = (s: ExportSection, width: number): Paragraph[] => [heading(s.heading), ...(s.list ? s.entries.map(listLine) : s.entries.flatMap((e) => entry(e, width)))];

  const header: Paragraph[] = [
    new Paragraph({ heading: HeadingLevel.TITLE, children: [run(model.name, { bold: true, size: st.name, color: template === "classic" ? "1C2430" : st.accent })] }),
  ];
  if (model.label) header.push(new Paragraph({ children: [run(model.label, { size: st.heading, color: "5B6675" })] }));

  let body: (Paragraph | Table)[];
  if (template === "modern") {
    const sideWidth = Math.round(contentWidth * 0.3);
    const mainWidth = contentWidth - sideWidth;
    const contact: ExportSection = { key: "contact", heading: headingsFor(model.lang).contact, entries: model.contact.map((c) => ({ title: c })), list: true };
    const side = [...(contact.entries.length ? [contact] : []), ...model.sections.filter((s) => SIDEBAR_SECTIONS.has(s.key))].flatMap((s) => section(s, sideWidth - 200));
    const main = model.sections.filter((s) => !SIDEBAR_SECTIONS.has(s.key)).flatMap((s) => section(s, mainWidth - 200));
    const cell = (children: Paragraph[], width: number) =>
      new TableCell({ width: { size: width, type: WidthType.DXA }, borders: { top: NO_BORDER, bottom: NO_BORDER, left: NO_BORDER, right: NO_BORDER }, children: children.length ? children : [new Paragraph("")] });
    body = [
      ...header,
      new Table({
        width: { size: contentWidth, type: WidthType.DXA },
        columnWidths: [sideWidth, mainWidth],
        borders: { top: NO_BORDER, bottom: NO_BORDER, left: NO_BORDER, right: NO_BORDER, insideHorizontal: NO_BORDER, insideVertical: NO_BORDER },
        rows: [new TableRow({ children: [cell(side, sideWidth), cell(main, mainWidth)] })],
      }),
    ];
  } else {
    if (model.contact.length) header.push(new Paragraph({ alignment: AlignmentType.LEFT, children: [run(model.contact.join("  ·  "), { color: "5B6675" })] }));
    body = [...header, ...model.sections.flatMap((s) => section(s, contentWidth))];
  }

  const doc = new Document({
    creator: "CV Tasks",
    title: model.name,
    styles: { default: { document: { run: { font: st.font, size: st.body } } } },
    sections: [{ properties: { page: { size: page, margin: { top: margin, bottom: margin, left: margin, right: margin } } }, children: body }],
  });
  return Packer.toBuffer(doc);
}
