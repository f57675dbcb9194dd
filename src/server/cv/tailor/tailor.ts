/**
 * The offline tailoring engine: base CV + job offer → a CV that leads with what the offer asks for, and a
 * match report. It selects and reorders; the headline and summary are written from the CV's own facts
 * (positions, employers, dated experience, skills it names). Nothing is ever invented.
 */
import type { CvContent, CvWork, JobOffer, MatchReport } from "../../../shared/cv";
import { findSkills } from "./lexicon";
import { extractRequirements, type OfferLanguage, type Requirements } from "./requirements";

export interface TailorResult {
  content: CvContent;
  report: MatchReport;
  requirements: Requirements;
  /** A title for the new CV: the offer's role and company. */
  title: string;
}

const SPOKEN_NAMES: Record<string, RegExp> = {
  English: /^(english|anglais|inglés|englisch)/i,
  French: /^(french|français|francais|francés|französisch)/i,
  German: /^(german|allemand|alemán|deutsch)/i,
  Spanish: /^(spanish|espagnol|español|spanisch)/i,
  Italian: /^(italian|italien|italiano)/i,
  Portuguese: /^(portuguese|portugais|portugués)/i,
  Dutch: /^(dutch|néerlandais|nederlands|niederländisch)/i,
  Chinese: /^(chinese|mandarin|chinois|中文)/i,
  Japanese: /^(japanese|japonais)/i,
  Arabic: /^(arabic|arabe)/i,
  Russian: /^(russian|russe)/i,
  Polish: /^(polish|polonais)/i,
};

const workText = (w: CvWork) => [w.position, w.name, w.summary, ...(w.highlights ?? [])].filter(Boolean).join("\n");
const lower = (s: string) => s.toLowerCase();

/** Months of experience covered by dated work entries, overlaps counted once. */
export function yearsOfExperience(cv: CvContent, now = new Date()): number {
  const toMonth = (iso: string | undefined, fallback: number) => {
    if (!iso) return fallback;
    const [y, m] = iso.split("-").map(Number);
    return y! * 12 + ((m ?? 1) - 1);
  };
  const nowMonth = now.getFullYear() * 12 + now.getMonth();
  const spans = cv.work
    .filter((w) => w.startDate)
    .map((w) => [toMonth(w.startDate, nowMonth), w.endDate ? toMonth(w.endDate, nowMonth) + 1 : nowMonth] as const)
    .filter(([a, b]) => b > a)
    .sort((a, b) => a[0] - b[0]);
  let months = 0;
  let reach = -Infinity;
  for (const [start, end] of spans) {
    if (end <= reach) continue;
    months += end - Math.max(start, reach);
    reach = end;
  }
  return months / 12;
}

function cvLanguage(cv: CvContent): OfferLanguage {
  const text = [cv.basics.summary, ...cv.work.flatMap((w) => w.highlights ?? [])].join(" ");
  return extractRequirements(text.length > 40 ? text : "the and").language;
}

const LANGUAGE_NAMES: Record<OfferLanguage, string> = { en: "English", fr: "French", es: "Spanish", de: "German" };

function listJoin(items: string[], lang: OfferLanguage): string {
  if (items.length <= 1) return items.join("");
  const and = { en: "and", fr: "et", es: "y", de: "und" }[lang];
  return `${items.slice(0, -1).join(", ")} ${and} ${items[items.length - 1]}`;
}

