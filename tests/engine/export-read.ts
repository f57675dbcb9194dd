/** Reading exports back as a person's tools would: pdf.js for the PDF text, the DOCX's document.xml via JSZip. */
import JSZip from "jszip";

/** All the text of a PDF, items joined as pdf.js lays them out, whitespace collapsed. */
export async function pdfText(bytes: Uint8Array): Promise<string> {
  const pdfjs = await import("pdfjs-dist/legacy/build/pdf.mjs");
  const worker: string = "pdfjs-dist/legacy/build/pdf.worker.mjs"; // untyped: loaded in-process, as pdf-child.mjs does
  (globalThis as { pdfjsWorker?: unknown }).pdfjsWorker ??= await import(worker);
  const doc = await pdfjs.getDocument({ data: new Uint8Array(bytes), useSystemFonts: false, disableFontFace: true, verbosity: 0 }).promise;
  let text = "";
  for (let p = 1; p <= doc.numPages; p++) {
    const content = await (await doc.getPage(p)).getTextContent();
    for (const item of content.items) if ("str" in item) text += item.str + (item.hasEOL ? "\n" : "");
    text += "\n";
  }
  await doc.cleanup();
  return text.replace(/[ \t]+/g, " ");
}

/** Names of the fonts a PDF embeds (its /BaseFont entries). */
export const pdfFonts = (bytes: Uint8Array) => [...new Set([...Buffer.from(bytes).toString("latin1").matchAll(/\/BaseFont \/([A-Za-z0-9+_-]+)/g)].map((m) => m[1]!))];

/** The text of a DOCX: every paragraph of word/document.xml on its own line, runs joined. */
export async function docxText(bytes: Uint8Array): Promise<string> {
  const zip = await JSZip.loadAsync(bytes);
  const xml = await zip.file("word/document.xml")!.async("string");
  const decode = (s: string) => s.replace(/&lt;/g, "<").replace(/&gt;/g, ">").replace(/&quot;/g, '"').replace(/&apos;/g, "'").replace(/&amp;/g, "&");
  return xml
    .split(/<\/w:p>/)
    .map((p) => [...p.matchAll(/<w:t(?: [^>]*)?>([^<]*)<\/w:t>|<w:tab\/>/g)].map((m) => (m[1] === undefined ? "\t" : decode(m[1]))).join(""))
    .filter((line) => line.length > 0)
    .join("\n");
}

/** Pairs of text pieces on the first page whose boxes overlap (text drawn over text). */
export async function pdfOverlaps(bytes: Uint8Array): Promise<[string, string][]> {
  const pdfjs = await import("pdfjs-dist/legacy/build/pdf.mjs");
  const doc = await pdfjs.getDocument({ data: new Uint8Array(bytes), useSystemFonts: false, disableFontFace: true, verbosity: 0 }).promise;
  const boxes = (await (await doc.getPage(1)).getTextContent()).items
    .filter((i) => "str" in i && i.str.trim())
    .map((i) => ("str" in i ? { s: i.str, x: i.transform[4] as number, y: i.transform[5] as number, w: i.width, h: i.height } : null)!);
  await doc.cleanup();
  const out: [string, string][] = [];
  boxes.forEach((a, i) =>
    boxes.slice(i + 1).forEach((b) => {
      if (a.x < b.x + b.w - 0.5 && b.x < a.x + a.w - 0.5 && a.y < b.y + b.h - 0.5 && b.y < a.y + a.h - 0.5) out.push([a.s, b.s]);
    }),
  );
  return out;
}
