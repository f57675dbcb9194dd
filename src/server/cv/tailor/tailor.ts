/**
 * The offline tailoring engine: base CV + job offer → a CV that leads with what the offer asks for, and a
 * match report. Honest by construction: sections keep the base CV's (reverse-chronological) order and no job
 * is moved or renamed; inside an entry, bullets and skills are ordered by relevance; an old entry that shows
 * nothing the offer asks for may be hidden, and is then listed in `report.hidden` (the base CV keeps it). The
 * headline is the candidate's real current title and real seniority. Nothing is ever invented.
 */
import type { CvContent, CvWork, JobOffer, MatchReport } from "../../../shared/cv";
import { findSkills, fold, stem } from "./lexicon";
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

/** Internships, apprenticeships and working-student jobs: training, not professional seniority. */
const TRAINING = /\b(intern|internship|stagiaire|stage|praktikant(?:in)?|praktikum|werkstudent(?:in)?|working student|becari[oa]|pr[aá]cticas|trainee|apprenti(?:e|ce)?|alternant(?:e)?|alternance|auszubildende[rn]?)\b/i;
export const isTraining = (w: CvWork) => TRAINING.test(w.position ?? "");

const monthOf = (iso: string | undefined): number | null => {
  if (!iso) return null;
  const [y, m] = iso.split("-").map(Number);
  return y && Number.isFinite(y) ? y * 12 + ((m ?? 1) - 1) : null;
};

/**
 * Years of professional experience: dated work entries, overlapping periods counted once (two jobs held at
 * the same time are not two years per year). Internships, apprenticeships and working-student jobs are not
 * counted: a headline's "N years of experience" is read as professional seniority, and counting a student
 * job would overstate it. An entry without an end date runs to `now`; an entry without a start is not dated.
 */