function summaryOf(position: string | undefined, years: number, employers: string[], skills: string[], highlight: string | undefined, lang: OfferLanguage): string {
  const y = Math.floor(years);
  const parts: string[] = [];
  const who = position ?? { en: "Professional", fr: "Professionnel", es: "Profesional", de: "Fachkraft" }[lang];
  const at = employers.length ? listJoin(employers.slice(0, 3), lang) : "";
  switch (lang) {
    case "fr":
      parts.push(`${who}${y >= 1 ? ` avec ${y} an${y > 1 ? "s" : ""} d'expérience` : ""}${at ? `, notamment chez ${at}` : ""}.`);
      if (skills.length) parts.push(`Expérience concrète de ${listJoin(skills, lang)}.`);
      break;
    case "es":
      parts.push(`${who}${y >= 1 ? ` con ${y} año${y > 1 ? "s" : ""} de experiencia` : ""}${at ? `, entre otros en ${at}` : ""}.`);
      if (skills.length) parts.push(`Experiencia práctica con ${listJoin(skills, lang)}.`);
      break;
    case "de":
      parts.push(`${who}${y >= 1 ? ` mit ${y} Jahr${y > 1 ? "en" : ""} Berufserfahrung` : ""}${at ? `, unter anderem bei ${at}` : ""}.`);
      if (skills.length) parts.push(`Praktische Erfahrung mit ${listJoin(skills, lang)}.`);
      break;
    default:
      parts.push(`${who}${y >= 1 ? ` with ${y} year${y > 1 ? "s" : ""} of experience` : ""}${at ? `, including at ${at}` : ""}.`);
      if (skills.length) parts.push(`Hands-on experience with ${listJoin(skills, lang)}.`);
  }
  if (highlight) parts.push(/[.!?]$/.test(highlight) ? highlight : `${highlight}.`);
  return parts.join(" ");
}

/** Where the CV shows each canonical skill: a work entry, a project, the skills section or the summary. */
function skillEvidence(cv: CvContent): Map<string, string> {
  const evidence = new Map<string, string>();
  const note = (text: string | undefined, where: string) => {
    if (!text) return;
    for (const name of findSkills(text).keys()) if (!evidence.has(name)) evidence.set(name, where);
  };
  for (const w of cv.work) note(workText(w), [w.position, w.name].filter(Boolean).join(" at ") || "Experience");
  for (const p of cv.projects) note([p.name, p.description, ...(p.highlights ?? [])].join("\n"), `Project: ${p.name}`);
  for (const s of cv.skills) note([s.name, ...(s.keywords ?? [])].join(", "), "Skills");
  note(cv.basics.summary, "Summary");
  note(cv.basics.label, "Headline");
  for (const c of cv.certificates) note(c.name, `Certification: ${c.name}`);
  for (const e of cv.education) note([e.studyType, e.area, ...(e.courses ?? [])].join(" "), e.institution ?? "Education");
  return evidence;
}

export function tailorCv(base: CvContent, offer: JobOffer, now = new Date()): TailorResult {
  const req = extractRequirements(offer.text);
  const evidence = skillEvidence(base);
  const cvText = lower(JSON.stringify(base));
  const years = yearsOfExperience(base, now);

  // ---- the match report, computed ----
  const matched: MatchReport["matched"] = [];
  const missing: MatchReport["missing"] = [];
  let skillGot = 0;
  let skillMax = 0;
  for (const s of req.skills) {
    const weight = s.optional ? 0.5 : 1;
    skillMax += weight;
    const where = evidence.get(s.name);
    if (where) {
      skillGot += weight;
      matched.push({ requirement: s.name, kind: "skill", evidence: where });
    } else missing.push({ requirement: s.name, kind: "skill" });
  }
  const cvSpoken = new Set(base.languages.map((l) => Object.entries(SPOKEN_NAMES).find(([, re]) => re.test(l.language.trim()))?.[0]).filter(Boolean));
  const writtenIn = LANGUAGE_NAMES[cvLanguage(base)];
  let langGot = 0;
  for (const l of req.languages) {
    if (cvSpoken.has(l)) {
      langGot++;
      const entry = base.languages.find((x) => SPOKEN_NAMES[l]?.test(x.language));
      matched.push({ requirement: l, kind: "language", evidence: `Languages: ${entry?.language}${entry?.fluency ? ` (${entry.fluency})` : ""}` });
    } else if (l === writtenIn) {
      langGot++;
      matched.push({ requirement: l, kind: "language", evidence: `The CV itself is written in ${l}` });
    } else missing.push({ requirement: l, kind: "language" });
  }
  let keyGot = 0;
  for (const k of req.keywords) {
    if (new RegExp(`(?<![\\p{L}])${k.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}`, "iu").test(cvText)) {
      keyGot++;
      matched.push({ requirement: k, kind: "keyword", evidence: "Mentioned in the CV" });
    } else missing.push({ requirement: k, kind: "keyword" });
  }
  let seniorityFit: number | null = null;
  const wanted = req.seniority.minYears !== null ? `${req.seniority.minYears}+ years` : req.seniority.level;
  if (wanted) {
    const neededYears = req.seniority.minYears ?? { intern: 0, junior: 0, mid: 2, senior: 5, lead: 7, principal: 10 }[req.seniority.level!];
    seniorityFit = neededYears === 0 ? 1 : Math.min(1, years / neededYears);
    const label = `${wanted} of experience`.replace(" years of experience of experience", " years of experience");
    if (seniorityFit >= 1) matched.push({ requirement: label, kind: "seniority", evidence: `${Math.floor(years)} years of dated experience` });
    else missing.push({ requirement: label, kind: "seniority" });
  }
  const parts: [number, number][] = [];
  if (skillMax > 0) parts.push([0.6, skillGot / skillMax]);
  if (req.languages.length) parts.push([0.15, langGot / req.languages.length]);
  if (req.keywords.length) parts.push([0.15, keyGot / req.keywords.length]);
  if (seniorityFit !== null) parts.push([0.1, seniorityFit]);
  const weight = parts.reduce((n, [w]) => n + w, 0);
  const score = weight ? Math.round((100 * parts.reduce((n, [w, v]) => n + w * v, 0)) / weight) : 0;
  const report: MatchReport = {
    score,
    matched,
    missing,
    ...(wanted ? { seniority: { wanted, yearsOfExperience: Math.round(years * 10) / 10 } } : {}),
  };

  // ---- the tailored CV: select and reorder by relevance ----
  const wantedSkills = new Map(req.skills.map((s) => [s.name, s.optional ? 1 : 2]));
  const relevance = (text: string) => {
    let n = 0;
    for (const [name] of findSkills(text)) n += wantedSkills.get(name) ?? 0;
    for (const k of req.keywords) if (lower(text).includes(k)) n += 0.5;
    return n;
  };
  const byRelevance = <T>(items: T[], textOf: (t: T) => string) =>
    items
      .map((item, i) => ({ item, i, r: relevance(textOf(item)) }))
      .sort((a, b) => b.r - a.r || a.i - b.i);

  const work = byRelevance(base.work, workText).map(({ item, r }) => {
    const highlights = byRelevance(item.highlights ?? [], (h) => h).map((h) => h.item);
    return { ...item, highlights: highlights.length ? highlights.slice(0, r > 0 ? 6 : 2) : undefined };
  });
  const skills = byRelevance(base.skills, (s) => [s.name, ...(s.keywords ?? [])].join(", ")).map(({ item }) =>
    item.keywords?.length ? { ...item, keywords: byRelevance(item.keywords, (k) => k).map((k) => k.item) } : item,
  );
  const projects = byRelevance(base.projects, (p) => [p.name, p.description, ...(p.highlights ?? [])].join("\n")).map(({ item }) => item);

  const matchedSkills = req.skills.filter((s) => evidence.has(s.name)).map((s) => s.name);
  const lead = byRelevance(base.work, workText)[0];
  const position = (lead && lead.r > 0 ? lead.item : base.work[0])?.position;
  const employers = [...new Set(work.map((w) => w.name).filter((n): n is string => Boolean(n)))];
  const bestHighlight = byRelevance(base.work.flatMap((w) => w.highlights ?? []), (h) => h)[0];
  const label = [position ?? base.basics.label, matchedSkills.slice(0, 3).join(", ")].filter(Boolean).join(" · ") || undefined;
  const summary = summaryOf(position, years, employers, matchedSkills.slice(0, 6), bestHighlight && bestHighlight.r > 0 ? bestHighlight.item : undefined, req.language);

  const role = offer.title ?? offer.text.split("\n").map((l) => l.trim()).find((l) => l.length > 0 && l.length <= 80) ?? "job offer";
  const title = `${base.basics.name ?? "CV"} – ${role}${offer.company ? ` at ${offer.company}` : ""}`.slice(0, 200);

  return {
    content: { ...base, basics: { ...base.basics, label, summary }, work, skills, projects },
    report,
    requirements: req,
    title,
  };
}
