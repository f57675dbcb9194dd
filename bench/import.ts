/**
 * Import quality: parses every *.pdf of a folder offline and scores it against <name>.expected.json
 * (matching rules of ../shared/fixtures/resumes/README.md: case-insensitive, after NFKC and whitespace
 * and dash normalisation; phones compared by their digits and masks).
 * - lenient: each title, company, institution, degree or skill found anywhere in the parsed lists;
 * - strict: whole entries, every field the ground truth states in ONE parsed entry (title + company + dates;
 *   institution + degree);
 * - sections_recall: projects, publications, awards, certifications, languages, volunteering and profiles;
 * - invented_fields: parsed values that occur nowhere in the PDF's text (letters and digits compared).
 *   npm run bench:import -- [<dir> …] [--template name] [--json out.json] [--verbose] [--quiet]
 * Without a folder: ../shared/fixtures/resumes and the generated corpus (.corpus, made by npm run corpus),
 * each scored apart; the generated files are also scored per template.
 */
import fs from "node:fs";
import path from "node:path";
import { extractPdfText } from "../src/server/cv/pdf/extract";
import { pdfPool } from "../src/server/cv/pdf/pool";
import { parseResume } from "../src/server/cv/parse/resume";
import { readingOrder } from "../src/server/cv/parse/layout";

import { degreeForms, eqOrAbsent, type Expected, inventedValues, matched, norm, phoneKey, sameDates, sameDegree, sectionRecall, squash, toFixtureShape, wholeEntries } from "./lib/score";
import { percentile, printResult, round } from "./lib/stats";

const args = process.argv.slice(2);
const valueFlags = new Set(["--json", "--template"]);
const flagValue = (name: string) => (args.includes(name) ? args[args.indexOf(name) + 1] : undefined);
const jsonOut = flagValue("--json");
const onlyTemplate = flagValue("--template");
const verbose = args.includes("--verbose");
const quiet = args.includes("--quiet");
const given = args.filter((a, i) => !a.startsWith("--") && !valueFlags.has(args[i - 1] ?? ""));
/** Without a folder: the real fixtures and the generated corpus, whichever exist. */
const DEFAULT_DIRS = ["../shared/fixtures/resumes", ".corpus"];
const dirs = given.length ? given : DEFAULT_DIRS.filter((d) => fs.existsSync(d));
if (!dirs.length) {
  console.error("usage: npm run bench:import -- [<dir with *.pdf and *.expected.json> …] [--template name] [--json out.json] [--verbose] [--quiet]");
  console.error(`(without a folder it scores ${DEFAULT_DIRS.join(" and ")}; make the corpus with npm run corpus)`);
  process.exit(2);
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
type Totals = Record<Field, { hit: number; of: number }> & { files: number; invented: number; unplaced: number };
const newTotals = (): Totals =>
  Object.assign(Object.fromEntries(FIELDS.map((f) => [f, { hit: 0, of: 0 }])) as Record<Field, { hit: number; of: number }>, { files: 0, invented: 0, unplaced: 0 });
const pctOf = (t: Totals, k: Field) => (t[k].of ? (100 * t[k].hit) / t[k].of : 0);

interface SetResult {
  dir: string;
  totals: Totals;
  byTemplate: Map<string, Totals>;
  parseTimes: number[];
  /** The parser alone, without the PDF extraction. */
  parserTimes: number[];
}
const parsedAll: Record<string, unknown> = {};
let warmed = false;

async function scoreDir(dir: string): Promise<SetResult> {
  const totals = newTotals();
  const byTemplate = new Map<string, Totals>();
  const parseTimes: number[] = [];
  const parserTimes: number[] = [];
  const files = fs
    .readdirSync(dir)
    .filter((f) => f.toLowerCase().endsWith(".pdf") && (!onlyTemplate || f.startsWith(`${onlyTemplate}__`)))
    .sort();
  // The first extraction of a process warms a pdf.js process (a server does this once): timed apart.
  if (files.length > 0 && !warmed) {
    warmed = true;
    const t0 = performance.now();
    await extractPdfText(new Uint8Array(fs.readFileSync(path.join(dir, files[0]!))));
    console.log(`cold start (first extraction in a new pdf.js process): ${round(performance.now() - t0, 0)} ms`);
  }
  console.log(`\n== ${dir}: ${files.length} PDFs`);
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
    parsedAll[path.join(dir, file)] = got;

    const expectedFile = path.join(dir, file.replace(/\.pdf$/i, ".expected.json"));
    if (!fs.existsSync(expectedFile)) {
      console.log(`${file}: parsed in ${round(t2 - t0, 0)} ms (no expected.json)`);
      continue;
    }
    const exp = JSON.parse(fs.readFileSync(expectedFile, "utf8")) as Expected;
    const tpl = exp.template;
    if (tpl && !byTemplate.has(tpl)) byTemplate.set(tpl, newTotals());
    const sinks = tpl ? [totals, byTemplate.get(tpl)!] : [totals];
    const add = (k: Field, hit: number, of: number) => {
      for (const t of sinks) {
        t[k].hit += hit;
        t[k].of += of;
      }
    };
    for (const t of sinks) t.files++;
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
      const d = matched(withDegree.map((e) => e.degree), got.education.flatMap(degreeForms));
      // A non-degree entry ("Semester Abroad") carries `title`: it is what the parser's degree field should hold.
      const whole = wholeEntries(exp.education, got.education, (e, g) => eqOrAbsent(e.institution, g.institution) && sameDegree(e.degree ?? e.title, g));
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
    // (Link addresses are in the PDF too, in its annotations.)
    const pdfText = [pages.flatMap((p) => p.items.map((it) => it.str)).join(""), readingOrder(pages).map((l) => l.text).join(""), ...pages.flatMap((p) => (p.links ?? []).map((l) => l.url))].map(squash).join("¶");
    const inventedHere = inventedValues(got, pdfText);
    for (const t of sinks) {
      t.invented += inventedHere.length;
      t.unplaced += got.unplaced.length;
    }
    if (inventedHere.length) line.push(`invented ${inventedHere.length}`);
    line.push(`unplaced ${got.unplaced.length}`);
    if (!quiet || inventedHere.length) console.log(`${file.padEnd(30)} ${round(t2 - t0, 0)} ms (extract ${round(t1 - t0, 0)}, parse ${round(t2 - t1, 1)})  ${line.join(", ")}`);
    if (verbose) {
      console.log(JSON.stringify(got, null, 1));
      if (inventedHere.length) console.log("  invented:", inventedHere);
    }
  }
  return { dir, totals, byTemplate, parseTimes, parserTimes };
}