export function yearsOfExperience(cv: CvContent, now = new Date()): number {
  const nowMonth = now.getFullYear() * 12 + now.getMonth();
  const spans = cv.work
    .filter((w) => w.startDate && !isTraining(w))
    .map((w) => [monthOf(w.startDate)!, w.endDate ? (monthOf(w.endDate) ?? nowMonth) + 1 : nowMonth + 1] as const)
    .map(([a, b]) => [a, Math.min(b, nowMonth + 1)] as const)
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

/**
 * The candidate's real current title: the latest-started entry still open (no end date), preferring a
 * professional one over a training one; else the entry that ended last; else the first entry as written.
 */
export function currentWork(cv: CvContent): CvWork | undefined {
  const withPosition = cv.work.filter((w) => w.position);
  const open = withPosition.filter((w) => !w.endDate && w.startDate);
  const latest = (list: CvWork[], at: (w: CvWork) => number | null) =>
    list.reduce<CvWork | undefined>((best, w) => (best === undefined || (at(w) ?? -1) > (at(best) ?? -1) ? w : best), undefined);
  if (open.length) return latest(open.filter((w) => !isTraining(w)), (w) => monthOf(w.startDate)) ?? latest(open, (w) => monthOf(w.startDate));
  const ended = withPosition.filter((w) => w.endDate || w.startDate);
  if (ended.length) return latest(ended, (w) => monthOf(w.endDate) ?? monthOf(w.startDate));
  return withPosition[0];
}

function cvLanguage(cv: CvContent): OfferLanguage {
  const text = [cv.basics.summary, ...cv.work.flatMap((w) => w.highlights ?? [])].join(" ");
  return extractRequirements(text.length > 40 ? text : "the and").language;
}

/** The words of a tailored CV's title: "<name> – <role> at <company>". */
const TITLE_WORDS: Record<OfferLanguage, { at: string; offer: string }> = {
  en: { at: "at", offer: "job offer" },
  fr: { at: "chez", offer: "offre d'emploi" },
  es: { at: "en", offer: "oferta de empleo" },
  de: { at: "bei", offer: "Stellenangebot" },
};

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

/** One line of the CV a requirement can be shown against, and where it sits. */
interface CvLine {
  text: string;
  source: string;
}

/** The CV's lines, most convincing first: what was done at work, then projects, summary, skills, the rest. */
function cvLines(cv: CvContent): CvLine[] {
  const lines: CvLine[] = [];
  const push = (text: string | undefined, source: string) => {
    if (text && text.trim()) lines.push({ text: text.trim(), source });
  };
  for (const w of cv.work) {
    const where = [w.position, w.name].filter(Boolean).join(" — ") || "Experience";
    for (const h of w.highlights ?? []) push(h, where);
    push(w.summary, where);
  }
  for (const p of cv.projects) {
    const where = `Project: ${p.name}`;
    for (const h of p.highlights ?? []) push(h, where);
    push(p.description, where);
    push(p.name, where);
  }
  push(cv.basics.summary, "Summary");
  for (const s of cv.skills) push([s.name, (s.keywords ?? []).join(", ")].filter(Boolean).join(": "), "Skills");
  for (const w of cv.work) push([w.position, w.name].filter(Boolean).join(" — "), "Experience");
  push(cv.basics.label, "Headline");
  for (const c of cv.certificates) push(c.name, "Certificates");
  for (const e of cv.education) {
    push([e.studyType, e.area, e.institution].filter(Boolean).join(", "), "Education");
    for (const c of e.courses ?? []) push(c, e.institution ?? "Education");
  }
  for (const p of cv.publications ?? []) push(p.name, "Publications");
  for (const a of cv.awards ?? []) push(a.title, "Awards");
  for (const v of cv.volunteer ?? []) for (const h of v.highlights ?? []) push(h, v.organization ?? "Volunteering");
  for (const i of cv.interests ?? []) push([i.name, ...(i.keywords ?? [])].filter(Boolean).join(", "), "Interests");
  return lines;
}

const stemsOf = (text: string) => new Set((fold(text).match(/\p{L}[\p{L}-]{2,}/gu) ?? []).map(stem));

/** "Add this if it is true": what to write, in the offer's language, for a requirement the CV does not show. */
function suggestionFor(requirement: string, kind: MatchReport["missing"][number]["kind"], lang: OfferLanguage): string {
  const q = { en: ["“", "”"], fr: ["« ", " »"], es: ["«", "»"], de: ["„", "“"] }[lang];
  const r = `${q[0]}${requirement}${q[1]}`;
  const text: Record<typeof kind, Record<OfferLanguage, string>> = {
    skill: {
      en: `If it is true, add ${r} to your skills, or name it in the experience where you used it.`,
      fr: `Si c'est vrai, ajoutez ${r} à vos compétences, ou citez-le dans l'expérience où vous l'avez utilisé.`,
      es: `Si es cierto, añada ${r} a sus competencias, o cítelo en la experiencia en la que lo utilizó.`,
      de: `Wenn es zutrifft, nehmen Sie ${r} in Ihre Kenntnisse auf oder nennen Sie es bei der Stelle, in der Sie es genutzt haben.`,
    },
    language: {
      en: `If you speak it, add ${r} with your level to the languages section.`,
      fr: `Si vous le parlez, ajoutez ${r} avec votre niveau dans la section langues.`,
      es: `Si lo habla, añada ${r} con su nivel en la sección de idiomas.`,
      de: `Wenn Sie es sprechen, tragen Sie ${r} mit Ihrem Niveau bei den Sprachen ein.`,
    },
    keyword: {
      en: `If your work involved ${r}, say so in the experience where it happened.`,
      fr: `Si votre travail a porté sur ${r}, dites-le dans l'expérience concernée.`,
      es: `Si su trabajo incluyó ${r}, menciónelo en la experiencia correspondiente.`,
      de: `Wenn Ihre Arbeit ${r} umfasste, erwähnen Sie es bei der betreffenden Stelle.`,
    },
    seniority: {
      en: `If you have experience the CV does not date yet, add its start and end dates.`,
      fr: `Si vous avez de l'expérience que le CV ne date pas encore, ajoutez ses dates de début et de fin.`,
      es: `Si tiene experiencia que el CV aún no fecha, añada sus fechas de inicio y fin.`,
      de: `Wenn Sie Erfahrung haben, die der Lebenslauf noch nicht datiert, ergänzen Sie Beginn und Ende.`,
    },
  };
  return text[kind][lang];
}

/** A work entry may be hidden only when it ended this long ago and shows nothing the offer asks for. */
const HIDE_AFTER_YEARS = 10;

export function tailorCv(base: CvContent, offer: JobOffer, now = new Date()): TailorResult {
  const req = extractRequirements(offer.text, offer.company);
  const lines = cvLines(base);
  const lineStems = lines.map((l) => stemsOf(l.text));
  const lineSkills = lines.map((l) => findSkills(l.text));
  const years = yearsOfExperience(base, now);
  const lang = req.language;

  // ---- the match report, computed; every matched requirement carries the CV line that satisfies it ----
  const matched: MatchReport["matched"] = [];
  const missing: MatchReport["missing"] = [];
  const miss = (requirement: string, kind: MatchReport["missing"][number]["kind"], optional?: boolean) =>
    missing.push({ requirement, kind, ...(optional ? { optional } : {}), suggestion: suggestionFor(requirement, kind, lang) });
  let skillGot = 0;
  let skillMax = 0;
  for (const s of req.skills) {
    const weight = s.optional ? 0.5 : 1;
    skillMax += weight;
    const at = lineSkills.findIndex((found) => found.has(s.name));
    if (at >= 0) {
      skillGot += weight;
      matched.push({ requirement: s.name, kind: "skill", evidence: lines[at]!.text, source: lines[at]!.source, ...(s.optional ? { optional: true } : {}) });
    } else miss(s.name, "skill", s.optional);
  }
  const cvSpoken = new Set(base.languages.map((l) => Object.entries(SPOKEN_NAMES).find(([, re]) => re.test(l.language.trim()))?.[0]).filter(Boolean));
  const writtenIn = LANGUAGE_NAMES[cvLanguage(base)];
  let langGot = 0;
  for (const l of req.languages) {
    if (cvSpoken.has(l)) {
      langGot++;
      const entry = base.languages.find((x) => SPOKEN_NAMES[l]?.test(x.language));
      matched.push({ requirement: l, kind: "language", evidence: `${entry?.language}${entry?.fluency ? ` (${entry.fluency})` : ""}`, source: "Languages" });
    } else if (l === writtenIn) {
      langGot++;
      matched.push({ requirement: l, kind: "language", evidence: `The CV itself is written in ${l}`, source: "CV" });
    } else miss(l, "language");
  }
  let keyGot = 0;
  for (const k of req.keywords) {
    const ks = stem(k);
    const at = lineStems.findIndex((stems) => stems.has(ks));
    if (at >= 0) {
      keyGot++;
      matched.push({ requirement: k, kind: "keyword", evidence: lines[at]!.text, source: lines[at]!.source });
    } else miss(k, "keyword");
  }
  let seniorityFit: number | null = null;
  const wanted = req.seniority.minYears !== null ? `${req.seniority.minYears}+ years` : req.seniority.level;
  if (wanted) {
    const neededYears = req.seniority.minYears ?? { intern: 0, junior: 0, mid: 2, senior: 5, lead: 7, principal: 10 }[req.seniority.level!];
    seniorityFit = neededYears === 0 ? 1 : Math.min(1, years / neededYears);
    const label = `${wanted} of experience`.replace(" years of experience of experience", " years of experience");
    if (seniorityFit >= 1)
      matched.push({ requirement: label, kind: "seniority", evidence: `${Math.floor(years)} years of dated professional experience (overlaps counted once, internships not counted)`, source: "Experience" });
    else miss(label, "seniority");
  }
  const parts: [number, number][] = [];
  if (skillMax > 0) parts.push([0.6, skillGot / skillMax]);
  if (req.languages.length) parts.push([0.15, langGot / req.languages.length]);
  if (req.keywords.length) parts.push([0.15, keyGot / req.keywords.length]);
  if (seniorityFit !== null) parts.push([0.1, seniorityFit]);
  const weight = parts.reduce((n, [w]) => n + w, 0);
  const score = weight ? Math.round((100 * parts.reduce((n, [w, v]) => n + w * v, 0)) / weight) : 0;

  // ---- the tailored CV: sections keep the base CV's order; inside an entry, bullets and skills by relevance ----
  const wantedSkills = new Map(req.skills.map((s) => [s.name, s.optional ? 1 : 2]));
  const keywordStems = req.keywords.map(stem);
  const relevance = (text: string) => {
    let n = 0;
    for (const [name] of findSkills(text)) n += wantedSkills.get(name) ?? 0;
    const stems = stemsOf(text);
    for (const k of keywordStems) if (stems.has(k)) n += 0.5;
    return n;
  };
  const byRelevance = <T>(items: T[], textOf: (t: T) => string) =>
    items
      .map((item, i) => ({ item, i, r: relevance(textOf(item)) }))
      .sort((a, b) => b.r - a.r || a.i - b.i);

  const nowMonth = now.getFullYear() * 12 + now.getMonth();
  const scored = base.work.map((item, index) => ({ item, index, r: relevance(workText(item)) }));
  const hidable = (w: (typeof scored)[number]) => {
    const end = monthOf(w.item.endDate);
    return w.r === 0 && end !== null && nowMonth - end > HIDE_AFTER_YEARS * 12;
  };
  // Never hide so much that fewer than two entries stay; the oldest irrelevant ones go first.
  const toHide = new Set<number>();
  const candidates = scored.filter(hidable).sort((a, b) => (monthOf(a.item.endDate) ?? 0) - (monthOf(b.item.endDate) ?? 0));
  for (const c of candidates) if (base.work.length - toHide.size > 2) toHide.add(c.index);
  const hidden: NonNullable<MatchReport["hidden"]> = [...toHide].sort((a, b) => a - b).map((index) => {
    const w = base.work[index]!;
    return {
      section: "work" as const,
      index,
      ...(w.name ? { name: w.name } : {}),
      ...(w.position ? { position: w.position } : {}),
      ...(w.startDate ? { startDate: w.startDate } : {}),
      ...(w.endDate ? { endDate: w.endDate } : {}),
      reason: `Ended more than ${HIDE_AFTER_YEARS} years ago and shows nothing the offer asks for`,
    };
  });
  const work = scored
    .filter(({ index }) => !toHide.has(index))
    .map(({ item, r }) => {
      const highlights = byRelevance(item.highlights ?? [], (h) => h).map((h) => h.item);
      return { ...item, highlights: highlights.length ? highlights.slice(0, r > 0 ? 6 : 2) : undefined };
    });
  const skills = byRelevance(base.skills, (s) => [s.name, ...(s.keywords ?? [])].join(", ")).map(({ item }) =>
    item.keywords?.length ? { ...item, keywords: byRelevance(item.keywords, (k) => k).map((k) => k.item) } : item,
  );

  const matchedSkills = req.skills.filter((s) => lineSkills.some((found) => found.has(s.name))).map((s) => s.name);
  const position = currentWork(base)?.position;
  const employers = [...new Set(work.map((w) => w.name).filter((n): n is string => Boolean(n)))];
  const bestHighlight = byRelevance(work.flatMap((w) => w.highlights ?? []), (h) => h)[0];
  const label = [position ?? base.basics.label, matchedSkills.slice(0, 3).join(", ")].filter(Boolean).join(" · ") || undefined;
  const summary = summaryOf(position, years, employers, matchedSkills.slice(0, 6), bestHighlight && bestHighlight.r > 0 ? bestHighlight.item : undefined, lang);

  const report: MatchReport = {
    score,
    matched,
    missing,
    ...(wanted ? { seniority: { wanted, yearsOfExperience: Math.round(years * 10) / 10 } } : {}),
    ...(hidden.length ? { hidden } : {}),
  };

  // The title is printed on the CV, in the language its summary is written in (the offer's).
  const role = offer.title ?? offer.text.split("\n").map((l) => l.trim()).find((l) => l.length > 0 && l.length <= 80) ?? TITLE_WORDS[lang].offer;
  const title = `${base.basics.name ?? "CV"} – ${role}${offer.company ? ` ${TITLE_WORDS[lang].at} ${offer.company}` : ""}`.slice(0, 200);

  return {
    content: { ...base, basics: { ...base.basics, label, summary }, work, skills },
    report,
    requirements: req,
    title,
  };
}
