/**
 * Import quality: parses every *.pdf of a folder offline and scores it against <name>.expected.json
 * (matching rules of ../shared/fixtures/resumes/README.md: case-insensitive, after NFKC and whitespace
 * and dash normalisation; phones compared by their digits and masks).
 * - lenient: each title, company, institution, degree or skill found anywhere in the parsed lists;
 * - strict: whole entries, every field the ground truth states in ONE parsed entry (title + company + dates;
 *   institution + degree);
 * - sections_recall: projects, publications, awards, certifications, languages, volunteering and profiles;
 * - invented_fields: parsed values that occur nowhere in the PDF's text (letters and digits compared).
 *   npm run bench:import -- <dir> [--json out.json] [--verbose]
 */
import fs from "node:fs";
import path from "node:path";
import { extractPdfText } from "../src/server/cv/pdf/extract";
import { parseResume } from "../src/server/cv/parse/resume";
import { readingOrder } from "../src/server/cv/parse/layout";
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

type Dated = { start?: string; end?: string; date?: string };
interface Expected {
  name?: string;
  email?: string;
  phone?: string;
  experience?: ({ title?: string; company?: string } & Dated)[];
  education?: ({ institution?: string; degree?: string; title?: string } & Dated)[];
  skills?: string[];
  [section: string]: unknown;
}

/** What we parsed, in the fixtures' own shape. */
function toFixtureShape(cv: CvContent) {
  return {
    name: cv.basics.name,
    email: cv.basics.email,
    phone: cv.basics.phone,
    experience: cv.work.map((w) => ({ title: w.position, company: w.name, start: w.startDateText ?? w.startDate, end: w.endDateText ?? w.endDate, startIso: w.startDate, endIso: w.endDate })),
    education: cv.education.map((e) => ({ institution: e.institution, degree: e.studyType, start: e.startDateText ?? e.startDate, end: e.endDateText ?? e.endDate, startIso: e.startDate, endIso: e.endDate })),
    skills: cv.skills.flatMap((s) => (s.keywords?.length ? s.keywords : [s.name])),
    // Each item as its printed parts (the network name of a profile is the parser's label, not text).
    sections: {
      projects: cv.projects.map((p) => [p.name, p.description]),
      publications: (cv.publications ?? []).map((p) => [p.name, p.publisher, p.summary]),
      awards: cv.awards.map((a) => [a.title, a.awarder, a.summary]),
      certifications: cv.certificates.map((c) => [c.name, c.issuer]),
      languages: cv.languages.map((l) => [l.language, l.fluency]),
      volunteer: cv.volunteer.map((v) => [v.position, v.organization]),
      profiles: (cv.basics.profiles ?? []).map((p) => [p.username ?? p.url]),
    } as Record<string, (string | undefined)[][]>,
    unplaced: cv.unplaced ?? [],
  };
}

const norm = (s: string | undefined) => (s ? comparable(s).replace(/\s*([-/&,])\s*/g, "$1") : "");
const phoneKey = (s: string | undefined) => (s ? s.toLowerCase().replace(/[^\d+x*]/g, "") : "");
/**
 * For "does this string occur in the PDF": letters and digits only (cells, wrapped lines and bullet glyphs
 * join differently in every extraction).
 */
const squash = (s: string) => comparable(s).replace(/[^\p{L}\p{N}]+/gu, "");

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

