/**
 * Our own corpus templates as source text (Typst and LaTeX), each person printed with a seeded choice of
 * entry layout and date format, so the parser meets "Title, Company", "Title at Company", "Company | Title",
 * two-line entries, dates on the right or in a left rail, month names of the CV's language, numeric and
 * year-only dates.
 */
import type { CvContent } from "../../src/shared/cv";
import { rng, type CorpusLanguage } from "./people";

const MONTHS: Record<CorpusLanguage, string[]> = {
  en: ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"],
  fr: ["janv.", "févr.", "mars", "avr.", "mai", "juin", "juil.", "août", "sept.", "oct.", "nov.", "déc."],
  de: ["Jan.", "Feb.", "März", "Apr.", "Mai", "Juni", "Juli", "Aug.", "Sept.", "Okt.", "Nov.", "Dez."],
  es: ["ene.", "feb.", "mar.", "abr.", "may.", "jun.", "jul.", "ago.", "sept.", "oct.", "nov.", "dic."],
};
const LONG_MONTHS: Record<CorpusLanguage, string[]> = {
  en: ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"],
  fr: ["janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre", "novembre", "décembre"],
  de: ["Januar", "Februar", "März", "April", "Mai", "Juni", "Juli", "August", "September", "Oktober", "November", "Dezember"],
  es: ["enero", "febrero", "marzo", "abril", "mayo", "junio", "julio", "agosto", "septiembre", "octubre", "noviembre", "diciembre"],
};
const PRESENT: Record<CorpusLanguage, string> = { en: "Present", fr: "aujourd’hui", de: "heute", es: "actualidad" };
export const HEADINGS: Record<CorpusLanguage, Record<"summary" | "experience" | "education" | "skills" | "languages" | "projects" | "publications" | "awards" | "certificates" | "volunteer" | "contact", string>> = {
  en: { summary: "Profile", experience: "Work Experience", education: "Education", skills: "Skills", languages: "Languages", projects: "Projects", publications: "Publications", awards: "Honors & Awards", certificates: "Certifications", volunteer: "Volunteer Work", contact: "Contact" },
  fr: { summary: "Profil", experience: "Expériences professionnelles", education: "Formation", skills: "Compétences", languages: "Langues", projects: "Projets", publications: "Publications", awards: "Prix et distinctions", certificates: "Certifications", volunteer: "Engagement associatif", contact: "Contact" },
  de: { summary: "Profil", experience: "Berufserfahrung", education: "Ausbildung", skills: "Kenntnisse", languages: "Sprachen", projects: "Projekte", publications: "Veröffentlichungen", awards: "Auszeichnungen", certificates: "Zertifikate", volunteer: "Ehrenamt", contact: "Kontakt" },
  es: { summary: "Perfil", experience: "Experiencia laboral", education: "Formación académica", skills: "Habilidades", languages: "Idiomas", projects: "Proyectos", publications: "Publicaciones", awards: "Premios", certificates: "Certificaciones", volunteer: "Voluntariado", contact: "Contacto" },
};

export type EntryStyle = "comma" | "at" | "pipe-company-first" | "two-lines" | "company-dash-title";
export type DateStyle = "short" | "long" | "numeric" | "iso" | "year" | "two-digit";
export interface MarkupStyle {
  entry: EntryStyle;
  dates: DateStyle;
  /** Dates in a left column instead of on the right. */
  rail: boolean;
}

export function styleFor(seed: number): MarkupStyle {
  const r = rng(seed * 31 + 5);
  return {
    entry: r.pick(["comma", "at", "pipe-company-first", "two-lines", "company-dash-title"] as const),
    dates: r.pick(["short", "long", "numeric", "iso", "year", "two-digit"] as const),
    rail: r.chance(0.4),
  };
}

const AT: Record<CorpusLanguage, string> = { en: "at", fr: "chez", de: "bei", es: "en" };

export function formatDate(isoDate: string | undefined, style: DateStyle, lang: CorpusLanguage): string {
  if (!isoDate) return PRESENT[lang];
  const [y, m] = isoDate.split("-").map(Number) as [number, number | undefined];
  if (!m || style === "year") return String(y);
  switch (style) {
    case "short":
      return `${MONTHS[lang][m - 1]} ${y}`;
    case "long":
      return `${LONG_MONTHS[lang][m - 1]} ${y}`;
    case "numeric":
      return `${String(m).padStart(2, "0")}/${y}`;
    case "iso":
      return `${y}-${String(m).padStart(2, "0")}`;
    case "two-digit":
      return `${String(m).padStart(2, "0")}/${String(y % 100).padStart(2, "0")}`;
  }
  return String(y);
}
export const range = (start: string | undefined, end: string | undefined, style: DateStyle, lang: CorpusLanguage) =>
  `${formatDate(start, style, lang)} – ${formatDate(end, style, lang)}`;

