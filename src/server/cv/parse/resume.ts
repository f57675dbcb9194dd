/**
 * The offline CV parser: positioned PDF text → JSON Resume. No network, no model: layout analysis,
 * multilingual section headings, and lexicons for what a job title, an organisation or a degree looks like.
 */
import type { CvContent, CvEducation, CvSkill, CvWork } from "../../../shared/cv";
import { findEmail, findLinks, findPhone, EMAIL_RE, HANDLE_RE, networkOf, withoutEmails } from "./contact";
import { findDateRange, withTwoDigitYearPivot, type DateRange } from "./dates";
import { readingOrder, type Line, type PageText } from "./layout";
import { comparable, titleCaseIfShouting } from "./normalize";
import { looksLikeHeading, sectionOf, type SectionKey } from "./sections";

const BULLET_RE = /^\s*[•◦▪●○■□►▸▹✓✔➢➤➣‣⁃∙⋅·*–—-]\s*/;
const TITLE_WORDS =
  /\b(engineer|developer|programmer|manager|intern|internship|assistant|consultant|analyst|director|lead|leader|head|chief|ceo|cto|cfo|coo|cio|vp|vice|president|founder|co-founder|cofounder|owner|partner|scientist|researcher|research intern|architect|designer|specialist|officer|administrator|coordinator|member|employee|student|associate|advisor|adviser|executive|technician|teacher|lecturer|professor|fellow|trainee|apprentice|freelance|freelancer|contractor|writer|editor|accountant|auditor|sre|devops|fullstack|full-stack|frontend|backend|product|owner|strategist|recruiter|nurse|operator|supervisor|representative|agent|tutor|instructor|doctoral|phd|postdoc|volunteer|ingénieur|développeur|chef|stagiaire|responsable|chargé|directeur|directrice|gérant|ingeniero|desarrollador|jefe|gerente|becario|practicante|entwickler|ingenieur|leiter|berater|praktikant|werkstudent|mitarbeiter|geschäftsführer|stage|estágio|estagiário|estagiária|tirocinio|tirocinante|assistente|sviluppatore|programmatore|ingegnere|responsabile|impiegato|impiegata|cassiere|cassiera|commesso|commessa|desenvolvedor|desenvolvedora|programador|programadora|analista|engenheiro|engenheira|coordenador|coordenadora|professora|profesor|profesora|diseñador|diseñadora|designer|técnico|técnica|technicien|technicienne|consultor|consultora|consulente|entwicklerin|softwareentwickler|wissenschaftlicher|wissenschaftliche|lehrer|lehrerin|dozent|dozentin|collaborator|colaborador|colaboradora|auxiliar|ayudante|secretary|secrétaire|clerk|cashier|waiter|waitress|cook|driver|salesman|vendeur|vendeuse|serveur|serveuse|consultant|ingénieure|développeuse|cheffe|assistante|analyste|architecte|gestionnaire|conseiller|conseillère|formateur|formatrice|enseignant|enseignante|chercheur|chercheuse|doctorant|doctorante|alternant|alternante|apprenti|apprentie|实习|工程师|经理|开发)\b/i;
const ORG_WORDS =
  /\b(inc|inc\.|ltd|llc|gmbh|ag|sa|sas|sarl|s\.a\.|corp|corporation|company|co\.|group|labs?|research|technologies|technology|solutions|systems|software|services|consulting|partners|bank|university|université|universität|universidad|college|school|institute|institut|hospital|agency|studio|foundation|ministry|department|center|centre|industries|industry|ventures|capital|media|networks|games|ai|sàrl|srl|s\.r\.l\.|spa|s\.p\.a\.|ltda|lda|s\.l\.|bv|b\.v\.|nv|oy|kg|ohg|e\.v\.|plc|pty|limited|cooperativa|coopérative|association|associação|asociación|associazione|verein|stiftung|fondation|fundación|fundação|fondazione|gruppe|groupe|grupo|gruppo|société|sociedad|sociedade|società|unternehmen|firma|empresa|entreprise|azienda|lab|laboratory|laboratoire|laboratorio|laboratório|agence|agencia|agência|ministère|ministerio|ministério|ministero|hôpital|klinikum|clinique|banque|banco|banca|insurance|assurance|conseil|studios|startup)\b|公司|大学|集团|科技/i;
const INSTITUTION_RE =
  /universit|université|universität|universidad|universidade|college|school|institut|école|ecole|hochschule|academy|académie|polytechnic|politecnico|lycée|gymnasium|faculty|faculté|facultad|大学|学院|学校|universidade|università|politecnica|politécnica|hochschule|conservatoire|conservatorio/i;
const DEGREE_RE =
  /\b(bachelor|bachelors|bachelor's|master|masters|master's|mba|ph\.?\s?d|doctor|doctorate|licen[cs]e|licenciatura|diplôme|diplom|degree|graduated|associate|b\.?\s?sc|m\.?\s?sc|b\.?\s?eng|m\.?\s?eng|b\.?\s?s|m\.?\s?s|b\.?\s?a|m\.?\s?a|bs|ms|ba|ma|phd|abitur|baccalauréat|bachillerato|máster|grado|ingénieur|dut|bts|hnd|a-levels?|studies|studium|engineering degree)\b|学士|硕士|博士|本科|研究生|专科/i;
const LEVEL_RE =
  /^(beginner|elementary|intermediate|advanced|expert|proficient|fluent|native|basic|good|very good|excellent|working knowledge|débutant|intermédiaire|avancé|expert|courant|natif|maternelle|bilingue|básico|intermedio|avanzado|nativo|grundkenntnisse|fortgeschritten|fließend|muttersprache|[abc][12]|\d+\+?\s*(yrs?|years?|ans|años|jahre)|\d+\s*\/\s*\d+|★+☆*|●+○*)$/i;
const LOCATION_RE =
  /^[\p{Lu}][\p{L}.'’ -]+,\s*(?:[\p{Lu}]{2,3}|[\p{Lu}][\p{L}.'’ -]+)(?:\s+\d{4,6})?$/u;
const URL_ONLY_RE = /^(?:https?:\/\/)?(?:www\.)?[a-z0-9-]+(?:\.[a-z0-9-]+)+(?:\/\S*)?$/i;
const SKILL_LABEL_RE =
  /^(tech|techs|technologies|technical skills|technical|skills|tools|stack|tech stack|programming|programming languages|frameworks|software|it|soft skills|hard skills|compétences|outils|logiciels|herramientas|tecnologías|kenntnisse|technologien|编程语言|技能)$/i;

interface Block {
  key: SectionKey | "header";
  lines: Line[];
  /** The heading line that opened the block. */
  heading?: Line;
}

interface Head {
  text: string;
  bold: boolean;
  order: number;
}

type EntryField = "title" | "org" | "degree" | "area" | "dates" | "description" | "location";

interface RawEntry {
  heads: Head[];
  /** Values given under a label ("Employer  Bogus Company"), which need no guessing. */
  fields?: Partial<Record<EntryField, string>>;
  date?: DateRange;
  location?: string;
  url?: string;
  body: string[];
  bodyX?: number;
  /** Left edge of the entry's first header line: lines indented past it are description. */
  headX?: number;
}

const wordCount = (s: string) => s.split(/\s+/).filter(Boolean).length;
const clean = (s: string) => s.replace(/\s+/g, " ").replace(/^[\s,.;:|•·–—-]+|[\s,;:|•·–—-]+$/g, "").trim();
const DURATION_RE = /^\d+\s*(?:years?|yrs?|months?|mos?|ans?|mois|años|meses|jahre|monate)(?:\s+\d+\s*(?:months?|mos?|mois|meses|monate))?$/i;

