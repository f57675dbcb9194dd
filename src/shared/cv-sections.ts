/**
 * What a rendered CV says, independent of the format: sections in order, with headings in the CV's
 * language and dates as a reader expects them. Every renderer draws this model (the PDF and DOCX exports on
 * the server, the page and the editor's live preview in the browser), so they all carry the same sections
 * and the same dates.
 */
import type { CvContent } from "./cv";

export const TEMPLATES = ["classic", "modern", "compact"] as const;
export type CvTemplate = (typeof TEMPLATES)[number];
export const PAPERS = ["a4", "letter"] as const;
export type Paper = (typeof PAPERS)[number];
/** Sections the modern template prints in its sidebar, beside the contact lines. */
export const SIDEBAR_SECTIONS: ReadonlySet<SectionKey> = new Set(["skills", "languages", "interests"]);

export const EXPORT_LANGUAGES = ["en", "fr", "de", "es", "zh"] as const;
export type ExportLanguage = (typeof EXPORT_LANGUAGES)[number];

export type SectionKey =
  | "summary"
  | "experience"
  | "education"
  | "projects"
  | "volunteer"
  | "skills"
  | "languages"
  | "certificates"
  | "awards"
  | "publications"
  | "interests"
  | "contact";

const HEADINGS: Record<ExportLanguage, Record<SectionKey, string> & { present: string }> = {
  en: {
    summary: "Summary", experience: "Experience", education: "Education", projects: "Projects", volunteer: "Volunteering",
    skills: "Skills", languages: "Languages", certificates: "Certifications", awards: "Awards", publications: "Publications",
    interests: "Interests", contact: "Contact", present: "Present",
  },
  fr: {
    summary: "Profil", experience: "Expérience professionnelle", education: "Formation", projects: "Projets", volunteer: "Bénévolat",
    skills: "Compétences", languages: "Langues", certificates: "Certifications", awards: "Distinctions", publications: "Publications",
    interests: "Centres d’intérêt", contact: "Contact", present: "aujourd’hui",
  },
  de: {
    summary: "Profil", experience: "Berufserfahrung", education: "Ausbildung", projects: "Projekte", volunteer: "Ehrenamt",
    skills: "Kenntnisse", languages: "Sprachen", certificates: "Zertifikate", awards: "Auszeichnungen", publications: "Veröffentlichungen",
    interests: "Interessen", contact: "Kontakt", present: "heute",
  },
  es: {
    summary: "Perfil", experience: "Experiencia profesional", education: "Formación", projects: "Proyectos", volunteer: "Voluntariado",
    skills: "Competencias", languages: "Idiomas", certificates: "Certificaciones", awards: "Premios", publications: "Publicaciones",
    interests: "Intereses", contact: "Contacto", present: "actualidad",
  },
  zh: {
    summary: "个人简介", experience: "工作经历", education: "教育背景", projects: "项目经历", volunteer: "志愿者经历",
    skills: "专业技能", languages: "语言能力", certificates: "证书", awards: "荣誉奖项", publications: "出版物",
    interests: "兴趣爱好", contact: "联系方式", present: "至今",
  },
};

export const headingsFor = (lang: ExportLanguage) => HEADINGS[lang];

/** Words frequent in running text of each language and rare in the others. */
const STOP_WORDS: Record<Exclude<ExportLanguage, "zh">, RegExp> = {
  en: /\b(?:and|the|of|with|for|to|in|on|at|from|developed|led|built|managed)\b/giu,
  fr: /(?<![\p{L}])(?:et|les|des|du|avec|pour|une|dans|sur|aux|chez|développement|gestion|équipe)(?![\p{L}])/giu,
  de: /(?<![\p{L}])(?:und|der|die|das|mit|für|von|bei|im|zur|zum|entwicklung|leitung)(?![\p{L}])/giu,
  es: /(?<![\p{L}])(?:y|el|los|las|con|para|del|una|desarrollo|gestión|equipo)(?![\p{L}])/giu,
};
const HAN = /\p{Script=Han}/gu;