/** The entry's head as printed: [first line, second line or undefined]. */
export function entryHead(position: string, org: string, style: EntryStyle, lang: CorpusLanguage): [string, string | undefined] {
  switch (style) {
    case "comma":
      return [`${position}, ${org}`, undefined];
    case "at":
      return [`${position} ${AT[lang]} ${org}`, undefined];
    case "pipe-company-first":
      return [`${org} | ${position}`, undefined];
    case "company-dash-title":
      return [`${org} — ${position}`, undefined];
    case "two-lines":
      return [position, org];
  }
}

export interface Block {
  heading: string;
  entries: { head: [string, string | undefined]; dates?: string; lines: string[] }[];
  /** A list section (skills, languages): one line each. */
  list?: string[];
}

/** The sections of a CV in print order, independent of the markup language. */
export function blocks(cv: CvContent, lang: CorpusLanguage, style: MarkupStyle): { main: Block[]; side: Block[] } {
  const h = HEADINGS[lang];
  const main: Block[] = [];
  const side: Block[] = [];
  if (cv.basics.summary) main.push({ heading: h.summary, entries: [{ head: [cv.basics.summary, undefined], lines: [] }] });
  main.push({
    heading: h.experience,
    entries: cv.work.map((w) => ({
      head: entryHead(w.position ?? "", w.name ?? "", style.entry, lang),
      dates: range(w.startDate, w.endDate, style.dates, lang),
      lines: [...(w.location ? [w.location] : []), ...(w.summary ? [w.summary] : []), ...(w.highlights ?? []).map((b) => `• ${b}`)],
    })),
  });
  main.push({
    heading: h.education,
    entries: cv.education.map((e) => ({
      head: [e.studyType ?? "", e.institution],
      dates: range(e.startDate, e.endDate, style.dates, lang),
      lines: e.score ? [e.score] : [],
    })),
  });
  if (cv.projects.length) main.push({ heading: h.projects, entries: cv.projects.map((p) => ({ head: [p.name, p.url], lines: p.description ? [p.description] : [] })) });
  if (cv.publications?.length)
    main.push({ heading: h.publications, entries: cv.publications.map((p) => ({ head: [p.name, [p.publisher, p.releaseDate?.slice(0, 4)].filter(Boolean).join(", ")], lines: [] })) });
  if (cv.volunteer.length)
    main.push({
      heading: h.volunteer,
      entries: cv.volunteer.map((v) => ({ head: entryHead(v.position ?? "", v.organization ?? "", style.entry, lang), dates: range(v.startDate, v.endDate, style.dates, lang), lines: [] })),
    });
  side.push({ heading: h.skills, entries: [], list: cv.skills.map((s) => (s.keywords?.length ? `${s.name}: ${s.keywords.join(", ")}` : s.level ? `${s.name} (${s.level})` : s.name)) });
  if (cv.languages.length) side.push({ heading: h.languages, entries: [], list: cv.languages.map((l) => (l.fluency ? `${l.language} – ${l.fluency}` : l.language)) });
  if (cv.certificates.length) side.push({ heading: h.certificates, entries: [], list: cv.certificates.map((c) => [c.name, c.issuer, c.date?.slice(0, 4)].filter(Boolean).join(", ")) });
  if (cv.awards.length) side.push({ heading: h.awards, entries: [], list: cv.awards.map((a) => [a.title, a.awarder, a.date].filter(Boolean).join(", ")) });
  return { main, side };
}

export const contactLines = (cv: CvContent) =>
  [cv.basics.email, cv.basics.phone, [cv.basics.location?.city, cv.basics.location?.countryCode].filter(Boolean).join(", "), cv.basics.url, ...(cv.basics.profiles ?? []).map((p) => p.url ?? p.username)].filter(
    (s): s is string => !!s,
  );

// ---------------- Typst ----------------
const ts = (s: string) => `#${JSON.stringify(s)}`;

