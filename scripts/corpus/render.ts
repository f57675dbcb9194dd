/**
 * The corpus templates and how each turns a person into PDF bytes. Each engine is a real one:
 * - `export-*`: our own pdfkit export (three templates), npm only;
 * - `typst-*`: Typst through @myriaddreamin/typst-ts-node-compiler, npm only;
 * - `docx-*`: our DOCX export (the `docx` package) converted by LibreOffice (`soffice`, Debian package);
 * - `theme-*`: JSON Resume themes from npm, printed to PDF by Chromium (Debian package) via playwright-core;
 * - `latex-*`: pdflatex from Debian's texlive.
 * Nothing here installs anything: `missingTools()` says what is absent and how to get it.
 */
import { execFile } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { createRequire } from "node:module";
import { promisify } from "node:util";
import type { CvContent } from "../../src/shared/cv";
import { renderCvPdf, type CvTemplate } from "../../src/server/cv/export/pdf";
import { renderCvDocx } from "../../src/server/cv/export/docx";
import type { Person } from "./people";
import { latexSource, styleFor, typstSource } from "./markup";

const run = promisify(execFile);
const require = createRequire(import.meta.url);

export type Engine = "pdfkit" | "typst" | "libreoffice" | "chromium" | "latex";
export interface Template {
  name: string;
  engine: Engine;
  /** For batch engines (LibreOffice): the source file to convert. */
  source?: (p: Person) => Promise<Buffer>;
  render?: (p: Person, tools: Tools) => Promise<Buffer>;
}
export interface Tools {
  chromium?: import("playwright-core").Browser;
  tmp: string;
}

const exportTemplate = (t: CvTemplate): Template => ({ name: `export-${t}`, engine: "pdfkit", render: (p) => renderCvPdf(p.cv, { template: t, lang: p.lang, paper: p.lang === "en" ? "letter" : "a4" }) });
const docxTemplate = (t: CvTemplate): Template => ({ name: `docx-${t}`, engine: "libreoffice", source: (p) => renderCvDocx(p.cv, { template: t, lang: p.lang }) });

let typstCompiler: import("@myriaddreamin/typst-ts-node-compiler").NodeCompiler | undefined;
/** One compiler for the process; fonts from the dejavu-fonts-ttf package only (no system or downloaded font). */
async function typst() {
  if (!typstCompiler) {
    const { NodeCompiler } = await import("@myriaddreamin/typst-ts-node-compiler");
    const fonts = path.join(path.dirname(require.resolve("dejavu-fonts-ttf/package.json")), "ttf");
    typstCompiler = NodeCompiler.create({ fontArgs: [{ fontPaths: [fonts] }] });
  }
  return typstCompiler;
}
const typstTemplate = (variant: "classic" | "sidebar"): Template => ({
  name: `typst-${variant}`,
  engine: "typst",
  render: async (p) => {
    const c = await typst();
    const out = c.pdf({ mainFileContent: typstSource(p.cv, p.lang, styleFor(Number(p.id.slice(1))), variant) });
    c.evictCache(10);
    return Buffer.from(out);
  },
});

const latexTemplate = (variant: "article" | "rail"): Template => ({
  name: `latex-${variant}`,
  engine: "latex",
  render: async (p, tools) => {
    const dir = fs.mkdtempSync(path.join(tools.tmp, "tex-"));
    fs.writeFileSync(path.join(dir, "cv.tex"), latexSource(p.cv, p.lang, styleFor(Number(p.id.slice(1))), variant));
    try {
      await run("pdflatex", ["-interaction=nonstopmode", "-halt-on-error", "cv.tex"], { cwd: dir, timeout: 60_000 });
      return fs.readFileSync(path.join(dir, "cv.pdf"));
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  },
});

/** JSON Resume as the themes read it: the current schema plus the older names (company, website) some still use. */
function jsonResume(cv: CvContent) {
  return {
    ...cv,
    basics: { ...cv.basics, location: { ...cv.basics.location, address: undefined } },
    work: cv.work.map((w) => ({ ...w, company: w.name })),
    volunteer: cv.volunteer.map((v) => ({ ...v })),
    publications: cv.publications ?? [],
    education: cv.education.map((e) => ({ ...e, courses: e.courses ?? [] })),
  };
}
export const THEMES = ["even", "flat", "kendall", "macchiato", "stackoverflow", "elegant"] as const;
const themeTemplate = (theme: (typeof THEMES)[number]): Template => ({
  name: `theme-${theme}`,
  engine: "chromium",
  render: async (p, tools) => {
    const mod = (await import(`jsonresume-theme-${theme}`)) as { render?: (r: unknown) => string | Promise<string>; default?: { render?: (r: unknown) => string | Promise<string> } };
    const render = mod.render ?? mod.default?.render;
    if (!render) throw new Error(`jsonresume-theme-${theme} has no render()`);
    const html = await render(jsonResume(p.cv));
    const page = await tools.chromium!.newPage();
    try {
      // Themes link web fonts and CSS from CDNs: nothing leaves the machine, the fallback fonts print.
      await page.route(/^https?:/, (route) => route.abort());
      await page.setContent(html, { waitUntil: "load", timeout: 30_000 });
      return await page.pdf({ format: p.lang === "en" ? "Letter" : "A4", printBackground: true, margin: { top: "12mm", bottom: "12mm", left: "10mm", right: "10mm" } });
    } finally {
      await page.close();
    }
  },
});

export const TEMPLATES: Template[] = [
  exportTemplate("classic"),
  exportTemplate("modern"),
  exportTemplate("compact"),
  typstTemplate("classic"),
  typstTemplate("sidebar"),
  docxTemplate("classic"),
  docxTemplate("modern"),
  docxTemplate("compact"),
  ...THEMES.map(themeTemplate),
  latexTemplate("article"),
  latexTemplate("rail"),
];

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";

async function onPath(cmd: string): Promise<boolean> {
  try {
    await run("sh", ["-c", `command -v ${cmd}`]);
    return true;
  } catch {
    return false;
  }
}

/** The engines whose tool is missing, each with what to install. */
export async function missingTools(): Promise<Map<Engine, string>> {
  const missing = new Map<Engine, string>();
  if (!fs.existsSync(CHROMIUM_PATH)) missing.set("chromium", `Chromium not found at ${CHROMIUM_PATH} (apt-get install chromium, or set CHROMIUM_PATH)`);
  if (!(await onPath("soffice"))) missing.set("libreoffice", "LibreOffice's soffice not on PATH (apt-get install libreoffice-writer-nogui)");
  if (!(await onPath("pdflatex"))) missing.set("latex", "pdflatex not on PATH (apt-get install texlive-latex-base texlive-latex-recommended texlive-latex-extra texlive-fonts-recommended)");
  return missing;
}

/** Converts DOCX files to PDF with one LibreOffice run (a private profile, so it never meets a running soffice). */
export async function convertWithLibreOffice(files: string[], outDir: string, tmp: string): Promise<void> {
  const profile = path.join(tmp, "lo-profile");
  for (let i = 0; i < files.length; i += 40) {
    await run("soffice", [`-env:UserInstallation=file://${profile}`, "--headless", "--norestore", "--convert-to", "pdf", "--outdir", outDir, ...files.slice(i, i + 40)], { timeout: 600_000 });
  }
}

export const tmpRoot = () => fs.mkdtempSync(path.join(os.tmpdir(), "cv-corpus-"));