/** A date or a place set apart on the right of a line: the mark of an entry's header. */
const hasSideCell = (line: Line) => {
  if (line.cells.length < 2) return false;
  const last = clean(line.cells[line.cells.length - 1]!.text);
  return findDateRange(last) !== null || LOCATION_RE.test(last);
};

/**
 * A highlight bullet. A short bulleted line that keeps a separate date or place cell on its right is an
 * entry header instead ("• Google      Mountain View, CA").
 */
const isBullet = (line: Line, entry: RawEntry | null) => {
  if (!BULLET_RE.test(line.text) || /^\s*[-–—]\s*\d/.test(line.text)) return false;
  // Right under a header still waiting for its date, a bullet is the first highlight, its date beside it.
  if (entry && entry.heads.length > 0 && entry.body.length === 0 && !entry.date) return true;
  const sideCell = hasSideCell(line) && !BULLET_RE.test(line.cells[line.cells.length - 1]!.text);
  const mainWords = wordCount(line.cells.slice(0, -1).map((c) => stripBullet(c.text)).join(" "));
  return !sideCell || mainWords > 8;
};

/** Right-hand cells of a body line that hold the entry's date (or a duration): taken out of the text. */
function takeSideDate(entry: RawEntry, line: Line): Line {
  if (line.cells.length < 2) return line;
  const keep = line.cells.filter((cell, i) => {
    if (i === 0) return true;
    const t = clean(cell.text);
    if (DURATION_RE.test(t)) return false;
    const date = findDateRange(t);
    if (date && date.text.length >= t.length - 2) {
      entry.date ??= date;
      return false;
    }
    return true;
  });
  return keep.length === line.cells.length ? line : { ...line, cells: keep, text: keep.map((c) => c.text).join("  ") };
}
/** An arrow or chevron that marks a header line ("> DEVOPS ENGINEER"), not a highlight. */
const MARK_RE = /^\s*[>»→▶⮞]\s+/;
const stripBullet = (s: string) => s.replace(BULLET_RE, "").replace(MARK_RE, "").trim();

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? 10;
}

/** The body text size: the size most characters are set in. */
function bodySizeOf(lines: Line[]): number {
  const weighted: number[] = [];
  for (const l of lines) for (let i = 0; i < Math.min(l.text.length, 200); i += 10) weighted.push(Math.round(l.size * 2) / 2);
  return median(weighted);
}

const headingStyle = (l: Line) => {
  const letters = l.text.replace(/[^\p{L}]/gu, "");
  return `${Math.round(l.size * 2)}|${l.bold}|${letters === letters.toUpperCase()}`;
};

function splitSections(lines: Line[], bodySize: number): Block[] {
  const blocks: Block[] = [{ key: "header", lines: [] }];
  // A column that continues on the next page without a heading continues its own section.
  const lastInColumn = new Map<Line["column"], SectionKey | "header">();
  let previous: Line | undefined;
  const open = (key: SectionKey | "header", column: Line["column"], heading?: Line) => {
    blocks.push({ key, lines: [], heading });
    lastInColumn.set(column, key);
  };
  // Headings share one style: a line set exactly like the recognised ones is a heading too (of a section we skip).
  const styles = new Set(lines.filter((l) => sectionOf(l.text) && looksLikeHeading(l, bodySize)).map(headingStyle));
  const leftEdge = new Map<string, number>();
  for (const l of lines) {
    const k = `${l.page}|${l.column}`;
    leftEdge.set(k, Math.min(leftEdge.get(k) ?? Infinity, l.x));
  }
  for (const line of lines) {
    const switched = previous && line.column !== "full" && (line.column !== previous.column || line.page !== previous.page);
    previous = line;
    const whole = sectionOf(line.text);
    if (whole && looksLikeHeading(line, bodySize)) {
      open(whole, line.column, line);
      continue;
    }
    // (A stray glyph set in the heading font, "E", is not one.)
    if (!whole && line.size > bodySize * 1.15 && styles.has(headingStyle(line)) && wordCount(line.text) <= 6 && /\p{L}{3}/u.test(line.text) && !findDateRange(line.text)) {
      open("other", line.column, line);
      continue;
    }
    // A heading in a left label gutter, with the section's first line beside it.
    const first = line.cells[0]!;
    const labelled = line.cells.length > 1 ? sectionOf(first.text) : null;
    // (In the gutter itself, the page's left edge: a sub-label indented inside a section, "Sprachen  Deutsch ○○○○○",
    // is content.)
    const inGutter = first.x <= (leftEdge.get(`${line.page}|${line.column}`) ?? first.x) + 2;
    if (labelled && wordCount(first.text) <= 4 && inGutter) {
      const rest = line.cells.slice(1);
      open(labelled, line.column, { ...line, cells: [first], text: first.text });
      blocks[blocks.length - 1]!.lines.push({ ...line, cells: rest, text: rest.map((c) => c.text).join("  "), x: rest[0]!.x });
      continue;
    }
    if (switched) {
      const resumed = lastInColumn.get(line.column);
      if (resumed && resumed !== blocks[blocks.length - 1]!.key) open(resumed, line.column);
    }
    blocks[blocks.length - 1]!.lines.push(line);
    if (line.column !== "full" && !lastInColumn.has(line.column)) lastInColumn.set(line.column, blocks[blocks.length - 1]!.key);
  }
  return blocks;
}

// ---------- header: name, headline, contact ----------

/** Words that title the document rather than name the person. */
const CV_WORDS_RE = /\b(?:resume|résumé|curriculum vitae|curriculum|cv|lebenslauf|currículum)\b/giu;