/** Typst source: "typst-classic" (one column) or "typst-sidebar" (a coloured left column). */
export function typstSource(cv: CvContent, lang: CorpusLanguage, style: MarkupStyle, variant: "classic" | "sidebar"): string {
  const { main, side } = blocks(cv, lang, style);
  const entry = (e: Block["entries"][number]) => {
    const head = `*${ts(e.head[0])}*${e.head[1] ? ` \\ ${ts(e.head[1])}` : ""}`;
    const body = e.lines.map((l) => `\\ ${ts(l)}`).join(" ");
    if (!e.dates) return `${head} ${body}\n\n`;
    if (style.rail) return `#grid(columns: (2.6cm, 1fr), gutter: 8pt, text(size: 8.5pt, fill: rgb("#555"))[${ts(e.dates)}], [${head} ${body}])\n\n`;
    return `#grid(columns: (1fr, auto), gutter: 8pt, [${head} ${body}], text(size: 8.5pt)[${ts(e.dates)}])\n\n`;
  };
  const section = (b: Block, size = "12pt") =>
    `#text(size: ${size}, weight: "bold", fill: rgb("#1f3a68"))[${ts(variant === "classic" ? b.heading.toUpperCase() : b.heading)}]\n#line(length: 100%, stroke: 0.5pt + rgb("#999"))\n` +
    (b.list ? b.list.map((l) => `${ts(l)}\n\n`).join("") : b.entries.map(entry).join(""));
  const head = `#text(size: 22pt, weight: "bold")[${ts(cv.basics.name ?? "")}]\n\n${cv.basics.label ? `#text(size: 12pt)[${ts(cv.basics.label)}]\n\n` : ""}`;
  const contacts = contactLines(cv);
  const preamble = `#set page(paper: "${lang === "en" ? "us-letter" : "a4"}", margin: ${variant === "sidebar" ? "0cm" : "1.8cm"})\n#set text(font: "DejaVu Sans", size: 9.5pt, lang: "${lang}")\n#set par(justify: false)\n`;
  if (variant === "classic") {
    return `${preamble}${head}${contacts.map(ts).join(" · ")}\n\n${[...main, ...side].map((b) => section(b)).join("\n")}`;
  }
  const sideText = `${contacts.map((c) => `${ts(c)}\n\n`).join("")}${side.map((b) => section(b, "11pt")).join("\n")}`;
  // The sidebar is drawn on the first page only (as most sidebar templates do); the main column flows on.
  const page = `#set page(paper: "${lang === "en" ? "us-letter" : "a4"}", margin: (left: 7.2cm, rest: 1.4cm), background: context if here().page() == 1 { place(left + top, rect(width: 6.4cm, height: 100%, fill: rgb("#eef2f7"))) })\n#set text(font: "DejaVu Sans", size: 9.5pt, lang: "${lang}")\n`;
  return `${page}#place(left + top, dx: -6.6cm, block(width: 5.6cm)[${sideText}])\n${head}${main.map((b) => section(b)).join("\n")}\n`;
}

// ---------------- LaTeX ----------------
const TEX_ESC: Record<string, string> = { "&": "\\&", "%": "\\%", $: "\\$", "#": "\\#", _: "\\_", "{": "\\{", "}": "\\}", "~": "\\textasciitilde{}", "^": "\\textasciicircum{}", "\\": "\\textbackslash{}" };
const tex = (s: string) => s.replace(/[&%$#_{}~^\\]/g, (c) => TEX_ESC[c]!).replace(/•\s*/g, "");

/** LaTeX source for pdflatex: "latex-article" (sections with rules) or "latex-rail" (dates in a left column). */
export function latexSource(cv: CvContent, lang: CorpusLanguage, style: MarkupStyle, variant: "article" | "rail"): string {
  const { main, side } = blocks(cv, lang, { ...style, rail: variant === "rail" });
  const entry = (e: Block["entries"][number]) => {
    const lines = [...(e.head[1] ? [`\\textit{${tex(e.head[1])}}`] : []), ...e.lines.map((l) => (l.startsWith("•") ? `\\textbullet{} ${tex(l)}` : tex(l)))];
    const first = `\\textbf{${tex(e.head[0])}}`;
    if (!e.dates) return `\\noindent ${[first, ...lines].join("\\\\ ")}\\par\\medskip\n`;
    if (variant === "rail") return `\\noindent\\begin{tabular}{@{}p{3.1cm}p{12.6cm}@{}}{\\small ${tex(e.dates)}} & ${[first, ...lines].join("\\newline ")}\\end{tabular}\\par\\medskip\n`;
    return `\\noindent ${[`${first}\\hfill {\\small ${tex(e.dates)}}`, ...lines].join("\\\\ ")}\\par\\medskip\n`;
  };
  const section = (b: Block) => `\\section*{${tex(b.heading)}}\n` + (b.list ? b.list.map((l) => `\\noindent ${tex(l)}\\par\n`).join("") : b.entries.map(entry).join(""));
  return `\\documentclass[10pt,${lang === "en" ? "letterpaper" : "a4paper"}]{article}
\\usepackage[T1]{fontenc}\\usepackage[utf8]{inputenc}${variant === "rail" ? "\\usepackage[scaled]{helvet}\\renewcommand{\\familydefault}{\\sfdefault}" : "\\usepackage{mathptmx}"}
\\usepackage[margin=1.7cm]{geometry}\\usepackage{titlesec}\\usepackage{xcolor}\\usepackage[hidelinks]{hyperref}
\\titleformat{\\section}{\\large\\bfseries\\color{blue!50!black}}{}{0pt}{}[\\titlerule]
\\pagestyle{empty}\\setlength{\\parindent}{0pt}
\\begin{document}
\\begin{center}{\\huge\\bfseries ${tex(cv.basics.name ?? "")}}\\\\[4pt]${cv.basics.label ? `{\\large ${tex(cv.basics.label)}}\\\\[4pt]` : ""}
${contactLines(cv).map(tex).join(" \\textbar{} ")}\\end{center}
${[...main, ...side].map(section).join("\n")}
\\end{document}
`;
}
