// pdf.js in a child process of the server (src/server/cv/pdf/pool.ts starts and watches it): whatever a
// hostile PDF makes pdf.js allocate (ArrayBuffers included) counts in this process's RSS, which the parent
// caps by killing the process. One job at a time. The file is read here from its path (an upload the server
// streamed to disk), or arrives as bytes on stdin: either way no copy or serialisation of it runs on the
// server's event loop. A CV import is read to the end here too (reading order, offline parse), so that only
// a compact result crosses back: the parse never runs on the server's thread.
// In:  { type: "job", mode: "inspect" | "text" | "cv", path? | size?, assetsDir, maxPages } (with `size`, that many
//      bytes follow on stdin); env PDF_CHILD_MEMORY_LIMIT_BYTES
// Out: { type: "ready" }, { type: "progress", page, of },
//      { type: "result", value } where value is { numPages } (inspect), { pages: [{ width, height, items }], numPages }
//      (text), or { numPages, textLength, text, content } (cv: content is the offline parser's JSON Resume),
//      { type: "error", code, message }.
import fs from "node:fs/promises";
import path from "node:path";
import { Worker } from "node:worker_threads";

// Listen first: a job may arrive while pdf.js is still loading.
const queue = [];
let serve = null;
process.on("message", (message) => {
  if (message?.type !== "job") return;
  if (serve) void serve(message);
  else queue.push(message);
});

// The bytes of each job, in order, from stdin.
const chunks = [];
let buffered = 0;
let wantBytes = null;
process.stdin.on("data", (chunk) => {
  chunks.push(chunk);
  buffered += chunk.length;
  wantBytes?.();
});
/** The next `size` bytes from stdin, once they have all arrived. */
function readBytes(size) {
  return new Promise((resolve) => {
    const check = () => {
      if (buffered < size) return;
      wantBytes = null;
      const all = chunks.length === 1 ? chunks[0] : Buffer.concat(chunks, buffered);
      chunks.length = 0;
      buffered = all.length - size;
      if (buffered > 0) chunks.push(all.subarray(size));
      // pdf.js takes ownership of (and may transfer) the bytes: give it its own copy.
      resolve(new Uint8Array(all.subarray(0, size)));
    };
    wantBytes = check;
    check();
  });
}
// The parent is gone: nothing to do any more.
process.on("disconnect", () => process.exit(0));

// A second watchdog inside this process, on its own thread: it keeps running while pdf.js spins in a
// decoding loop, and while the server's event loop (which runs the first watchdog) is busy.
const limitBytes = Number(process.env.PDF_CHILD_MEMORY_LIMIT_BYTES) || 0;
if (limitBytes > 0) {
  const selfWatch = new Worker(
    `const { limit } = require("node:worker_threads").workerData;
     setInterval(() => {
       if (process.memoryUsage.rss() > limit) {
         require("node:fs").writeSync(2, "\\npdf-child: memory limit exceeded\\n");
         process.kill(process.pid, "SIGKILL");
       }
     }, 10);`,
    { eval: true, workerData: { limit: limitBytes }, resourceLimits: { maxOldGenerationSizeMb: 8, maxYoungGenerationSizeMb: 2 } },
  );
  selfWatch.unref();
}

const pdfjs = await import("pdfjs-dist/legacy/build/pdf.mjs");
globalThis.pdfjsWorker = await import("pdfjs-dist/legacy/build/pdf.worker.mjs");
// The offline parser is TypeScript (shared with the rest of the server): tsx compiles it (cached on disk).
// Loaded once pdf.js is, without holding up the jobs that only need pdf.js (the upload checks).
let parser = null;
const loadParser = () =>
  (parser ??= (async () => {
    const { register } = await import("tsx/esm/api");
    register();
    const [{ parseResume }, { readingOrder }] = await Promise.all([
      import(new URL("../parse/resume.ts", import.meta.url).href),
      import(new URL("../parse/layout.ts", import.meta.url).href),
    ]);
    return { parseResume, readingOrder };
  })());

const withSlash = (p) => (p.endsWith(path.sep) ? p : p + path.sep);
const send = (message) => process.send?.(message);
const fail = (code, message) => send({ type: "error", code, message });

