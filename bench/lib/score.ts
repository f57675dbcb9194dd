/**
 * Scoring of parsed CVs against expected.json ground truth (the rules of ../shared/fixtures/resumes/README.md),
 * shared by bench:import and the corpus round-trip test.
 */
import type { CvContent } from "../../src/shared/cv";
import { comparable } from "../../src/server/cv/parse/normalize";

export type Dated = { start?: string; end?: string; date?: string };
export interface Expected {
  name?: string;
  email?: string;
  phone?: string;
  experience?: ({ title?: string; company?: string } & Dated)[];
  education?: ({ institution?: string; degree?: string; title?: string } & Dated)[];
  skills?: string[];
  /** Generated corpus: the template that rendered the file. */
  template?: string;
  [section: string]: unknown;
}

/** What we parsed, in the fixtures' own shape. */
export function toFixtureShape(cv: CvContent) {
  return {
    name: cv.basics.name,
    email: cv.basics.email,
    phone: cv.basics.phone,
    experience: cv.work.map((w) => ({ title: w.position, company: w.name, start: w.startDateText ?? w.startDate, end: w.endDateText ?? w.endDate, startIso: w.startDate, endIso: w.endDate })),
    education: cv.education.map((e) => ({ institution: e.institution, degree: e.studyType, area: e.area, start: e.startDateText ?? e.startDate, end: e.endDateText ?? e.endDate, startIso: e.startDate, endIso: e.endDate })),
    skills: cv.skills.flatMap((s) => (s.keywords?.length ? s.keywords : [s.name])),
    // Each item as its printed parts (the network name of a profile is the parser's label, not text).
    sections: {
      projects: cv.projects.map((p) => [p.name, p.description]),
      publications: (cv.publications ?? []).map((p) => [p.name, p.publisher, p.summary]),
      awards: cv.awards.map((a) => [a.title, a.awarder, a.summary]),
      certifications: cv.certificates.map((c) => [c.name, c.issuer]),
      languages: cv.languages.map((l) => [l.language, l.fluency]),
      volunteer: cv.volunteer.map((v) => [v.position, v.organization]),
      profiles: (cv.basics.profiles ?? []).map((p) => [p.username, p.url]),
    } as Record<string, (string | undefined)[][]>,
    unplaced: cv.unplaced ?? [],
  };
}

/**
 * Whether a parsed education names the expected degree: its studyType, or its studyType and field as printed
 * together ("MSc Physics" is studyType "MSc" and area "Physics", as JSON Resume keeps them).
 */
export const sameDegree = (expected: string | undefined, got: { degree?: string; area?: string }) =>
  !expected || norm(expected) === norm(got.degree) || (got.area !== undefined && norm(expected) === norm(`${got.degree ?? ""} ${got.area}`));

/** The values a parsed education offers for a degree (each form sameDegree accepts). */
export const degreeForms = (got: { degree?: string; area?: string }) => [got.degree, got.area !== undefined ? `${got.degree ?? ""} ${got.area}` : undefined];

export const norm = (s: string | undefined) => (s ? comparable(s).replace(/\s*([-/&,])\s*/g, "$1") : "");
export const phoneKey = (s: string | undefined) => (s ? s.toLowerCase().replace(/[^\d+x*]/g, "") : "");
/**
 * For "does this string occur in the PDF": letters and digits only (cells, wrapped lines and bullet glyphs
 * join differently in every extraction).
 */
export const squash = (s: string) => comparable(s).replace(/[^\p{L}\p{N}]+/gu, "");

/** How many expected values find an equal parsed value, each parsed value used once. */
export function matched(expected: (string | undefined)[], parsed: (string | undefined)[]): number {
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
export const PRESENT_RE = /^(present|current|now|today|ongoing|atual|actual|actualidad|heute|aujourd'hui|présent|presente|至今|jetzt|oggi|in corso)$/i;
export const years = (s: string) => [...s.matchAll(/(?<!\d)(\d{4})(?!\d)/g)].map((m) => m[1]!);
export function sameDate(exp: string | undefined, text: string | undefined, iso: string | undefined): boolean {
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
export function sameDates(exp: Dated, got: { start?: string; end?: string; startIso?: string; endIso?: string }): boolean {
  if (exp.date && !exp.start) {
    const all = `${got.start ?? ""} ${got.end ?? ""} ${got.startIso ?? ""}`;
    return norm(all).includes(norm(exp.date)) || (years(exp.date).length > 0 && years(exp.date).every((y) => years(all).includes(y)));
  }
  return sameDate(exp.start, got.start, got.startIso) && sameDate(exp.end, got.end, got.endIso);
}

/** Whole entries: every stated field of the expected entry in ONE parsed entry (each parsed entry used once). */
export function wholeEntries<E, G>(expected: E[], parsed: G[], same: (e: E, g: G) => boolean): number {
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
export const eqOrAbsent = (e: string | undefined, g: string | undefined) => !e || norm(e) === norm(g);

// ---- other sections: an expected item is recalled when a parsed item of that section contains its key ----
export const SECTIONS = ["projects", "publications", "awards", "certifications", "languages", "volunteer", "profiles"] as const;
export function itemKey(section: string, item: unknown): string | undefined {
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
export function sectionRecall(exp: Expected, got: Record<string, (string | undefined)[][]>): { hit: number; of: number; detail: string[] } {
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
export function inventedValues(got: ReturnType<typeof toFixtureShape>, pdfText: string): string[] {
  const values = [
    got.name,
    got.email,
    got.phone,
    ...got.experience.flatMap((e) => [e.title, e.company]),
    ...got.education.flatMap((e) => [e.institution, e.degree]),
    ...got.skills,
    ...Object.values(got.sections).flat(2),
  ];
  // (A web address's scheme is a normalisation the parser adds to "github.com/x", not an invention.)
  return values.filter((v): v is string => !!v && v.trim() !== "").filter((v) => !pdfText.includes(squash(v.replace(/^https?:\/\//i, ""))));
}
