/**
 * The ground truth of a generated CV, in the shape `bench:import` scores (the fixtures' expected.json):
 * the data the CV was rendered from, exactly, less what its template does not print. What a template
 * prints is read back from the PDF's own text (letters and digits compared), so a theme that leaves out
 * a section or the phone is not scored on it, and the generator reports what each template left out.
 */
import type { CvContent } from "../../src/shared/cv";
import { comparable } from "../../src/server/cv/parse/normalize";

export interface Expected {
  template: string;
  generator: string;
  language: string;
  name?: string;
  email?: string;
  phone?: string;
  experience?: { title?: string; company?: string; start?: string; end?: string }[];
  education?: { institution?: string; degree?: string; start?: string; end?: string }[];
  skills?: string[];
  projects?: { name: string }[];
  publications?: { name: string }[];
  awards?: { title: string }[];
  certifications?: { name: string }[];
  languages?: { language: string }[];
  volunteer?: { organization: string }[];
  profiles?: { network?: string; username?: string }[];
}

export const squash = (s: string) => comparable(s).replace(/[^\p{L}\p{N}]+/gu, "");

/** Skills as the fixtures list them: each keyword of a group, or the skill's own name. */
export const skillStrings = (cv: CvContent) => cv.skills.flatMap((s) => (s.keywords?.length ? s.keywords : [s.name]));

/**
 * The expected values for `cv` rendered by `template`; `pdfText` is the squashed text of the PDF, used to
 * drop what the template does not print (reported in `dropped`).
 */
export function expectedFor(cv: CvContent, template: string, generator: string, language: string, pdfText: string): { expected: Expected; dropped: string[] } {
  const dropped: string[] = [];
  const printed = (what: string, ...values: (string | undefined)[]) => {
    const ok = values.every((v) => !v || pdfText.includes(squash(v)));
    if (!ok) dropped.push(what);
    return ok;
  };
  const digits = (s: string) => s.replace(/\D/g, "");
  const b = cv.basics;
  const expected: Expected = { template, generator, language };
  if (b.name && printed("name", b.name)) expected.name = b.name;
  if (b.email && printed("email", b.email)) expected.email = b.email;
  if (b.phone && (pdfText.includes(digits(b.phone)) || (dropped.push("phone"), false))) expected.phone = b.phone;
  // Dates are scored only where the template printed them (their years, at least).
  const datesPrinted = (start?: string, end?: string) => {
    // (the year, or month and two-digit year as "MM/YY" prints them)
    const shown = (d: string) => pdfText.includes(d.slice(0, 4)) || (d.length >= 7 && pdfText.includes(`${d.slice(5, 7)}${d.slice(2, 4)}`));
    const ok = [start, end].every((d) => !d || shown(d));
    if (!ok) dropped.push("dates");
    return ok;
  };
  expected.experience = cv.work
    .filter((w) => printed("experience", w.position, w.name))
    .map((w) => ({ title: w.position, company: w.name, ...(datesPrinted(w.startDate, w.endDate) ? { start: w.startDate, end: w.endDate ?? "present" } : {}) }));
  expected.education = cv.education
    .filter((e) => printed("education", e.institution, e.studyType))
    .map((e) => ({ institution: e.institution, degree: e.studyType, ...(datesPrinted(e.startDate, e.endDate) ? { start: e.startDate, end: e.endDate } : {}) }));
  expected.skills = skillStrings(cv).filter((s) => printed("skills", s));
  const section = <T, K>(name: string, list: T[] | undefined, key: (t: T) => string | undefined, out: (t: T) => K): K[] | undefined => {
    const kept = (list ?? []).filter((t) => printed(name, key(t)));
    return kept.length ? kept.map(out) : undefined;
  };
  expected.projects = section("projects", cv.projects, (p) => p.name, (p) => ({ name: p.name }));
  expected.publications = section("publications", cv.publications, (p) => p.name, (p) => ({ name: p.name }));
  expected.awards = section("awards", cv.awards, (a) => a.title, (a) => ({ title: a.title }));
  expected.certifications = section("certifications", cv.certificates, (c) => c.name, (c) => ({ name: c.name }));
  expected.languages = section("languages", cv.languages, (l) => l.language, (l) => ({ language: l.language }));
  expected.volunteer = section("volunteer", cv.volunteer, (v) => v.organization, (v) => ({ organization: v.organization! }));
  expected.profiles = section("profiles", b.profiles, (p) => p.username, (p) => ({ network: p.network, username: p.username }));
  return { expected, dropped: [...new Set(dropped)] };
}