function looksLikeName(text: string): boolean {
  const t = text.trim();
  if (/[@\d/:]|https?|www\./i.test(t) || sectionOf(t)) return false;
  if (/^[\p{Script=Han}]{2,6}$/u.test(t)) return true;
  const words = t.split(/\s+/);
  if (words.length < 2 || words.length > 5) return false;
  // An employer, a school, a job title or a heading set large is not the person's name.
  if (ORG_WORDS.test(t) || INSTITUTION_RE.test(t) || TITLE_WORDS.test(t) || words.some((w) => sectionOf(w))) return false;
  return words.every((w) => /^[\p{Lu}][\p{L}'’.-]*$/u.test(w) || /^(de|da|das|dos|van|von|der|den|del|della|la|le|di|du|bin|al|ter|zu)$/i.test(w));
}

function findName(lines: Line[]): Line | undefined {
  const firstPage = lines.filter((l) => l.page === 0);
  const top = firstPage.filter((l) => l.y < Math.max(...firstPage.map((x) => x.y)) * 0.4 + 60);
  const candidates = top.flatMap((l) =>
    l.cells.map((c) => {
      const text = clean(c.text.replace(CV_WORDS_RE, " "));
      // "MatthewBeaulieu": a name set large whose word space the PDF lost, one token of capitalised words.
      const camel = /^(?:\p{Lu}\p{Ll}{2,}){2,4}$/u.test(text) ? text.replace(/(\p{Ll})(?=\p{Lu})/gu, "$1 ") : text;
      return { line: l, text: camel, size: c.size };
    }),
  );
  // "Name: John Doe" in a table of personal details comes first.
  for (const l of lines.filter((x) => x.page === 0)) {
    for (const c of l.cells) {
      const m = c.text.match(/^(?:name|full name|nom|nom complet|nombre|nome|nome completo)\s*[:：]?\s+(.+)$/i);
      if (m) candidates.push({ line: l, text: clean(m[1]!), size: 1000 });
    }
  }
  // A large name may wrap onto a second line set the same way ("MARIEN VAN" / "OVERBEEK").
  for (const l of top) {
    const next = top.find((n) => n.column === l.column && n.y > l.y && n.y - l.y < 1.6 * l.size && Math.abs(n.size - l.size) < 0.05 * l.size);
    if (next && l.cells.length === 1 && next.cells.length === 1 && next.bold === l.bold) {
      candidates.push({ line: l, text: clean(`${l.cells[0]!.text} ${next.cells[0]!.text}`.replace(CV_WORDS_RE, " ")), size: l.size + 0.01 });
    }
  }
  const names = candidates.filter((c) => looksLikeName(c.text));
  names.sort((a, b) => b.size - a.size || a.line.y - b.line.y);
  const best = names[0];
  return best ? { ...best.line, text: best.text } : undefined;
}

function findHeadline(lines: Line[], name: Line | undefined, bodySize: number): string | undefined {
  if (!name) return undefined;
  const start = lines.findIndex((l) => l.page === name.page && l.y === name.y && l.column === name.column);
  for (const line of lines.slice(start + 1, start + 4)) {
    if (line.page !== name.page || line.y - name.y > name.size * 4) break;
    const text = clean(line.cells.map((c) => c.text).join(" · "));
    // The headline sits between the name and the first section.
    if (sectionOf(text)) break;
    if (!text || EMAIL_RE.test(text) || findPhone(text) || /https?:|www\.|\.com\b/i.test(text)) continue;
    if (wordCount(text) > 12 || line.size < bodySize * 0.85) continue;
    return text.replace(/\s*·\s*/g, " · ");
  }
  return undefined;
}

function findLocation(lines: Line[], exclude: Set<string>): string | undefined {
  for (const line of lines.slice(0, 12))
    for (const cell of line.cells) {
      const t = clean(cell.text);
      if (!exclude.has(t) && LOCATION_RE.test(t) && wordCount(t) <= 6 && !ORG_WORDS.test(t) && !TITLE_WORDS.test(t)) return t;
    }
  return undefined;
}

/**
 * Profiles printed as a handle with the network's name beside, above or below it ("LinkedIn: ada-v",
 * "johndoe" over "GitHub"), which no link text gives.
 */
function labelledProfiles(lines: Line[]): { network: string; username: string }[] {
  const found: { network: string; username: string }[] = [];
  const cellsOf = (l: Line) => l.cells.map((c) => ({ ...c, line: l }));
  lines.forEach((line, i) => {
    for (const [j, cell] of line.cells.entries()) {
      const inline = cell.text.match(/^([\p{L} ]{1,20}?)\s*[:：]?\s+(@?[\p{L}\p{N}._-]{2,40})$/u);
      const network = networkOf(cell.text) ?? (inline ? networkOf(inline[1]!) : undefined);
      if (!network) continue;
      let handle = inline && networkOf(inline[1]!) ? inline[2] : undefined;
      if (!handle) {
        // Beside it on the line, else the cell above or below that overlaps it.
        const beside = line.cells[j + 1];
        const near = [...(lines[i - 1] ? cellsOf(lines[i - 1]!) : []), ...(lines[i + 1] ? cellsOf(lines[i + 1]!) : [])].filter(
          (c) => c.line.page === line.page && Math.abs(c.line.y - line.y) < 2.5 * line.size && c.x < cell.x2 && c.x2 > cell.x,
        );
        handle = [beside, ...near].find((c) => c && HANDLE_RE.test(c.text) && !networkOf(c.text) && !EMAIL_RE.test(c.text))?.text;
      }
      if (handle && !found.some((p) => p.network === network)) found.push({ network, username: handle });
    }
  });
  return found;
}

// ---------- entries (work, education, projects, volunteer) ----------

function segmentEntries(lines: Line[]): RawEntry[] {
  const entries: RawEntry[] = [];
  let cur: RawEntry | null = null;
  let lastWasBody = false;
  let startStyle: { size: number; bold: boolean } | undefined;
  const start = () => {
    cur = { heads: [], body: [] };
    entries.push(cur);
    return cur;
  };
  // Two levels of bullets ("• Title, Company (dates)" over "- what I did"): the level that opens the
  // section marks the entries' header lines.
  const glyphOf = (l: Line) => l.text.match(BULLET_RE)?.[0].trim();
  const glyphs = new Set(lines.map(glyphOf).filter(Boolean));
  const firstGlyph = lines.length ? glyphOf(lines[0]!) : undefined;
  const headerGlyph = glyphs.size >= 2 && firstGlyph ? firstGlyph : undefined;
  // Label/value layouts: at least two different labels in the section.
  const labelled = new Set(lines.map((l) => fieldOf(l)?.field).filter(Boolean)).size >= 2;
  for (const line of lines) {
    const text = line.text.trim();
    if (!text) continue;
    const entry: RawEntry = cur ?? start();
    const field = labelled ? fieldOf(line) : null;
    if (field) {
      const fields = (entry.fields ??= {});
      const target = field.field !== "description" && (fields[field.field] !== undefined || (field.field !== "dates" && entry.body.length > 0 && entry.heads.length > 0)) ? start() : entry;
      const f = (target.fields ??= {});
      let value = field.value;
      const date = findDateRange(value);
      if (date && (field.field === "dates" || field.field === "title" || field.field === "degree")) {
        target.date ??= date;
        value = clean(value.replace(date.text, " "));
      }
      if (field.field === "description") {
        target.body.push(value.replace(/\s{2,}/g, " "));
        target.bodyX = field.x;
        lastWasBody = true;
        continue;
      }
      // "Massachusetts Institute of Technology - Cambridge, Massachusetts": the place after a dash is the location.
      const place = field.field === "org" ? value.match(/^(.+?)\s+[-–—|]\s+(.+)$/) : null;
      if (place && (LOCATION_RE.test(place[2]!) || looksLikePlace(place[2]!)) && !orgCue(place[2]!)) {
        value = place[1]!;
        target.location ??= place[2];
      }
      if (field.field === "location") target.location = value;
      else if (field.field !== "dates") {
        f[field.field] = value;
        target.heads.push({ text: value, bold: line.bold, order: target.heads.length });
      } else f.dates = value;
      target.headX ??= line.x;
      lastWasBody = false;
      continue;
    }
    if (headerGlyph && glyphOf(line) === headerGlyph) {
      const target = entry.heads.length > 0 || entry.body.length > 0 || entry.date ? start() : entry;
      const stripped = { ...line, cells: line.cells.map((c) => ({ ...c, text: stripBullet(c.text) })).filter((c) => c.text) };
      if (stripped.cells.length === 0) continue;
      addHeaderLine(target, { ...stripped, text: stripped.cells.map((c) => c.text).join("  ") }, findDateRange(text));
      target.headX ??= line.x + 1.2 * line.size;
      lastWasBody = false;
      continue;
    }
    if (isBullet(line, cur)) {
      const body = takeSideDate(entry, line);
      entry.body.push(stripBullet(body.text).replace(/\s{2,}/g, " "));
      // Where the text starts, after the glyph: wrapped lines align there.
      entry.bodyX = line.cells.length > 1 && /^[•◦▪●○■·*–-]$/.test(line.cells[0]!.text) ? line.cells[1]!.x : line.x + 0.8 * line.size;
      lastWasBody = true;
      continue;
    }
    const date = findDateRange(text);
    const continuation =
      lastWasBody &&
      !line.bold &&
      entry.body.length > 0 &&
      (!date || date.text.length < text.length / 2) &&
      !hasSideCell(line) &&
      (/^[a-z(]/.test(text) || (entry.bodyX !== undefined && line.x >= entry.bodyX - 3 && line.x <= entry.bodyX + 2 * line.size && line.gapAbove < 0.9));
    if (continuation) {
      entry.body[entry.body.length - 1] = joinWrapped(entry.body[entry.body.length - 1]!, takeSideDate(entry, line).text.replace(/\s{2,}/g, " "));
      continue;
    }
    const indented = entry.headX !== undefined && line.x > entry.headX + 0.8 * line.size && !line.bold && (!date || date.text.length < text.length / 2);
    if (indented) {
      if (lastWasBody && entry.bodyX !== undefined && Math.abs(line.x - entry.bodyX) < 3 && line.gapAbove < 0.6) {
        entry.body[entry.body.length - 1] = joinWrapped(entry.body[entry.body.length - 1]!, text.replace(/\s{2,}/g, " "));
      } else {
        entry.body.push(text.replace(/\s{2,}/g, " "));
        entry.bodyX = line.x;
      }
      lastWasBody = true;
      continue;
    }
    const longest = Math.max(...line.cells.map((c) => wordCount(c.text)));
    const prose = !line.bold && !hasSideCell(line) && (longest > 10 || (/[.;,]$/.test(text) && longest > 6) || /\p{L}-$/u.test(text) || (entryComplete(entry) && longest >= 7));
    if (!date && (prose || /[:：]$/.test(text))) {
      entry.body.push(text.replace(/\s{2,}/g, " "));
      entry.bodyX = line.x;
      lastWasBody = true;
      continue;
    }
    // A header line starts a new entry after a body, at a second date, or once the entry is complete.
    // A line that only gives the place belongs to the entry above while it has none.
    const placeOnly = !date && line.cells.length === 1 && LOCATION_RE.test(clean(text)) && !entry.location && entry.body.length === 0;
    // The entry's date on a line of its own, perhaps beside a place ("Remote   2023 Mar. – 2024 Jul."), completes it.
    const rest = date ? clean(text.replace(date.text, " ").replace(/\s{2,}/g, " ")) : "";
    const dateOfEntry = date !== null && !entry.date && entry.heads.length > 0 && entry.body.length === 0 && (!rest || looksLikePlace(rest) || LOCATION_RE.test(rest));
    const wantsNew = !placeOnly && !dateOfEntry && (entry.body.length > 0 || (date && entry.date) || entryComplete(entry));
    // Entries repeat one layout: a line set lighter or smaller than the section's first entry line, with no
    // date, cannot start an entry; once the entry is complete it is description (an address, a note).
    if (wantsNew && startStyle && !date && !canStartEntry(line, startStyle)) {
      entry.body.push(text.replace(/\s{2,}/g, " "));
      entry.bodyX ??= line.x;
      lastWasBody = true;
      continue;
    }
    const target: RawEntry = wantsNew ? start() : entry;
    addHeaderLine(target, { ...line, cells: line.cells.map((c) => ({ ...c, text: stripBullet(c.text) })).filter((c) => c.text) }, date);
    startStyle ??= { size: line.cells[0]!.size, bold: line.cells[0]!.bold || line.bold };
    // Measured after a leading bullet glyph (the lines under "• Google" align with "Google"), and after a
    // date set in a left column (the lines under "2019 – 2022  Analyst" align with "Analyst").
    const firstText = line.cells.find((c) => !date || clean(c.text.replace(date.text, " ")) !== "");
    const x = firstText && firstText !== line.cells[0] ? firstText.x : line.x;
    target.headX ??= BULLET_RE.test(line.text) || MARK_RE.test(line.text) ? x + 1.2 * line.size : x;
    lastWasBody = false;
  }
  return entries.filter((e) => e.heads.length > 0 || e.date);
}

/** Labels of label/value entry layouts (Europass, tables), in the languages the parser reads. */
const FIELD_LABELS: [EntryField, string[]][] = [
  ["title", ["position", "job title", "title", "role", "position held", "occupation or position held", "poste", "fonction", "intitulé du poste", "cargo", "puesto", "função", "posição", "ruolo", "posizione", "lavoro o posizione ricoperti", "stelle", "funktion", "rolle", "tätigkeit"]],
  ["org", ["employer", "company", "organisation", "organization", "employer's name", "name of employer", "name and address of employer", "employeur", "entreprise", "société", "empresa", "empleador", "entidad", "arbeitgeber", "unternehmen", "firma", "datore di lavoro", "nome e indirizzo del datore di lavoro", "azienda", "institution", "university", "school", "name and type of organisation", "établissement", "école", "université", "institución", "universidad", "instituição", "universidade", "escola", "istituto", "università", "hochschule", "universität", "schule"]],
  ["degree", ["degree", "degree title", "qualification", "title of qualification awarded", "diploma", "diplôme", "titre", "título", "titulación", "grau", "titolo", "titolo di studio", "qualifica conseguita", "abschluss"]],
  ["area", ["study field", "field of study", "field", "major", "domaine", "spécialité", "especialidad", "área", "campo", "fachrichtung", "studiengang"]],
  ["dates", ["dates", "date", "period", "période", "periodo", "período", "zeitraum", "duration", "durée"]],
  ["description", ["description", "descriptif", "descripción", "descrição", "descrizione", "beschreibung", "tasks", "responsibilities", "main activities and responsibilities", "missions", "tâches", "aufgaben", "tareas", "attività"]],
  ["location", ["location", "place", "city", "lieu", "ville", "ubicación", "lugar", "localização", "cidade", "luogo", "città", "ort", "standort"]],
];
const FIELD_LABEL_NAMES = FIELD_LABELS.flatMap(([, names]) => names)
  .sort((a, b) => b.length - a.length)
  .map((n) => n.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"));
const FIELD_LABEL_RE = new RegExp(String.raw`^(${FIELD_LABEL_NAMES.join("|")})\s*(?:[:：]\s*|\s)(.+)$`, "iu");
const FIELD_OF = new Map(FIELD_LABELS.flatMap(([field, names]) => names.map((n) => [n, field] as const)));

/** A line "Label  value" of a label/value layout (glyph cells before the label ignored). */
function fieldOf(line: Line): { field: EntryField; value: string; x: number } | null {
  const cells = line.cells.filter((c, i) => !(i === 0 && c.text.trim().length <= 1 && line.cells.length > 1));
  const text = cells.map((c) => c.text).join("  ");
  const m = text.match(FIELD_LABEL_RE);
  if (!m) return null;
  const field = FIELD_OF.get(m[1]!.toLowerCase());
  return field ? { field, value: m[2]!.trim(), x: cells.length > 1 ? cells[1]!.x : cells[0]!.x } : null;
}

/** Whether a line is set at least as large and as heavy as the line that started the section's first entry. */
const canStartEntry = (line: Line, style: { size: number; bold: boolean }) =>
  line.cells[0]!.size >= style.size - 0.3 && (line.bold || line.cells[0]!.bold || !style.bold);

const entryComplete = (e: RawEntry) => e.heads.length >= 3 || (e.date !== undefined && e.heads.length >= 2);


/** Joins a wrapped line to the text before it, undoing a hyphenation break ("Me-" + "teor"). */
function joinWrapped(before: string, after: string): string {
  return /\p{L}-$/u.test(before) && /^\p{Ll}/u.test(after) ? before.slice(0, -1) + after : `${before} ${after}`;
}

function addHeaderLine(entry: RawEntry, line: Line, date: DateRange | null) {
  for (const cell of line.cells) {
    let text = cell.text;
    const cellDate = date && text.includes(date.text) ? date : findDateRange(text);
    if (cellDate && !entry.date) {
      entry.date = cellDate;
      text = text.replace(cellDate.text, " ");
    } else if (cellDate && entry.date && cellDate.text === entry.date.text) {
      text = text.replace(cellDate.text, " ");
    }
    text = clean(text.replace(/\(\s*\)/g, ""));
    if (!text) continue;
    if (URL_ONLY_RE.test(text) && !/\s/.test(text) && /\.[a-z]{2,}/i.test(text) && /\//.test(text) ) {
      entry.url ??= text;
      continue;
    }
    // "Title - Organisation", "Title at Organisation", "Organisation | Title": which side is which is decided
    // later, by which one reads as an organisation.
    let parts = text.split(/\s+[-–—|@]\s+|\s+at\s+|\s+chez\s+|\s+bei\s+|\s+presso\s+|\s+en\s+(?=\p{Lu})/u).map(clean).filter(Boolean);
    // "Title, Organisation, City": a trailing place is the location; the rest splits at a comma when its
    // two sides read differently (one as a job title or an organisation, the other not).
    if (parts.length === 1 && /,\s/.test(text)) parts = splitAtCommas(text, entry);
    for (const part of parts) {
      if (!entry.location && LOCATION_RE.test(part) && wordCount(part) <= 5 && !ORG_WORDS.test(part) && !TITLE_WORDS.test(part) && !DEGREE_RE.test(part)) {
        entry.location = part;
        continue;
      }
      if (/^[\d\s/.,()-]+$/.test(part)) continue;
      // A qualification framework level ("EQF level 4", "NQF 5") grades the entry; it names nothing.
      if (/^(?:EQF|NQF|EQR|CEC|QEC|DQR)\b[\s\p{L}-]*\d$|^(?:level|niveau|nivel|livello|nível|stufe)\s+\d\s*(?:EQF|NQF|EQR|CEC)?$/iu.test(part)) continue;
      entry.heads.push({ text: part, bold: cell.bold, order: entry.heads.length });
    }
  }
}

const LEGAL_FORM_RE = /^(?:inc|ltd|llc|llp|plc|corp|co|gmbh|ag|kg|sa|sas|sarl|sàrl|srl|spa|s\.?p\.?a|s\.?r\.?l|s\.?a|s\.?l|ltda|lda|bv|nv|oy|ab|pty(?: ltd)?|limited|e\.?v)\.?$/i;

/** A place: one to three capitalised words (or "City (CC)"), with no word of a job, an organisation or a degree. */
function looksLikePlace(text: string): boolean {
  const t = text.trim();
  if (wordCount(t.replace(/\([^)]*\)/, "").replace(/\b(?:de|da|del|la|le|di|du|am|an|der|sur|upon|on)\b/g, "")) > 3 || /\d/.test(t) || ORG_WORDS.test(t) || INSTITUTION_RE.test(t) || TITLE_WORDS.test(t) || DEGREE_RE.test(t)) return false;
  return /^[\p{Lu}][\p{L}.'’-]*(?:[ -](?:(?:de|da|del|la|le|di|du|am|an|der|sur|upon|on)[ -])?[\p{Lu}][\p{L}.'’-]*){0,2}(?:\s*\([\p{Lu}][\p{L} ]{1,20}\))?$/u.test(t);
}

/** Job-title words on one side and not the other, or organisation cues on one side and not the other. */
const readDifferently = (x: string, y: string) => TITLE_WORDS.test(x) !== TITLE_WORDS.test(y) || orgCue(x) !== orgCue(y);

function splitAtCommas(text: string, entry: RawEntry): string[] {
  // "Mountain View, CA", "Seoul, S.Korea": a place as a whole, taken as the location below.
  if (LOCATION_RE.test(text) && wordCount(text) <= 5 && !orgCue(text) && !TITLE_WORDS.test(text) && !DEGREE_RE.test(text)) return [clean(text)];
  const pieces: string[] = [];
  // A legal form after a comma ("Omnious Co., Ltd.", "Acme, Inc.") belongs to the name before it.
  for (const piece of text.split(/,\s+/).map(clean).filter(Boolean)) {
    if (pieces.length > 0 && LEGAL_FORM_RE.test(piece)) pieces[pieces.length - 1] += `, ${piece}`;
    else pieces.push(piece);
  }
  // With two pieces, the second is a place only when it reads as one beyond doubt (one word, or "Town (Country)")
  // after an organisation: "Coding Giants España" after a job title is the employer.
  const last = pieces[pieces.length - 1]!;
  const surePlace = wordCount(last) === 1 || /\([\p{Lu}][\p{L} ]+\)$/u.test(last);
  if (pieces.length >= 2 && !entry.location && looksLikePlace(last) && (pieces.length > 2 || (surePlace && (entry.heads.length > 0 || orgCue(pieces[0]!))))) {
    entry.location = pieces.pop();
    // "Acme, Berlin, Germany": the town before the country too.
    while (pieces.length >= 2 && wordCount(pieces[pieces.length - 1]!) === 1 && looksLikePlace(pieces[pieces.length - 1]!)) {
      entry.location = `${pieces.pop()}, ${entry.location}`;
    }
  }
  if (pieces.length === 1) return pieces;
  if (pieces.length === 2 && readDifferently(pieces[0]!, pieces[1]!)) return pieces;
  // Three or more: the first piece that reads as an organisation starts the organisation.
  const at = pieces.findIndex((p, i) => i > 0 && orgCue(p));
  if (at > 0 && TITLE_WORDS.test(pieces.slice(0, at).join(", "))) return [pieces.slice(0, at).join(", "), pieces.slice(at).join(", ")];
  return [pieces.join(", ")];
}

/** An acronym inside mixed-case text ("Office Chérifien des Phosphates (OCP)") or a domain name. */
function acronymOrDomain(text: string): boolean {
  const acronym = /\b\p{Lu}{2,}\b/u.test(text.replace(/,\s*\p{Lu}{2,3}$/u, "").replace(/\b(?:CEO|CTO|CFO|COO|CIO|VP|IT|UI|UX|QA|SRE|HR|RH|AI|ML|R&D|PhD)\b/g, "")) && text !== text.toUpperCase();
  return acronym || /\.(?:com|io|de|org|fr|net)\b/i.test(text);
}

/** General cues that a name is an organisation's: legal forms, organisation or institution words, an acronym, a domain. */
const orgCue = (text: string) => ORG_WORDS.test(text) || INSTITUTION_RE.test(text) || acronymOrDomain(text);

const dateFields = (d: DateRange | undefined) =>
  d
    ? {
        startDate: d.start.iso,
        startDateText: d.start.text,
        endDate: d.end?.iso,
        endDateText: d.current ? d.text.slice(d.text.search(/[^\s\-–—~至]*$/u)).trim() || "Present" : d.end?.text,
      }
    : {};

/** "University Lecturer", "Research Engineer": an English job title ends in the job's word (its head noun). */
const endsWithTitleWord = (text: string) => TITLE_WORDS.test(text.trim().split(/\s+/).pop()?.replace(/[^\p{L}-]/gu, "") ?? "");

function titleScore(text: string) {
  return (TITLE_WORDS.test(text) ? 2 : 0) - (ORG_WORDS.test(text) ? 1 : 0) - (INSTITUTION_RE.test(text) ? 1 : 0) + (endsWithTitleWord(text) ? 2 : 0);
}
function orgScore(text: string) {
  return (ORG_WORDS.test(text) ? 2 : 0) + (INSTITUTION_RE.test(text) ? 1 : 0) - (TITLE_WORDS.test(text) ? 1 : 0) + (acronymOrDomain(text) ? 0.5 : 0) - (endsWithTitleWord(text) ? 2 : 0);
}

function toWork(entry: RawEntry): CvWork {
  const [a, b] = entry.heads;
  let position: string | undefined;
  let name: string | undefined;
  if (entry.fields?.title || entry.fields?.org) {
    position = entry.fields.title;
    name = entry.fields.org;
  } else if (a && b) {
    const straight = titleScore(a.text) + orgScore(b.text);
    const swapped = titleScore(b.text) + orgScore(a.text);
    // On a tie, the side with job-title words is the title; with none, organisations usually come first.
    const aIsTitle = straight !== swapped ? straight > swapped : TITLE_WORDS.test(a.text) && !TITLE_WORDS.test(b.text);
    [position, name] = aIsTitle ? [a.text, b.text] : [b.text, a.text];
  } else if (a) {
    if (titleScore(a.text) >= orgScore(a.text)) position = a.text;
    else name = a.text;
  }
  const extra = entry.fields ? entry.heads.map((h) => h.text).filter((t) => t !== position && t !== name) : entry.heads.slice(2).map((h) => h.text);
  return {
    name,
    position,
    location: entry.location,
    url: entry.url,
    summary: extra.length ? extra.join(" ") : undefined,
    highlights: entry.body.length ? entry.body : undefined,
    ...dateFields(entry.date),
  };
}

function toEducation(entry: RawEntry): CvEducation {
  const heads = entry.heads.map((h) => h.text).filter((h) => h !== entry.fields?.area);
  let institution = entry.fields?.org ?? heads.find((h) => INSTITUTION_RE.test(h) && !DEGREE_RE.test(h.replace(INSTITUTION_RE, "")));
  institution ??= heads.find((h) => INSTITUTION_RE.test(h));
  let degree = entry.fields?.degree ?? heads.find((h) => h !== institution && DEGREE_RE.test(h));
  degree ??= heads.find((h) => h !== institution);
  if (!institution && heads.length > 1) institution = heads.find((h) => h !== degree);
  let areaFromInstitution: string | undefined;
  if (institution?.includes(", ")) {
    // "Princeton University, Computer Science"
    const [inst, ...rest] = institution.split(", ");
    if (INSTITUTION_RE.test(inst!) && !INSTITUTION_RE.test(rest.join(", "))) {
      institution = inst;
      areaFromInstitution = rest.join(", ");
    }
  }
  let score: string | undefined;
  // "…, expected May 2016", "(prévu en 2016)", "预计 2016 年 3 月毕业": a graduation date, not part of the degree.
  degree = degree?.replace(/\s*[,，(]\s*(?:expected|anticipated|prévu|prevista|voraussichtlich|预计).*$/iu, "").trim() || degree;
  if (degree) {
    const gpa = degree.match(/[;,]?\s*(?:GPA|CGPA|Grade|Note|Moyenne|Nota)\s*[:：]?\s*(.+)$/i);
    if (gpa) {
      score = gpa[1]!.trim();
      degree = clean(degree.slice(0, gpa.index));
    }
  }
  const area = degree?.match(/\b(?:in|of|en|de|in der|im)\s+([\p{Lu}][\p{L}&,' -]+)$/u)?.[1];
  const rest = heads.filter((h) => h !== institution && h !== degree);
  return {
    institution,
    studyType: degree,
    area: (area && area !== degree ? area : undefined) ?? areaFromInstitution,
    score,
    location: entry.location,
    url: entry.url,
    courses: undefined,
    ...dateFields(entry.date),
    ...(rest.length || entry.body.length ? { summary: undefined } : {}),
  } as CvEducation;
}

// ---------- lists: skills, languages, interests ----------

function splitList(text: string): string[] {
  return text
    .split(/\s*(?:[,;•·|、，；]|\s{2,}|\s[-=>]+\s|\s<\s)\s*/)
    .map((s) => clean(s.replace(/\.$/, "")))
    .filter((s) => s.length > 0 && s.length <= 60 && !LEVEL_RE.test(s) && !isRating(s));
}

/** Rating marks ("● ● ● ○ ○", "★★★☆", "■■□"): a level, never a name. */
const RATING_RE = /^[\s●○◯◉◎⬤⚫⚪•·★☆✩✪✭✮■□▪▫◆◇♦❖⭐|/()\d.,-]*$/u;
const RATING_GLYPH_RE = /[●○◯◉◎⬤⚫⚪★☆✩✪✭✮■□▪▫◆◇♦❖⭐]/u;
const isRating = (s: string) => {
  const t = s.trim();
  if (RATING_RE.test(t) && !/^\d[\d.,]*$/.test(t) && /[^\s\d.,/()|-]/u.test(t)) return true;
  // Glyph fonts map a filled mark to a letter ("○ ○ ○ ○ A"): one-character tokens, some of them marks.
  const tokens = t.split(/\s+/);
  return tokens.length >= 3 && tokens.every((x) => [...x].length === 1) && (tokens.some((x) => RATING_GLYPH_RE.test(x)) || tokens.every((x) => x === tokens[0]));
};

function parseSkills(lines: Line[]): CvSkill[] {
  const skills: CvSkill[] = [];
  let pending: CvSkill | null = null;
  lines.forEach((line, i) => {
    const text = stripBullet(line.text);
    if (!text) return;
    const cells = line.cells.map((c) => stripBullet(c.text)).filter(Boolean);
    // "Label: a, b, c" or "Label  a, b, c"
    const labelMatch = text.match(/^([^:：]{2,40})[:：]\s*(.+)$/);
    if (labelMatch) {
      pending = { name: clean(labelMatch[1]!), keywords: splitList(labelMatch[2]!) };
      skills.push(pending);
      return;
    }
    const levelOnly = cells.every((c) => LEVEL_RE.test(c));
    if (levelOnly) {
      if (pending && !pending.keywords?.length) pending.level = cells.join(" ");
      return;
    }
    const hasList = /[,;•·|]/.test(text);
    const next = lines[i + 1];
    const nextIsList = next && (/[,;•·|]/.test(next.text) || next.cells.every((c) => LEVEL_RE.test(c.text)));
    if (!hasList && cells.length === 1 && nextIsList && wordCount(text) <= 4 && !(pending && !pending.keywords?.length)) {
      pending = { name: clean(text), keywords: [] };
      skills.push(pending);
      return;
    }
    const items = cells.flatMap(splitList);
    if (pending && pending.keywords && (pending.keywords.length === 0 || (line.gapAbove < 0.6 && hasList))) {
      // The line above broke inside a keyword ("User" / "Research, …"): join them back.
      const above = lines[i - 1]?.text.trim() ?? "";
      if (pending.keywords.length > 0 && !/[,;•·|、，；]$/.test(above) && items.length > 0) {
        pending.keywords[pending.keywords.length - 1] += ` ${items.shift()}`;
      }
      pending.keywords.push(...items);
      return;
    }
    pending = null;
    for (const item of items) skills.push({ name: item });
  });
  return skills.filter((s) => s.name && (s.keywords?.length || !/[:：]$/.test(s.name))).map((s) => (s.keywords?.length ? s : { name: s.name, level: s.level }));
}

/**
 * A skills table whose rows carry sub-labels ("Sprachen  Deutsch ○○○○○  Chinesisch ○○○○○", then rows indented
 * under it): the rows under a languages label are languages.
 */
function languageRows(lines: Line[]): { rest: Line[]; languageLines: Line[] } {
  const left = Math.min(...lines.map((l) => l.x));
  const rest: Line[] = [];
  const languageLines: Line[] = [];
  let underLanguages = false;
  for (const line of lines) {
    if (line.cells.length >= 2 && Math.abs(line.x - left) < 2) {
      underLanguages = sectionOf(line.cells[0]!.text) === "languages";
      if (underLanguages) {
        const cells = line.cells.slice(1);
        languageLines.push({ ...line, cells, text: cells.map((c) => c.text).join("  "), x: cells[0]!.x });
        continue;
      }
    } else if (Math.abs(line.x - left) < 2) underLanguages = false;
    (underLanguages ? languageLines : rest).push(line);
  }
  return { rest, languageLines };
}

function parseLanguages(lines: Line[]) {
  return lines
    .flatMap((l) => l.cells.flatMap((c) => splitList(stripBullet(c.text))))
    .map((item) => {
      const m = item.match(/^([\p{L} ]+?)\s*(?:[(:–-]\s*([^)]+)\)?)?$/u);
      return m ? { language: m[1]!.trim(), fluency: m[2]?.trim() } : { language: item };
    })
    .filter((l) => /\p{L}{2}/u.test(l.language) && !LEVEL_RE.test(l.language) && !isRating(l.language));
}

const MOTHER_TONGUE_RE = /^((?:mother tongue\(?s?\)?|native languages?|langues? maternelles?|muttersprachen?|lingua madre|lingue madri|língua materna|línguas maternas|lengua materna|lenguas maternas))\s*[:：]?\s*(.*)$/i;
const CEFR_RE = /^[ABC][12](?:\s*[+-])?$/;

/**
 * Languages as Europass prints them anywhere in the CV: "Mother tongue(s)  Español" and a CEFR grid row
 * ("English  B2  B2  B2  B1  B2").
 */
function europassLanguages(lines: Line[]): { language: string; fluency?: string }[] {
  const found: { language: string; fluency?: string }[] = [];
  for (const line of lines) {
    const m = line.text.replace(/\s{2,}/g, "  ").match(MOTHER_TONGUE_RE);
    if (m) {
      // The fluency is the label as printed: nothing the CV does not say.
      for (const name of splitList(m[2]!.trim())) if (/^\p{L}[\p{L} -]{1,30}$/u.test(name)) found.push({ language: name, fluency: m[1]!.trim() });
      continue;
    }
    const [first, ...rest] = line.cells;
    const levels = rest.map((c) => c.text.trim()).filter((t) => CEFR_RE.test(t));
    if (first && levels.length >= 2 && levels.length === rest.length && /^\p{L}[\p{L} ]{1,30}$/u.test(first.text.trim())) {
      found.push({ language: first.text.trim(), fluency: levels.join(" ") });
    }
  }
  return found;
}

/** Skills written as labelled lines anywhere ("Techs: Meteor, Javascript, …"), with their wrapped continuations. */
function labelledSkills(lines: Line[]): CvSkill[] {
  const found: CvSkill[] = [];
  lines.forEach((line, i) => {
    const first = line.cells[0]!;
    const inCell = first.text.match(/^([^:：]{2,30})[:：]\s*(.+)$/);
    const label = inCell ? inCell[1]! : first.text.replace(/[:：]\s*$/, "");
    const values = inCell ? [inCell[2]!, ...line.cells.slice(1).map((c) => c.text)] : line.cells.slice(1).map((c) => c.text);
    if (!SKILL_LABEL_RE.test(label.trim()) || values.length === 0) return;
    const keywords = values.flatMap(splitList);
    const valueX = inCell ? first.x : line.cells[1]!.x;
    for (const next of lines.slice(i + 1, i + 4)) {
      const aligned = Math.abs(next.x - valueX) < 3 || (inCell && next.x > first.x + 10 && next.x < first.x + 80);
      if (next.column !== line.column || next.cells.length !== 1 || !aligned || next.y - line.y > line.size * 4 || /[:：]/.test(next.text)) break;
      keywords.push(...splitList(next.text));
    }
    found.push({ name: clean(label), keywords });
  });
  return found;
}

// ---------- publications ----------

/** A numbered or bulleted reference: "[1]", "[J2]", "1.", "•". */
const ITEM_MARK_RE = /^\s*(?:\[[A-Za-z]?\d+\]|\(\d+\)|\d{1,3}[.)]\s|[•◦▪●■►‣∙·*–-]\s)/;

/**
 * One publication per item: items start at a number or bullet mark when the section uses them, else at a
 * vertical gap, else each line is one.
 */
function parsePublications(lines: Line[]): { name: string; releaseDate?: string; dateText?: string }[] {
  const marked = lines.some((l) => ITEM_MARK_RE.test(l.text));
  const gapped = !marked && lines.some((l, i) => i > 0 && l.gapAbove > 0.45 && l.gapAbove !== Infinity);
  const items: string[] = [];
  lines.forEach((l, i) => {
    const text = l.text.replace(/\s{2,}/g, " ").trim();
    if (!text) return;
    // A wrapped line follows closely; one set far below starts another item even without a mark.
    const starts = i === 0 || l.gapAbove > 1.2 || (marked ? ITEM_MARK_RE.test(l.text) : gapped ? l.gapAbove > 0.45 : true);
    if (starts || items.length === 0) items.push(text.replace(ITEM_MARK_RE, "").trim());
    else items[items.length - 1] = joinWrapped(items[items.length - 1]!, text);
  });
  return items
    .filter((t) => /\p{L}{3}/u.test(t))
    .map((t) => {
      const year = t.match(/(?<!\d)(19[5-9]\d|20\d\d)(?!\d)/)?.[1];
      return { name: t.slice(0, 500), ...(year ? { releaseDate: year, dateText: year } : {}) };
    });
}

// ---------- nothing lost silently ----------

/** Words of a text, compared without case, accents' forms or punctuation. */
const tokens = (s: string) =>
  comparable(s)
    .split(/[^\p{L}\p{N}]+/u)
    .filter((t) => t.length > 1 || /\d/.test(t));

/** Every string of the parsed CV, wherever it sits. */
function strings(value: unknown, out: string[] = []): string[] {
  if (typeof value === "string") out.push(value);
  else if (Array.isArray(value)) for (const v of value) strings(v, out);
  else if (value && typeof value === "object") for (const v of Object.values(value)) strings(v, out);
  return out;
}

/**
 * The lines of the PDF that no field took: a line is placed when nearly all its words are in some field
 * (or it is a section heading, or a page number). What is left is kept, in reading order, for the person
 * to place by hand.
 */
function unplacedLines(ordered: Line[], content: CvContent, headings: Set<Line>): string[] {
  const known = new Set(strings(content).flatMap(tokens));
  const headingKeys = new Set([...headings].map((h) => `${h.page}|${h.y}|${comparable(h.text)}`));
  const out: string[] = [];
  const seen = new Set<string>();
  for (const line of ordered) {
    const text = line.text.replace(/\s{2,}/g, " ").trim();
    if (!text || PAGE_NUMBER_RE.test(text) || headingKeys.has(`${line.page}|${line.y}|${comparable(line.text)}`) || sectionOf(text)) continue;
    const words = tokens(text);
    if (words.length === 0) continue;
    const missing = words.filter((w) => !known.has(w)).length;
    if (missing === 0 || (missing / words.length <= 0.25 && missing <= 2)) continue;
    const key = comparable(text);
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(text.slice(0, 1000));
    if (out.length >= 500) break;
  }
  return out;
}

// ---------- the whole CV ----------

/** A page number, or a number alone on its line (a page number or a chart's tick). */
const PAGE_NUMBER_RE = /^(?:(?:page|seite|página|pagina)\s*\d+|(?:page|seite|página|pagina)?\s*\d+\s*(?:\/|of|von|de|sur|sobre|di)\s*\d+|\d{1,3})$/i;

/** Page numbers, and lines repeated at the same height on several pages (running headers and footers). */
function dropRunningLines(lines: Line[]): Line[] {
  const pages = new Set(lines.map((l) => l.page)).size;
  const seen = new Map<string, Set<number>>();
  const key = (l: Line) => `${l.text.toLowerCase().replace(/\d+/g, "#")}@${Math.round(l.y / 4)}`;
  for (const l of lines) (seen.get(key(l)) ?? seen.set(key(l), new Set()).get(key(l))!).add(l.page);
  return lines.filter((l) => {
    if (/^(?:page|seite|página|pagina)?\s*\d+\s*(?:\/|of|von|de|sur|sobre)\s*\d+$/i.test(l.text.trim())) return false;
    if (/\b(?:page|seite|página)\s+\d+\s+(?:of|von|de|sur)\s+\d+\b/i.test(l.text) && wordCount(l.text) <= 8) return false;
    return pages < 2 || seen.get(key(l))!.size < 2;
  });
}

export function parseResume(pages: PageText[]): CvContent {
  const ordered = readingOrder(pages);
  // Two-digit years ("Sep 98") fall in the century of the CV's own four-digit years when they all share one.
  const years = ordered.flatMap((l) => [...l.text.matchAll(/(?<!\d)(19[5-9]\d|20\d\d)(?!\d)/g)].map((m) => Number(m[1])));
  const centuries = new Set(years.map((y) => Math.floor(y / 100)));
  return withTwoDigitYearPivot(years.length >= 3 && centuries.size === 1 ? [...centuries][0] : undefined, () => parseLines(ordered));
}

function parseLines(ordered: Line[]): CvContent {
  const lines = dropRunningLines(ordered);
  const bodySize = bodySizeOf(lines);
  const blocks = splitSections(lines, bodySize);
  const linesOf = (key: SectionKey | "header") => blocks.filter((b) => b.key === key).flatMap((b) => b.lines);
  const header = linesOf("header");
  const allText = lines.map((l) => l.text).join("\n");
  const headerText = header.map((l) => l.text).join("\n");

  const nameLine = findName(lines);
  const name = nameLine ? titleCaseIfShouting(clean(nameLine.text)) : undefined;
  const headline = findHeadline(lines, nameLine, bodySize);
  const contactText = `${headerText}\n${linesOf("contact").map((l) => l.text).join("\n")}`;
  // Then the whole text, running headers and footers included: some CVs print their contact details only there.
  // An address wrapped at the column's edge ("RICHARD.HENDRIKS@PIEDPIP" / "ER.COM") is joined back.
  const everyLine = ordered
    .map((l) => l.text)
    .join("\n")
    .replace(/([\w.+-]+@[\w.-]+)\n(?=[\w.-]*\.[a-z]{2,}\b)/gi, "$1");
  const email = findEmail(contactText.replace(/([\w.+-]+@[\w-]+)\n(?=[\w.-]*\.[a-z]{2,}\b)/gi, "$1")) ?? findEmail(everyLine);
  const phone = findPhone(withoutEmails(contactText)) ?? findPhone(withoutEmails(everyLine));
  // The personal site is in the header or the contact section; profiles may be anywhere.
  const links = { url: findLinks(contactText).url, profiles: findLinks(`${contactText}\n${allText}`).profiles };
  for (const p of labelledProfiles([...header, ...linesOf("contact")])) {
    if (!links.profiles.some((q) => q.network === p.network)) links.profiles.push({ network: p.network, username: p.username });
  }
  const location = findLocation([...header, ...linesOf("contact")], new Set([name ?? "", headline ?? ""]));

  const summary = linesOf("summary")
    .map((l) => l.text.replace(/\s{2,}/g, " "))
    .join(" ")
    .replace(/(\p{L})- (\p{Ll})/gu, "$1$2")
    .trim();

  const work = segmentEntries(linesOf("work"))
    .map(toWork)
    .filter((w) => w.name || w.position);
  const education = segmentEntries(linesOf("education"))
    .map(toEducation)
    .filter((e) => e.institution || e.studyType);
  const projects = segmentEntries(linesOf("projects"))
    .filter((e) => e.heads.length > 0)
    .map((e) => ({
      name: e.heads[0]!.text,
      description: [...e.heads.slice(1).map((h) => h.text), ...e.body].join(" ").trim() || undefined,
      url: e.url,
      ...dateFields(e.date),
    }));
  const volunteer = segmentEntries(linesOf("volunteer"))
    .map(toWork)
    .map((w) => ({ organization: w.name, position: w.position, summary: w.summary, highlights: w.highlights, startDate: w.startDate, endDate: w.endDate, startDateText: w.startDateText, endDateText: w.endDateText }));
  const outsideEntries = blocks.filter((b) => !["work", "education", "projects", "volunteer", "skills"].includes(b.key)).flatMap((b) => b.lines);
  const { rest: skillLines, languageLines } = languageRows(linesOf("skills"));
  const skills = [...parseSkills(skillLines), ...labelledSkills(outsideEntries)];
  const languages = parseLanguages([...linesOf("languages"), ...languageLines]);
  for (const l of europassLanguages(lines)) if (!languages.some((x) => comparable(x.language) === comparable(l.language))) languages.push(l);
  const certificates = linesOf("certificates")
    .map((l) => {
      const date = findDateRange(l.text);
      const nameText = clean(stripBullet(date ? l.text.replace(date.text, " ") : l.text).replace(/\s{2,}/g, " · "));
      return { name: nameText, date: date?.start.iso, dateText: date?.start.text };
    })
    .filter((c) => c.name.length > 2);
  const awards = linesOf("awards")
    .map((l) => {
      const date = findDateRange(l.text);
      return { title: clean(stripBullet(date ? l.text.replace(date.text, " ") : l.text)), date: date?.start.iso, dateText: date?.start.text };
    })
    .filter((a) => a.title.length > 2);
  const interests = linesOf("interests")
    .flatMap((l) => splitList(stripBullet(l.text)))
    .map((n) => ({ name: n }));
  const publications = parsePublications(linesOf("publications"));

  const content: CvContent = {
    basics: {
      name,
      label: headline,
      email,
      phone,
      url: links.url,
      summary: summary || undefined,
      location: location ? { city: location } : undefined,
      profiles: links.profiles.length ? links.profiles : undefined,
    },
    work,
    volunteer,
    education,
    awards,
    certificates,
    skills,
    languages,
    interests,
    projects,
    ...(publications.length ? { publications } : {}),
  };
  const headings = new Set(blocks.flatMap((b) => b.heading ?? []));
  const unplaced = unplacedLines(ordered, content, headings);
  return unplaced.length ? { ...content, unplaced } : content;
}