// ---- dates, for whole entries: the printed text, the ISO form, or the same year(s) and month(s) ----
const PRESENT_RE = /^(present|current|now|today|ongoing|atual|actual|actualidad|heute|aujourd'hui|présent|presente|至今|jetzt|oggi|in corso)$/i;
const years = (s: string) => [...s.matchAll(/(?<!\d)(\d{4})(?!\d)/g)].map((m) => m[1]!);
function sameDate(exp: string | undefined, text: string | undefined, iso: string | undefined): boolean {
  if (!exp) return true;
  if (PRESENT_RE.test(norm(exp))) return !iso && (!text || PRESENT_RE.test(norm(text)) || !years(text).length);
  if (norm(exp) === norm(text) || exp === iso) return true;
  const [ey, gy] = [years(exp), years(`${text ?? ""} ${iso ?? ""}`)];
  if (!ey.length || !ey.every((y) => gy.includes(y))) return false;
  // Same year: the months agree when both sides give one in numbers ("2023-06" vs ISO "2023-06").
  const em = exp.match(/^\d{4}-(\d{2})$/)?.[1];
  const gm = iso?.match(/^\d{4}-(\d{2})/)?.[1];
  return !em || !gm || em === gm;
}
function sameDates(exp: Dated, got: { start?: string; end?: string; startIso?: string; endIso?: string }): boolean {
  if (exp.date && !exp.start) {
    const all = `${got.start ?? ""} ${got.end ?? ""} ${got.startIso ?? ""}`;
    return norm(all).includes(norm(exp.date)) || (years(exp.date).length > 0 && years(exp.date).every((y) => years(all).includes(y)));
  }
  return sameDate(exp.start, got.start, got.startIso) && sameDate(exp.end, got.end, got.endIso);
}

/** Whole entries: every stated field of the expected entry in ONE parsed entry (each parsed entry used once). */
function wholeEntries<E, G>(expected: E[], parsed: G[], same: (e: E, g: G) => boolean): number {
  const pool = [...parsed];
  let hits = 0;
  for (const e of expected) {
    const i = pool.findIndex((g) => same(e, g));
    if (i >= 0) {
      hits++;
      pool.splice(i, 1);
    }
  }
  return hits;
}
const eqOrAbsent = (e: string | undefined, g: string | undefined) => !e || norm(e) === norm(g);

// ---- other sections: an expected item is recalled when a parsed item of that section contains its key ----
const SECTIONS = ["projects", "publications", "awards", "certifications", "languages", "volunteer", "profiles"] as const;
function itemKey(section: string, item: unknown): string | undefined {
  if (typeof item === "string") return item;
  if (!item || typeof item !== "object") return undefined;
  const o = item as Record<string, unknown>;
  const pick = (...keys: string[]) => keys.map((k) => o[k]).find((v): v is string => typeof v === "string" && v.trim() !== "");
  if (section === "profiles") return pick("username", "url", "network");
  if (section === "languages") return pick("name", "language");
  if (section === "volunteer") return pick("organization", "title");
  if (section === "publications") return pick("name", "title");
  if (section === "awards") return pick("title", "name");
  return pick("name", "title", "description");
}
function sectionRecall(exp: Expected, got: Record<string, (string | undefined)[][]>): { hit: number; of: number; detail: string[] } {
  let hit = 0;
  let of = 0;
  const detail: string[] = [];
  for (const section of SECTIONS) {
    const list = exp[section];
    const countKey = exp[`${section}_count`];
    const pool = (got[section] ?? []).map((parts) => squash(parts.filter(Boolean).join(" ")));
    let h = 0;
    let n = 0;
    if (Array.isArray(list) && list.length > 0) {
      for (const item of list) {
        const key = itemKey(section, item);
        if (!key) continue;
        n++;
        const k = squash(key.replace(/^@/, "").replace(/^https?:\/\/(www\.)?/, "").replace(/\/$/, ""));
        const i = pool.findIndex((p) => p.includes(k) || (k.length > 40 && k.includes(p) && p.length > 20));
        if (i >= 0) {
          h++;
          pool.splice(i, 1);
        }
      }
    } else if (typeof list === "string" || typeof countKey === "number") {
      n = typeof countKey === "number" ? countKey : 1;
      h = Math.min(n, pool.length);
    }
    if (n === 0) continue;
    hit += h;
    of += n;
    detail.push(`${section} ${h}/${n}`);
  }
  return { hit, of, detail };
}

/** Parsed values that appear nowhere in the PDF's text (compared without case, accents' forms or spaces). */
function inventedValues(got: ReturnType<typeof toFixtureShape>, pdfText: string): string[] {
  const values = [
    got.name,
    got.email,
    got.phone,
    ...got.experience.flatMap((e) => [e.title, e.company]),
    ...got.education.flatMap((e) => [e.institution, e.degree]),
    ...got.skills,
    ...Object.values(got.sections).flat(2),
  ];
  return values.filter((v): v is string => !!v && v.trim() !== "").filter((v) => !pdfText.includes(squash(v)));
}

const FIELDS = [
  "name",
  "email",
  "phone",
  "exp_count",
  "exp_entry",
  "edu_entry",
  "exp_title",
  "exp_company",
  "edu_institution",
  "edu_degree",
  "skills_recall",
  "sections_recall",
] as const;
type Field = (typeof FIELDS)[number];
const totals = Object.fromEntries(FIELDS.map((f) => [f, { hit: 0, of: 0 }])) as Record<Field, { hit: number; of: number }>;
const add = (k: Field, hit: number, of: number) => {
  totals[k].hit += hit;
  totals[k].of += of;
};
const parseTimes: number[] = [];
/** The parser alone, without the PDF extraction. */
const parserTimes: number[] = [];
const parsedAll: Record<string, unknown> = {};
let invented = 0;
let unplacedLines = 0;

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
  parserTimes.push(t2 - t1);
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
    const whole = wholeEntries(exp.experience, got.experience, (e, g) => eqOrAbsent(e.title, g.title) && eqOrAbsent(e.company, g.company) && sameDates(e, g));
    add("exp_title", t, exp.experience.length);
    add("exp_company", c, exp.experience.length);
    add("exp_entry", whole, exp.experience.length);
    line.push(`exp ${got.experience.length}/${exp.experience.length} title ${t} company ${c} whole ${whole}`);
  }
  if (exp.education) {
    const withDegree = exp.education.filter((e) => e.degree);
    const i = matched(exp.education.map((e) => e.institution), got.education.map((e) => e.institution));
    const d = matched(withDegree.map((e) => e.degree), got.education.map((e) => e.degree));
    // A non-degree entry ("Semester Abroad") carries `title`: it is what the parser's degree field should hold.
    const whole = wholeEntries(exp.education, got.education, (e, g) => eqOrAbsent(e.institution, g.institution) && eqOrAbsent(e.degree ?? e.title, g.degree));
    add("edu_institution", i, exp.education.length);
    add("edu_degree", d, withDegree.length);
    add("edu_entry", whole, exp.education.length);
    line.push(`edu inst ${i}/${exp.education.length} degree ${d}/${withDegree.length} whole ${whole}`);
  }
  if (exp.skills) {
    const s = matched(exp.skills, got.skills);
    add("skills_recall", s, exp.skills.length);
    line.push(`skills ${s}/${exp.skills.length}`);
  }
  const sections = sectionRecall(exp, got.sections);
  if (sections.of > 0) {
    add("sections_recall", sections.hit, sections.of);
    line.push(`sections ${sections.hit}/${sections.of} (${sections.detail.join(", ")})`);
  }
  const pdfText = [pages.flatMap((p) => p.items.map((it) => it.str)).join(""), readingOrder(pages).map((l) => l.text).join("")].map(squash).join("¶");
  const inventedHere = inventedValues(got, pdfText);
  invented += inventedHere.length;
  unplacedLines += got.unplaced.length;
  if (inventedHere.length) line.push(`invented ${inventedHere.length}`);
  line.push(`unplaced ${got.unplaced.length}`);
  console.log(`${file.padEnd(30)} ${round(t2 - t0, 0)} ms (extract ${round(t1 - t0, 0)}, parse ${round(t2 - t1, 1)})  ${line.join(", ")}`);
  if (verbose) {
    console.log(JSON.stringify(got, null, 1));
    if (inventedHere.length) console.log("  invented:", inventedHere);
  }
}