/** All the prose of a CV (not names of skills or places, which say little about its language). */
function prose(cv: CvContent): string {
  return [
    cv.basics.label,
    cv.basics.summary,
    ...cv.work.flatMap((w) => [w.position, w.summary, ...(w.highlights ?? [])]),
    ...cv.education.flatMap((e) => [e.studyType, e.area]),
    ...cv.projects.flatMap((p) => [p.description, ...(p.highlights ?? [])]),
    ...cv.volunteer.flatMap((v) => [v.position, v.summary, ...(v.highlights ?? [])]),
  ]
    .filter(Boolean)
    .join("\n");
}

/** The CV's language, from its prose: the schema stores none. English when nothing tells. */
export function detectLanguage(cv: CvContent): ExportLanguage {
  const text = prose(cv);
  const han = text.match(HAN)?.length ?? 0;
  const letters = text.match(/\p{L}/gu)?.length ?? 0;
  if (letters > 0 && han / letters > 0.3) return "zh";
  let best: ExportLanguage = "en";
  let bestCount = 0;
  for (const [lang, re] of Object.entries(STOP_WORDS) as [ExportLanguage, RegExp][]) {
    const count = text.match(re)?.length ?? 0;
    if (count > bestCount) [best, bestCount] = [lang, count];
  }
  return best;
}

