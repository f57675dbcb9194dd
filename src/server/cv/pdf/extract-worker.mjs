// Runs in a worker thread owned by the task registry: cancel terminates it, even mid-parse.
// Input (workerData, or a { type: "job", workerData } message when pre-warmed):
//   { data: Uint8Array, assetsDir: string, maxPages: number, inspectOnly?: boolean }
// Output: { type: "result", value: { pages: [{ width, height, items: [{ str, x, y, w, h, size, bold, font }] }] } }
//      or { type: "result", value: { numPages } } when inspectOnly, or { type: "error", code, message }.
import { parentPort, workerData } from "node:worker_threads";
import path from "node:path";

// Load pdf.js and its parsing core up front: a pre-warmed thread does this before it has a job.
const pdfjs = await import("pdfjs-dist/legacy/build/pdf.mjs");
globalThis.pdfjsWorker = await import("pdfjs-dist/legacy/build/pdf.worker.mjs");

const withSlash = (p) => (p.endsWith(path.sep) ? p : p + path.sep);

function fail(code, message) {
  parentPort.postMessage({ type: "error", code, message });
}

/** One job: open the document, then report its page count or its positioned text. */
async function handle({ data, assetsDir, maxPages, inspectOnly }) {
  let doc;
  try {
    doc = await pdfjs.getDocument({
      data,
      cMapUrl: withSlash(path.join(assetsDir, "cmaps")),
      cMapPacked: true,
      standardFontDataUrl: withSlash(path.join(assetsDir, "standard_fonts")),
      wasmUrl: withSlash(path.join(assetsDir, "wasm")),
      useSystemFonts: false,
      isEvalSupported: false,
      disableFontFace: true,
      fontExtraProperties: true,
      verbosity: 0,
    }).promise;
  } catch (err) {
    if (err?.name === "PasswordException") fail("encrypted_pdf", "This PDF is password-protected. Remove the password and upload it again.");
    else fail("unreadable_pdf", `This file could not be read as a PDF (${err?.message ?? "unknown error"}). Export it again from your editor and retry.`);
    return;
  }
  try {
    if (inspectOnly) {
      parentPort.postMessage({ type: "result", value: { numPages: doc.numPages } });
      return;
    }
    const pages = [];
    const count = Math.min(doc.numPages, maxPages);
    for (let n = 1; n <= count; n++) {
      const page = await doc.getPage(n);
      const viewport = page.getViewport({ scale: 1 });
      // Raw text: pdf.js's own normalisation would drop soft hyphens that are printed as hyphens.
      const content = await page.getTextContent({ disableNormalization: true });
      // Loading the operator list resolves the real font names, which tell bold from regular.
      await page.getOperatorList();
      const fontNames = new Map();
      const fontOf = (id) => {
        if (!fontNames.has(id)) {
          let name = "";
          try {
            name = page.commonObjs.get(id)?.name ?? "";
          } catch {
            name = content.styles[id]?.fontFamily ?? "";
          }
          fontNames.set(id, name);
        }
        return fontNames.get(id);
      };
      const items = [];
      for (const item of content.items) {
        if (typeof item.str !== "string" || item.str.length === 0) continue;
        const [a, b, c, d, e, f] = item.transform;
        const size = Math.hypot(c, d) || Math.hypot(a, b) || item.height;
        const font = fontOf(item.fontName);
        items.push({
          str: item.str,
          x: e,
          // Top-left origin: y grows downwards, like reading.
          y: viewport.height - f - size,
          w: item.width,
          h: size,
          size,
          bold: /bold|black|heavy|semibold|demi/i.test(font),
          font,
          hasEOL: item.hasEOL === true,
        });
      }
      pages.push({ width: viewport.width, height: viewport.height, items });
      page.cleanup();
      parentPort.postMessage({ type: "progress", page: n, of: count });
    }
    parentPort.postMessage({ type: "result", value: { pages, numPages: doc.numPages } });
  } catch (err) {
    fail("unreadable_pdf", `The PDF's content could not be read (${err?.message ?? "unknown error"}).`);
  } finally {
    await doc.destroy?.().catch(() => {});
  }
}

// Started with a job: do it. Pooled (no workerData): say "ready", then serve { type: "job" } messages
// one at a time; a warm thread parses several times faster than a fresh one.
if (workerData) {
  await handle(workerData);
} else {
  parentPort.on("message", (message) => {
    if (message?.type === "job") void handle(message.workerData);
  });
  parentPort.postMessage({ type: "ready" });
}