const results: SetResult[] = [];
for (const dir of dirs) results.push(await scoreDir(dir));
await pdfPool().close();
if (jsonOut) fs.writeFileSync(jsonOut, JSON.stringify(parsedAll, null, 2));

const SHORT: [Field, string][] = [
  ["name", "name"], ["email", "email"], ["phone", "phone"], ["exp_entry", "exp"], ["edu_entry", "edu"], ["exp_title", "title"],
  ["exp_company", "comp"], ["edu_institution", "inst"], ["edu_degree", "degr"], ["skills_recall", "skill"], ["sections_recall", "sect"],
];
function figures(r: SetResult): Record<string, number> {
  const t = r.totals;
  return {
    // Lenient: each field matched anywhere in the parsed list.
    name_pct: pctOf(t, "name"),
    email_pct: pctOf(t, "email"),
    phone_pct: pctOf(t, "phone"),
    exp_title_pct: pctOf(t, "exp_title"),
    exp_company_pct: pctOf(t, "exp_company"),
    edu_institution_pct: pctOf(t, "edu_institution"),
    edu_degree_pct: pctOf(t, "edu_degree"),
    skills_recall_pct: pctOf(t, "skills_recall"),
    sections_recall_pct: pctOf(t, "sections_recall"),
    // Strict: a whole entry in one parsed entry.
    exp_entry_pct: pctOf(t, "exp_entry"),
    edu_entry_pct: pctOf(t, "edu_entry"),
    invented_fields: t.invented,
    unplaced_lines: t.unplaced,
    parse_median_ms: percentile(r.parseTimes, 50),
    parse_p99_ms: percentile(r.parseTimes, 99),
    parser_only_median_ms: percentile(r.parserTimes, 50),
    parser_only_p99_ms: percentile(r.parserTimes, 99),
  };
}
for (const r of results) {
  console.log(`\n== ${r.dir} (${r.totals.files} scored files)`);
  for (const k of FIELDS) console.log(`${k.padEnd(16)} ${r.totals[k].hit}/${r.totals[k].of} (${round(pctOf(r.totals, k), 1)} %)`);
  console.log(`invented values (in no text of their PDF): ${r.totals.invented}; lines left unplaced: ${r.totals.unplaced}`);
  console.log(`parse time (extraction in a warm pdf.js process + parsing): median ${round(percentile(r.parseTimes, 50), 0)} ms, p99 ${round(percentile(r.parseTimes, 99), 0)} ms`);
  if (r.byTemplate.size) {
    console.log("\nper template (% of fields; exp and edu are whole entries):");
    console.log(`${"template".padEnd(20)} files ${SHORT.map(([, n]) => n.padStart(5)).join(" ")}  invented`);
    for (const [name, t] of [...r.byTemplate].sort(([a], [b]) => a.localeCompare(b)))
      console.log(`${name.padEnd(20)} ${String(t.files).padStart(5)} ${SHORT.map(([k]) => (t[k].of ? pctOf(t, k).toFixed(0) : "-").padStart(5)).join(" ")}  ${t.invented}`);
  }
  console.log(`RESULT[${r.dir}] ${Object.entries(figures(r)).map(([k, v]) => `${k}=${round(v)}`).join(" ")}`);
}
// The last line: the first folder's figures as they are, each further folder's with a prefix (the generated
// corpus: gen_…), so one line carries the targets of the real fixtures and of the generated corpus.
const prefixOf = (dir: string, i: number) => (i === 0 ? "" : path.basename(dir) === ".corpus" ? "gen_" : `set${i + 1}_`);
printResult(Object.fromEntries(results.flatMap((r, i) => Object.entries(figures(r)).map(([k, v]) => [`${prefixOf(r.dir, i)}${k}`, v]))));