if (jsonOut) fs.writeFileSync(jsonOut, JSON.stringify(parsedAll, null, 2));
const pct = (k: Field) => (totals[k].of ? (100 * totals[k].hit) / totals[k].of : 0);
console.log("");
for (const k of FIELDS) console.log(`${k.padEnd(16)} ${totals[k].hit}/${totals[k].of} (${round(pct(k), 1)} %)`);
console.log(`invented values (in no text of their PDF): ${invented}; lines left unplaced: ${unplacedLines}`);
console.log(`parse time (extraction in a warm pdf.js process + parsing): median ${round(percentile(parseTimes, 50), 0)} ms, p99 ${round(percentile(parseTimes, 99), 0)} ms`);
printResult({
  // Lenient: each field matched anywhere in the parsed list.
  name_pct: pct("name"),
  email_pct: pct("email"),
  phone_pct: pct("phone"),
  exp_title_pct: pct("exp_title"),
  exp_company_pct: pct("exp_company"),
  edu_institution_pct: pct("edu_institution"),
  edu_degree_pct: pct("edu_degree"),
  skills_recall_pct: pct("skills_recall"),
  sections_recall_pct: pct("sections_recall"),
  // Strict: a whole entry in one parsed entry.
  exp_entry_pct: pct("exp_entry"),
  edu_entry_pct: pct("edu_entry"),
  invented_fields: invented,
  unplaced_lines: unplacedLines,
  parse_median_ms: percentile(parseTimes, 50),
  parse_p99_ms: percentile(parseTimes, 99),
  parser_only_median_ms: percentile(parserTimes, 50),
  parser_only_p99_ms: percentile(parserTimes, 99),
});
