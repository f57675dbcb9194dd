/**
 * The generated corpus (a developer tool, not part of npm test): fictional people rendered through every
 * template whose engine is on this machine, each PDF next to its exact ground truth in the expected.json
 * shape that `npm run bench:import` scores.
 *
 *   npm run corpus -- [--out .corpus] [--per-template 25] [--seed 1] [--only theme-even,typst-classic]
 *
 * Engines that need a Debian package (Chromium, LibreOffice, texlive) are skipped with a message naming
 * the package when absent; nothing is installed or downloaded.
 */
import fs from "node:fs";
import path from "node:path";
import { extractPdfText } from "../src/server/cv/pdf/extract";
import { pdfPool } from "../src/server/cv/pdf/pool";
import { readingOrder } from "../src/server/cv/parse/layout";
import { makePerson, type Person } from "./corpus/people";
import { CHROMIUM_PATH, convertWithLibreOffice, missingTools, TEMPLATES, tmpRoot, type Template, type Tools } from "./corpus/render";
import { expectedFor, squash } from "./corpus/truth";

const args = process.argv.slice(2);
const opt = (name: string, fallback: string) => (args.includes(`--${name}`) ? args[args.indexOf(`--${name}`) + 1]! : fallback);
const outDir = path.resolve(opt("out", ".corpus"));
const perTemplate = Number(opt("per-template", "25"));
const seed = Number(opt("seed", "1"));
const only = args.includes("--only") ? new Set(opt("only", "").split(",")) : undefined;
if (!Number.isInteger(perTemplate) || perTemplate < 1 || !Number.isInteger(seed)) {
  console.error("usage: npm run corpus -- [--out dir] [--per-template N] [--seed N] [--only template,…]");
  process.exit(2);
}

const missing = await missingTools();
for (const [, what] of missing) console.log(`skipped: ${what}`);
const templates = TEMPLATES.filter((t) => (!only || only.has(t.name)) && !missing.has(t.engine));
if (!templates.length) {
  console.error("no template can run here");
  process.exit(1);
}
fs.mkdirSync(outDir, { recursive: true });
const tmp = tmpRoot();
const tools: Tools = { tmp };
if (templates.some((t) => t.engine === "chromium")) {
  const { chromium } = await import("playwright-core");
  tools.chromium = await chromium.launch({ executablePath: CHROMIUM_PATH, args: ["--no-sandbox"] });
}

/** Each template gets its own people (seeds apart), so 25 per template are 25 × templates different CVs. */
const peopleFor = (index: number): Person[] => Array.from({ length: perTemplate }, (_, i) => makePerson(seed * 100_000 + index * 1000 + i));
const base = (t: Template, p: Person) => path.join(outDir, `${t.name}__${p.id}`);

const summary: { template: string; pdfs: number; ms: number; dropped: Map<string, number>; failed: number }[] = [];
async function finish(t: Template, p: Person, pdf: Buffer, stat: (typeof summary)[number]) {
  const pages = await extractPdfText(new Uint8Array(pdf));
  const text = [pages.flatMap((pg) => pg.items.map((it) => it.str)).join(""), readingOrder(pages).map((l) => l.text).join("")].map(squash).join("¶");
  const { expected, dropped } = expectedFor(p.cv, t.name, t.engine, p.lang, text);
  for (const d of dropped) stat.dropped.set(d, (stat.dropped.get(d) ?? 0) + 1);
  fs.writeFileSync(`${base(t, p)}.pdf`, pdf);
  fs.writeFileSync(`${base(t, p)}.expected.json`, JSON.stringify(expected, null, 2));
  stat.pdfs++;
}

try {
  for (const t of templates) {
    const t0 = performance.now();
    const stat = { template: t.name, pdfs: 0, ms: 0, dropped: new Map<string, number>(), failed: 0 };
    summary.push(stat);
    const people = peopleFor(TEMPLATES.indexOf(t));
    if (t.source) {
      const dir = fs.mkdtempSync(path.join(tmp, `${t.name}-`));
      const files: string[] = [];
      for (const p of people) {
        const f = path.join(dir, `${p.id}.docx`);
        fs.writeFileSync(f, await t.source(p));
        files.push(f);
      }
      await convertWithLibreOffice(files, dir, tmp);
      for (const p of people) {
        const f = path.join(dir, `${p.id}.pdf`);
        if (fs.existsSync(f)) await finish(t, p, fs.readFileSync(f), stat);
        else stat.failed++;
      }
    } else {
      for (const p of people) {
        try {
          await finish(t, p, await t.render!(p, tools), stat);
        } catch (err) {
          stat.failed++;
          console.log(`${t.name} ${p.id}: ${(err as Error).message.split("\n")[0]}`);
        }
      }
    }
    stat.ms = performance.now() - t0;
    const dropped = [...stat.dropped].map(([k, n]) => `${k} in ${n}`).join(", ");
    console.log(`${t.name.padEnd(20)} ${stat.pdfs} PDFs in ${(stat.ms / 1000).toFixed(1)} s${stat.failed ? `, ${stat.failed} failed` : ""}${dropped ? `; not printed (left out of the truth): ${dropped}` : ""}`);
  }
} finally {
  await tools.chromium?.close();
  await pdfPool().close();
  fs.rmSync(tmp, { recursive: true, force: true });
}
const total = summary.reduce((n, s) => n + s.pdfs, 0);
console.log(`\n${total} PDFs over ${summary.filter((s) => s.pdfs).length} templates in ${outDir}; score them with: npm run bench:import -- ${path.relative(process.cwd(), outDir) || "."}`);
if (summary.some((s) => s.failed)) process.exitCode = 1;