/** Words a CV prints for "still going", in the languages the parser reads. */
const PRESENT_WORD = /^(?:present|current|currently|now|today|ongoing|to date|aujourd[’']hui|présent|actuel|actuellement|en cours|actualidad|presente|actual|hoy|heute|jetzt|derzeit|bis heute|至今|现在|今)$/iu;

/** "2021", "Jan 2021", "janv. 2021", "2021年1月" from a normalised date. */
export function formatIsoDate(iso: string, lang: ExportLanguage): string {
  const [y, m] = iso.split("-");
  if (!m) return y!;
  return new Intl.DateTimeFormat(lang === "zh" ? "zh-CN" : lang, { month: "short", year: "numeric", timeZone: "UTC" }).format(new Date(Date.UTC(Number(y), Number(m) - 1, 1)));
}

const shown = (iso: string | undefined, printed: string | undefined, lang: ExportLanguage) => printed?.trim() || (iso ? formatIsoDate(iso, lang) : "");

export type DatedKind = "work" | "volunteer" | "education" | "project";

/**
 * The dates of an item as printed. A range with an end prints both ends; an end that says "present" prints
 * the CV language's word. Without any end: a job (work, volunteer) still going prints "start – Present",
 * unless it was imported with a single printed date and no end; a degree or a project prints its single date.
 */
export function formatItemDates(
  item: { startDate?: string; endDate?: string; startDateText?: string; endDateText?: string },
  kind: DatedKind,
  lang: ExportLanguage,
): string {
  const present = HEADINGS[lang].present;
  const start = shown(item.startDate, item.startDateText, lang);
  const endText = item.endDateText?.trim();
  const current = !item.endDate && !!endText && PRESENT_WORD.test(endText);
  const end = current ? present : shown(item.endDate, endText, lang);
  if (!start) return end === present ? "" : end;
  if (end) return end === start ? start : `${start} – ${end}`;
  const importedSingle = !!item.startDateText && !endText;
  if ((kind === "work" || kind === "volunteer") && !importedSingle) return `${start} – ${present}`;
  return start;
}

export interface ExportEntry {
  /** Bold line: a position and employer, a school, a project. */
  title: string;
  /** Dates, right-aligned beside the title. */
  dates?: string;
  /** Second line: degree, place. */
  subtitle?: string;
  text?: string;
  bullets?: string[];
}

export interface ExportSection {
  key: SectionKey;
  heading: string;
  /** Entries with a title line, or, for a list section (skills, languages…), one line each. */
  entries: ExportEntry[];
  list?: boolean;
}

export interface ExportModel {
  lang: ExportLanguage;
  name: string;
  label?: string;
  contact: string[];
  sections: ExportSection[];
}

/** "Master of Science in Computer Science" already names its area: print it once. */
const degreeOf = (studyType?: string, area?: string) =>
  studyType && area && studyType.toLowerCase().includes(area.toLowerCase()) ? studyType : [studyType, area].filter(Boolean).join(", ");
const joinDash = (...parts: (string | undefined)[]) => parts.filter((p) => p && p.trim()).join(" – ");
const single = (iso: string | undefined, printed: string | undefined, lang: ExportLanguage) => shown(iso, printed, lang) || undefined;

/** The model of one CV, in `lang` (detected from the CV when not given). */
export function buildExportModel(cv: CvContent, lang: ExportLanguage = detectLanguage(cv)): ExportModel {
  const h = HEADINGS[lang];
  const sections: ExportSection[] = [];
  const add = (key: SectionKey, entries: ExportEntry[], list = false) => {
    if (entries.length) sections.push({ key, heading: h[key], entries, list });
  };
  const b = cv.basics;
  const place = [b.location?.city, b.location?.region, b.location?.countryCode].filter(Boolean).join(", ");
  const contact = [b.email, b.phone, place, b.url, ...(b.profiles ?? []).map((p) => p.url || [p.network, p.username].filter(Boolean).join(": "))].filter(
    (c): c is string => !!c && !!c.trim(),
  );

  if (b.summary) add("summary", [{ title: "", text: b.summary }]);
  add(
    "experience",
    cv.work.map((w) => ({ title: joinDash(w.position, w.name), dates: formatItemDates(w, "work", lang), subtitle: w.location, text: w.summary, bullets: w.highlights })),
  );
  add(
    "education",
    cv.education.map((e) => ({
      title: e.institution ?? "",
      dates: formatItemDates(e, "education", lang),
      subtitle: [degreeOf(e.studyType, e.area), e.score, e.location].filter(Boolean).join(" · ") || undefined,
      bullets: e.courses,
    })),
  );
  add("projects", cv.projects.map((p) => ({ title: p.name, dates: formatItemDates(p, "project", lang), text: p.description, bullets: p.highlights })));
  add(
    "volunteer",
    cv.volunteer.map((v) => ({ title: joinDash(v.position, v.organization), dates: formatItemDates(v, "volunteer", lang), text: v.summary, bullets: v.highlights })),
  );
  add("skills", cv.skills.map((s) => ({ title: s.name, text: s.keywords?.length ? s.keywords.join(", ") : undefined })), true);
  add("languages", cv.languages.map((l) => ({ title: l.language, text: l.fluency })), true);
  add("certificates", cv.certificates.map((c) => ({ title: joinDash(c.name, c.issuer), dates: single(c.date, c.dateText, lang) })));
  add("awards", cv.awards.map((a) => ({ title: joinDash(a.title, a.awarder), dates: single(a.date, a.dateText, lang), text: a.summary })));
  add("publications", (cv.publications ?? []).map((p) => ({ title: joinDash(p.name, p.publisher), dates: single(p.releaseDate, p.dateText, lang), text: p.summary })));
  add("interests", cv.interests.map((i) => ({ title: i.name, text: i.keywords?.length ? i.keywords.join(", ") : undefined })), true);

  return { lang, name: b.name?.trim() || "Curriculum vitae", label: b.label, contact, sections };
}

/** `<Name> - <CV title>.<ext>`, safe in any file system: no path characters, no doubled extension, bounded. */
export function exportFileName(name: string | undefined, title: string | undefined, ext: "pdf" | "docx" | "json"): string {
  const clean = (s: string | undefined) =>
    (s ?? "")
      .normalize("NFC")
      .replace(/[\p{Cc}\p{Cf}]/gu, "")
      .replace(/[\\/:*?"<>|]+/g, " ")
      .replace(/\s+/g, " ")
      .trim();
  const person = clean(name);
  let cvTitle = clean(title);
  while (/\.(pdf|docx?|json)$/i.test(cvTitle)) cvTitle = cvTitle.replace(/\.(pdf|docx?|json)$/i, "").trim();
  const parts = [person, cvTitle && cvTitle.toLowerCase() !== person.toLowerCase() ? cvTitle : ""].filter(Boolean);
  const base = (parts.join(" - ") || "CV").slice(0, 150).replace(/^[.\s]+|[.\s]+$/g, "") || "CV";
  return `${base}.${ext}`;
}

/** Content-Disposition for a download: an ASCII fallback and the exact UTF-8 name (RFC 6266 / 5987). */
export function contentDisposition(fileName: string): string {
  const ascii = fileName.normalize("NFKD").replace(/[\u0300-\u036f]/g, "").replace(/[^\x20-\x7e]/g, "_").replace(/["\\]/g, "_");
  const encoded = encodeURIComponent(fileName).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encoded}`;
}