// The trailer of an encrypted PDF names its /Encrypt dictionary (pdf.js opens a PDF that has only an owner
// password, which we refuse all the same). Scanned here, never on the server's event loop.
const isEncrypted = (data) => /\/Encrypt\s*(\d+\s+\d+\s+R|<<)/.test(Buffer.from(data.buffer, data.byteOffset, data.byteLength).toString("latin1"));

/** One job: open the document, then report its page count, its positioned text, or the CV read from it. */
async function handle({ data, assetsDir, maxPages, mode }) {
  const inspectOnly = mode === "inspect";
  if (inspectOnly && isEncrypted(data)) {
    fail("encrypted_pdf", "This PDF is encrypted or password-protected. Save an unprotected copy and upload that.");
    return;
  }
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
      send({ type: "result", value: { numPages: doc.numPages } });
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
      pages.push({ width: viewport.width, height: viewport.height, items, links: await linksOf(page, viewport.height) });
      page.cleanup();
      send({ type: "progress", page: n, of: count });
    }
    if (mode === "cv") {
      send({ type: "result", value: readCv(pages, doc.numPages, await loadParser()) });
    } else {
      send({ type: "result", value: { pages, numPages: doc.numPages } });
    }
  } catch (err) {
    if (err instanceof ParseError) fail("cv_parse_failed", err.message);
    else fail("unreadable_pdf", `The PDF's content could not be read (${err?.message ?? "unknown error"}).`);
  } finally {
    await doc.destroy?.().catch(() => {});
  }
}

class ParseError extends Error {}

/** Links kept per page: a CV has a handful; a hostile file's thousands are not read further. */
const MAX_LINKS_PER_PAGE = 50;
const MAX_LINK_LENGTH = 500;

/** The page's web links (annotations of subtype Link with an http(s) address), bounded in number and length. */
async function linksOf(page, height) {
  let annotations;
  try {
    annotations = await page.getAnnotations({ intent: "display" });
  } catch {
    return []; // a damaged annotation list: the text still reads
  }
  const links = [];
  for (const a of annotations) {
    if (links.length >= MAX_LINKS_PER_PAGE) break;
    if (a?.subtype !== "Link" || typeof a.url !== "string" || a.url.length > MAX_LINK_LENGTH || !/^https?:\/\//i.test(a.url)) continue;
    const [x1 = 0, y1 = 0, x2 = 0, y2 = 0] = Array.isArray(a.rect) ? a.rect : [];
    links.push({ url: a.url, x: Math.min(x1, x2), y: height - Math.max(y1, y2), w: Math.abs(x2 - x1), h: Math.abs(y2 - y1) });
  }
  return links;
}

/** The text in reading order (for a language model) and the offline parser's CV, from the positioned text. */
function readCv(pages, numPages, { parseResume, readingOrder }) {
  const textLength = pages.reduce((n, p) => n + p.items.reduce((m, it) => m + it.str.trim().length, 0), 0);
  if (textLength < 20) return { numPages, textLength, text: "", content: null };
  try {
    const text = readingOrder(pages)
      .map((l) => l.text)
      .join("\n");
    return { numPages, textLength, text, content: parseResume(pages) };
  } catch (err) {
    throw new ParseError(`The text of this PDF could not be read as a CV (${err?.message ?? "unknown error"}). Export it again from your editor and retry.`);
  }
}

/** The file of a job: read from its path, or the next bytes on stdin. */
async function bytesOf(message) {
  if (typeof message.path !== "string") return readBytes(message.size);
  const buf = await fs.readFile(message.path);
  return new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength);
}

// Idle for a moment after a job: collect then, so that the next job starts lean and the pool sees this
// process's real size (not right after the answer, which would delay a job sent back to back).
let idleCollect = null;
serve = async (message) => {
  clearTimeout(idleCollect);
  let data;
  try {
    data = await bytesOf(message);
  } catch (err) {
    fail("input_missing", `The uploaded file could not be read (${err?.code ?? err?.message ?? "unknown error"}). Upload it again.`);
    return;
  }
  await handle({ ...message, data }).catch((err) => fail("unreadable_pdf", `The PDF could not be read (${err?.message ?? "unknown error"}).`));
  idleCollect = setTimeout(() => globalThis.gc?.(), 300);
  idleCollect.unref();
};
for (const message of queue.splice(0)) void serve(message);
send({ type: "ready" });
void loadParser().catch(() => {}); // a failure shows in the job that needs it
