/**
 * Import quality: parses every *.pdf of a folder offline and scores it against <name>.expected.json
 * (matching rules of ../shared/fixtures/resumes/README.md: case-insensitive, after NFKC and whitespace
 * and dash normalisation; phones compared by their digits and masks).
 *   npm run bench:import -- <dir> [--json out.json] [--verbose]
 */
import fs from "node:fs";
import path from "node:path";
import { extractPdfText } from "../src/server/cv/pdf/extract";
import { parseResume } from "../src/server/cv/parse/resume";
import { comparable } from "../src/server/cv/parse/normalize";

import type { CvContent } from "../src/shared/cv";
import { percentile, printResult, round } from "./lib/stats";

const args = process.argv.slice(2);
const dir = args.find((a) => !a.startsWith("--") && args[args.indexOf(a) - 1] !== "--json");
const jsonOut = args.includes("--json") ? args[args.indexOf("--json") + 1] : undefined;
const verbose = args.includes("--verbose");
if (!dir) {
  console.error("usage: npm run bench:import -- <dir with *.pdf and *.expected.json> [--json out.json] [--verbose]");
  process.exit(2);
}

interface Expected {
  name?: string;
  email?: string;
  phone?: string;
  experience?: { title?: string; company?: string }[];
  education?: { institution?: string; degree?: string }[];
  skills?: string[];
}

/** What we parsed, in the fixtures' own shape. */
function toFixtureShape(cv: CvContent) {
  return {
    name: cv.basics.name,
    email: cv.basics.email,
    phone: cv.basics.phone,
    experience: cv.work.map((w) => ({ title: w.position, company: w.name, start: w.startDateText, end: w.endDateText })),
    education: cv.education.map((e) => ({ institution: e.institution, degree: e.studyType })),
    skills: cv.skills.flatMap((s) => (s.keywords?.length ? s.keywords : [s.name])),
  };
}

const norm = (s: string | undefined) => (s ? comparable(s).replace(/\s*([-/&,])\s*/g, "$1") : "");
const phoneKey = (s: string | undefined) => (s ? s.toLowerCase().replace(/[^\d+x*]/g, "") : "");

/** How many expected values find an equal parsed value, each parsed value used once. */
function matched(expected: (string | undefined)[], parsed: (string | undefined)[]): number {
  const pool = parsed.map(norm);
  let hits = 0;
  for (const e of expected.map(norm)) {
    if (!e) continue;
    const i = pool.indexOf(e);
    if (i >= 0) {
      hits++;
      pool.splice(i, 1);
    }
  }
  return hits;
}

const FIELDS = ["name", "email", "phone", "exp_count", "exp_title", "exp_company", "edu_institution", "edu_degree", "skills_recall"] as const;
type Field = (typeof FIELDS)[number];
const totals = Object.fromEntries(FIELDS.map((f) => [f, { hit: 0, of: 0 }])) as Record<Field, { hit: number; of: number }>;
const add = (k: Field, hit: number, of: number) => {
  totals[k].hit += hit;
  totals[k].of += of;
};
const parseTimes: number[] = [];
const parsedAll: Record<string, unknown> = {};

const files = fs.readdirSync(dir).filter((f) => f.toLowerCase().endsWith(".pdf")).sort();

// The first extraction of a process warms a pdf.js process (a server does this once): timed apart.
if (files.length > 0) {
  const t0 = performance.now();
  await extractPdfText(new Uint8Array(fs.readFileSync(path.join(dir, files[0]!))));
  console.log(`cold start (first extraction in a new pdf.js process): ${round(performance.now() - t0, 0)} ms`);
}
for (const file of files) {
  const data = new Uint8Array(fs.readFileSync(path.join(dir, file)));
  const t0 = performance.now();
  const pages = await extractPdfText(data);
  const t1 = performance.now();
  const cv = parseResume(pages);
  const t2 = performance.now();
  parseTimes.push(t2 - t0);
  const got = toFixtureShape(cv);
  parsedAll[file] = got;

  const expectedFile = path.join(dir, file.replace(/\.pdf$/i, ".expected.json"));
  if (!fs.existsSync(expectedFile)) {
    console.log(`${file}: parsed in ${round(t2 - t0, 0)} ms (no expected.json)`);
    continue;
  }
  const exp = JSON.parse(fs.readFileSync(expectedFile, "utf8")) as Expected;
  const line: string[] = [];
  const check = (k: "name" | "email", ok: boolean) => {
    add(k, ok ? 1 : 0, 1);
    line.push(`${k} ${ok ? "✓" : "✗"}`);
  };
  if (exp.name) check("name", norm(exp.name) === norm(got.name));
  if (exp.email) check("email", norm(exp.email) === norm(got.email));
  if (exp.phone) {
    const ok = phoneKey(exp.phone) === phoneKey(got.phone);
    add("phone", ok ? 1 : 0, 1);
    line.push(`phone ${ok ? "✓" : "✗"}`);
  }
  if (exp.experience) {
    add("exp_count", exp.experience.length === got.experience.length ? 1 : 0, 1);
    const t = matched(exp.experience.map((e) => e.title), got.experience.map((e) => e.title));
    const c = matched(exp.experience.map((e) => e.company), got.experience.map((e) => e.company));
    add("exp_title", t, exp.experience.length);
    add("exp_company", c, exp.experience.length);
    line.push(`exp ${got.experience.length}/${exp.experience.length} title ${t} company ${c}`);
  }
  if (exp.education) {
    const withDegree = exp.education.filter((e) => e.degree);
    const i = matched(exp.education.map((e) => e.institution), got.education.map((e) => e.institution));
    const d = matched(withDegree.map((e) => e.degree), got.education.map((e) => e.degree));
    add("edu_institution", i, exp.education.length);
    add("edu_degree", d, withDegree.length);
    line.push(`edu inst ${i}/${exp.education.length} degree ${d}/${withDegree.length}`);
  }
  if (exp.skills) {
    const s = matched(exp.skills, got.skills);
    add("skills_recall", s, exp.skills.length);
    line.push(`skills ${s}/${exp.skills.length}`);
  }
  console.log(`${file.padEnd(30)} ${round(t2 - t0, 0)} ms (extract ${round(t1 - t0, 0)}, parse ${round(t2 - t1, 1)})  ${line.join(", ")}`);
  if (verbose) console.log(JSON.stringify(got, null, 1));
}

if (jsonOut) fs.writeFileSync(jsonOut, JSON.stringify(parsedAll, null, 2));
const pct = (k: Field) => (totals[k].of ? (100 * totals[k].hit) / totals[k].of : 0);
console.log("");
for (const k of FIELDS) console.log(`${k.padEnd(16)} ${totals[k].hit}/${totals[k].of} (${round(pct(k), 1)} %)`);
console.log(`median parse time (extraction in a warm pdf.js process + parsing): ${round(percentile(parseTimes, 50), 0)} ms`);
printResult({
  name_pct: pct("name"),
  email_pct: pct("email"),
  phone_pct: pct("phone"),
  exp_title_pct: pct("exp_title"),
  exp_company_pct: pct("exp_company"),
  edu_institution_pct: pct("edu_institution"),
  edu_degree_pct: pct("edu_degree"),
  skills_recall_pct: pct("skills_recall"),
  parse_median_ms: percentile(parseTimes, 50),
});
