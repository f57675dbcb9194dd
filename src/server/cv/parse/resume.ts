/**
 * The offline CV parser: positioned PDF text → JSON Resume. No network, no model: layout analysis,
 * multilingual section headings, and lexicons for what a job title, an organisation or a degree looks like.
 */
import type { CvContent } from "../../../shared/cv";
import { findEmail, findLinks, findPhone, withoutEmails } from "./contact";
import { findDateRange, withTwoDigitYearPivot } from "./dates";
import { dateFields, type RawEntry, segmentEntries, toEducations, toWorks } from "./entries";
import { bareHandles, findHeadline, findLocation, findName, labelledProfiles } from "./header";
import { type Line, noRoomFor, type PageText, readingOrder } from "./layout";
import { BULLET_RE, clean, joinWrapped, LEVEL_RE, stripBullet, wordCount } from "./lexicon";
import { europassLanguages, labelledSkills, languageRows, levelledSkills, parseLanguages, parsePublications, parseSkills, splitList } from "./lists";
import { comparable, titleCaseIfShouting } from "./normalize";
import { looksLikeHeading, type SectionKey, sectionOf, sectionOfLead } from "./sections";

interface Block {
  key: SectionKey | "header";
  lines: Line[];
  /** The heading line that opened the block. */
  heading?: Line;
}

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

/**
 * A heading hyphenated over two lines of a narrow label column ("EXPERIÊNCIA PROFISSIO-" / "NAL") is one line
 * again when the two halves make a heading.
 */
function joinHyphenatedHeadings(lines: Line[]): Line[] {
  const out: Line[] = [];
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    const next = lines[i + 1];
    if (next && /\p{L}[-‐‑]$/u.test(line.text) && next.page === line.page && next.column === line.column && next.y - line.y < 2 * line.size && next.cells.length === 1) {
      const joined = line.text.replace(/[-‐‑]$/u, "") + next.text;
      if (sectionOf(joined)) {
        out.push({ ...line, text: joined, cells: [{ ...line.cells[0]!, text: joined, x2: Math.max(line.x2, next.x2) }] });
        i++;
        continue;
      }
    }
    // A heading broken over two lines of one style ("EHRENAMTLICHE" / "TÄTIGKEITEN"), neither a heading alone.
    const sameStyle = next && next.cells.length === 1 && line.cells.length === 1 && Math.abs(next.size - line.size) < 0.3 && next.bold === line.bold;
    if (next && sameStyle && next.page === line.page && next.column === line.column && next.y > line.y && next.y - line.y < 2 * line.size && !sectionOf(line.text) && wordCount(line.text) <= 3 && wordCount(next.text) <= 3) {
      const joined = `${line.text.trim()} ${next.text.trim()}`;
      if (sectionOf(joined)) {
        out.push({ ...line, text: joined, x: Math.min(line.x, next.x), x2: Math.max(line.x2, next.x2), cells: [{ ...line.cells[0]!, text: joined, x: Math.min(line.x, next.x), x2: Math.max(line.x2, next.x2) }] });
        i++;
        continue;
      }
    }
    out.push(line);
  }
  return out;
}

const LIST_SECTIONS = new Set<Block["key"]>(["publications", "awards", "certificates", "skills", "languages", "interests"]);

function splitSections(lines: Line[], bodySize: number, subHeadings: Line[] = []): Block[] {
  const blocks: Block[] = [{ key: "header", lines: [] }];
  // A column that continues on the next page without a heading continues its own section.
  const lastInColumn = new Map<Line["column"], SectionKey | "header">();
  let previous: Line | undefined;
  const open = (key: SectionKey | "header", column: Line["column"], heading?: Line) => {
    blocks.push({ key, lines: [], heading });
    // (A heading across the page opens the section in both columns below it.)
    for (const c of column === "full" ? (["full", "left", "right"] as const) : [column]) lastInColumn.set(c, key);
  };
  // Headings share one style: a line set exactly like the recognised ones is a heading too (of a section we skip).
  const styles = new Set(lines.filter((l) => sectionOf(l.text) && looksLikeHeading(l, bodySize)).map(headingStyle));
  // How many lines share this line's style between the section headings around it (itself included).
  const indexOf = new Map(lines.map((l, i) => [l, i]));
  const isHeading = (l: Line) => sectionOf(l.text) !== null && looksLikeHeading(l, bodySize);
  const recursInSection = (line: Line) => {
    const at = indexOf.get(line)!;
    let n = 0;
    const count = (l: Line) => l.column === line.column && headingStyle(l) === headingStyle(line) && n++;
    for (let i = at; i < lines.length && (i === at || !isHeading(lines[i]!)); i++) count(lines[i]!);
    for (let i = at - 1; i >= 0 && !isHeading(lines[i]!); i--) count(lines[i]!);
    return n;
  };
  // A name right over its level ("Sketch" / "Advanced") is an item, whatever its type.
  const overLevel = new Set(lines.filter((l, i) => lines[i + 1] !== undefined && LEVEL_RE.test(clean(lines[i + 1]!.text)) && lines[i + 1]!.column === l.column));
  const leftEdge = new Map<string, number>();
  for (const l of lines) {
    const k = `${l.page}|${l.column}`;
    leftEdge.set(k, Math.min(leftEdge.get(k) ?? Infinity, l.x));
  }
  for (const line of lines) {
    const switched = previous && line.column !== "full" && (line.column !== previous.column || line.page !== previous.page);
    previous = line;
    const whole = sectionOf(line.text);
    const current = blocks[blocks.length - 1]!;
    // Right under a heading, a line naming the same section is its first group ("SKILLS" / "Skills: …").
    const sameAsOpen = whole !== null && whole === current.key && current.heading !== undefined && current.lines.length === 0;
    // (A paragraph's last word wrapped onto a line of its own, "… Faculty of Information" / "Technologies", is
    // no heading: set like the line above, right under it, where it had no room.)
    const lineAbove = lines[indexOf.get(line)! - 1];
    const wrapped = lineAbove !== undefined && lineAbove.column === line.column && lineAbove.page === line.page && line.gapAbove < 0.6 && Math.abs(lineAbove.size - line.size) < 0.3 && lineAbove.bold === line.bold && Math.abs(lineAbove.x - line.x) < 3 && !/[.:;!?]$/.test(lineAbove.text.trim()) && noRoomFor(lineAbove, line);
    if (whole && !sameAsOpen && !wrapped && looksLikeHeading(line, bodySize)) {
      open(whole, line.column, line);
      continue;
    }
    // A heading in a left label gutter, with the section's first line beside it.
    const first = line.cells[0]!;
    const labelled = line.cells.length > 1 ? sectionOf(first.text) : null;
    // (In the gutter itself, the page's left edge: a sub-label indented inside a section, "Sprachen  Deutsch ○○○○○",
    // is content.)
    // (Or set right-aligned in the gutter, in clearly larger type than the body.)
    const inGutter = first.x <= (leftEdge.get(`${line.page}|${line.column}`) ?? first.x) + Math.max(2, 0.4 * first.size) || first.size >= 1.3 * bodySize;
    if (labelled && wordCount(first.text) <= 4 && inGutter && (first.bold || first.size >= bodySize * 1.1 || looksLikeHeading({ ...line, cells: [first], text: first.text }, bodySize))) {
      const rest = line.cells.slice(1);
      open(labelled, line.column, { ...line, cells: [first], text: first.text });
      blocks[blocks.length - 1]!.lines.push({ ...line, cells: rest, text: rest.map((c) => c.text).join("  "), x: rest[0]!.x });
      continue;
    }
    // In a list section, a heading set smaller than the section's own ("Publications" / "Books", "Awards" /
    // "Scholarships") groups its items: the section goes on. (In entry sections such a line heads an entry.)
    const open_ = blocks[blocks.length - 1]!;
    // (Items all set that way, "Arabe : Courant" / "Anglais : Niveau avancé" in large bold type, are the items.)
    const below = lines.slice(indexOf.get(line)! + 1).find((l) => l.column === line.column);
    const above = open_.lines.filter((l) => l.column === line.column).pop();
    const groupsItems = below !== undefined && !isHeading(below) && headingStyle(below) !== headingStyle(line) && (!above || headingStyle(above) !== headingStyle(line));
    if (!whole && open_.heading && LIST_SECTIONS.has(open_.key) && groupsItems && line.cells.length === 1 && line.size > bodySize * 1.15 && line.size < open_.heading.size - 0.5 && wordCount(line.text) <= 6 && /\p{L}{3}/u.test(line.text) && !findDateRange(line.text) && (line.bold || line.size > bodySize * 1.3)) {
      subHeadings.push(line);
      continue;
    }
    // (A stray glyph set in the heading font, "E", is not one.)
    if (!whole && line.size > bodySize * 1.15 && styles.has(headingStyle(line)) && wordCount(line.text) <= 6 && /\p{L}{3}/u.test(line.text) && !findDateRange(line.text) && !overLevel.has(line)) {
      const lead = sectionOfLead(line.text);
      // Set smaller than the open section's heading and naming no section ("experience" / "Full Time"), it
      // groups the section's entries: the section goes on.
      if (!lead && open_.heading && open_.key !== "header" && line.size < open_.heading.size - 0.5 && line.column === open_.heading.column) {
        // (Unless the style recurs, one line per entry: then it heads each entry, "Senior Projektmanagerin" set
        // large over its employer and dates.)
        if (recursInSection(line) >= 3) {
          open_.lines.push(line);
          continue;
        }
        subHeadings.push(line);
        continue;
      }
      open(lead ?? "other", line.column, line);
      continue;
    }
    if (switched) {
      const resumed = lastInColumn.get(line.column);
      if (resumed && resumed !== blocks[blocks.length - 1]!.key) open(resumed, line.column);
    }
    blocks[blocks.length - 1]!.lines.push(line);
    if (line.column !== "full" && !lastInColumn.has(line.column)) lastInColumn.set(line.column, blocks[blocks.length - 1]!.key);
  }
  for (const block of blocks) if (block.key === "other" && block.heading && sectionOf(block.heading.text) === null) block.key = sectionByContent(block.lines) ?? "other";
  return blocks;
}

/** Words that name what a list item is, whatever the heading over it calls the list. */
const AWARD_WORDS_RE = /(?:award|prize|scholarship|fellowship|honou?rs?\b|stipend|preis\b|auszeichnung|bourse|prix\b|lauréat|beca\b|premio|borsa di studio|bolsa\b|prémio|prêmio)/iu;
const CERTIFICATE_WORDS_RE = /(?:certified|certificate|certification|zertifikat|zertifiziert|certificat|certifié|certificado|certificación|certificazione|certificato|certificação)/iu;

/**
 * An unknown heading ("Aufzeichnungen", "Distinctions & bourses obtenues"): the section its items name, when
 * most of them name the same kind.
 */
function sectionByContent(lines: Line[]): SectionKey | undefined {
  const items = lines.filter((l) => !findDateRange(l.text) || clean(l.text.replace(findDateRange(l.text)!.text, " ")).length > 3);
  if (items.length === 0) return undefined;
  for (const [key, re] of [["awards", AWARD_WORDS_RE], ["certificates", CERTIFICATE_WORDS_RE]] as const) {
    if (items.filter((l) => re.test(l.text)).length >= Math.max(1, 0.4 * items.length)) return key;
  }
  return undefined;
}

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

/** A page number, or a number alone on its line (a page number or a chart's tick). */
const PAGE_NUMBER_RE = /^(?:(?:page|seite|página|pagina)\s*\d+|(?:page|seite|página|pagina)?\s*\d+\s*(?:\/|of|von|de|sur|sobre|di)\s*\d+|\d{1,3})$/i;

/** Page numbers, and lines repeated at the same height on several pages (running headers and footers). */
function dropRunningLines(lines: Line[]): Line[] {
  const pages = new Set(lines.map((l) => l.page)).size;
  const seen = new Map<string, Set<number>>();
  const key = (l: Line) => `${l.text.toLowerCase().replace(/\d+/g, "#")}@${Math.round(l.y / 4)}`;
  for (const l of lines) (seen.get(key(l)) ?? seen.set(key(l), new Set()).get(key(l))!).add(l.page);
  // A page's first or last line that opens as another page's does, at the same height: a running header or
  // footer that adds something on some pages ("Curriculum vitae" / "Curriculum vitae  Ana Ruiz").
  const edges = new Map<number, Line[]>();
  for (const l of lines) edges.set(l.page, [...(edges.get(l.page) ?? []), l]);
  const edgeKey = (l: Line) => `${clean(l.cells[0]?.text ?? l.text).toLowerCase().replace(/\d+/g, "#")}@${Math.round(l.y / 4)}`;
  const edgePages = new Map<string, Set<number>>();
  const edgeLines = new Set<Line>();
  for (const pageLines of edges.values()) {
    const top = pageLines.reduce((a, b) => (b.y < a.y ? b : a));
    const bottom = pageLines.reduce((a, b) => (b.y > a.y ? b : a));
    for (const l of new Set([top, bottom])) {
      edgeLines.add(l);
      (edgePages.get(edgeKey(l)) ?? edgePages.set(edgeKey(l), new Set()).get(edgeKey(l))!).add(l.page);
    }
  }
  return lines.filter((l) => {
    if (edgeLines.has(l) && edgePages.get(edgeKey(l))!.size >= 2) return false;
    // "2 / 3", "Page 1 of 2": a page count (numbers of pages, not "02/2025", a month).
    const count = l.text.trim().match(/^(?:page|seite|página|pagina)?\s*(\d{1,3})\s*(?:\/|of|von|de|sur|sobre)\s*(\d{1,3})$/i);
    if (count && Number(count[1]) >= 1 && Number(count[1]) <= Number(count[2]) && !/^0/.test(count[1]!)) return false;
    if (/\b(?:page|seite|página)\s+\d+\s+(?:of|von|de|sur)\s+\d+\b/i.test(l.text) && wordCount(l.text) <= 8) return false;
    return pages < 2 || seen.get(key(l))!.size < 2;
  });
}

/** A label that only introduces a date ("Issued on:", "Awarded", "Obtenu le", "Date"). */
/** Labels of who issued a certificate or gave an award, in the languages the parser reads. */
const ISSUER_LABEL_RE =
  /^(?:issuer|issued by|issuing organi[sz]ation|awarded by|awarder|provider|platform|plateforme|organisme|délivré par|décerné par|emitido por|entidad emisora|otorgado por|plataforma|ausgestellt von|aussteller|verliehen von|anbieter|rilasciato da|ente|piattaforma|emitido por|entidade|plataforma)\s*[:：]\s*(\S.{0,200})$/iu;

const DATE_LABEL_RE = /^(?:(?:issued|awarded|received|obtained|earned|granted|completed|published|date|dated|since|valid until|expires?|obtenu|délivré|décerné|obtenido|expedido|otorgado|erhalten|ausgestellt|verliehen|am|le|el|on|en|in)\b[\s\p{L}]*[:：]?)$/iu;

/**
 * One item per line of a list section (certificates, awards), each with the date printed on it. A line that
 * gives only a date, perhaps after a label ("Issued on: Jul 01, 2016"), dates the item above it.
 */
interface DatedItem {
  text: string;
  date?: ReturnType<typeof findDateRange>;
  /** Who issued or awarded it. */
  by?: string;
  /** Lines under it that say more ("Role: Co-PI"). */
  more?: string[];
}

function datedItems(lines: Line[], consumed: Line[]): DatedItem[] {
  const items: DatedItem[] = [];
  const dateOnly = (l: Line) => {
    const date = findDateRange(l.text);
    return date !== null && clean(stripBullet(l.text.replace(date.text, " "))) === "";
  };
  // Dates on a line of their own over each item ("09/2021 – 03/2022" / "Deutschland Stipendium" / "Trumpf SE"):
  // the lines down to the next date are one item, its name, then who gave it.
  if (lines.length >= 2 && dateOnly(lines[0]!) && !dateOnly(lines[1]!)) {
    let previous: Line | undefined;
    for (const l of lines) {
      const text = clean(stripBullet(l.text));
      const last = items[items.length - 1];
      const before = previous;
      previous = l;
      if (dateOnly(l)) {
        items.push({ text: "", date: findDateRange(l.text)! });
        consumed.push(l);
      } else if (!last) items.push({ text });
      else if (!last.text) last.text = text;
      // (A name wrapped onto the next line: after a hyphen, or where the next word had no room.)
      else if (!last.by && !last.more && before && (/\p{L}[-‐]$/u.test(before.text.trim()) || noRoomFor(before, l))) last.text = /[-‐]$/u.test(before.text.trim()) ? `${last.text}-${text}` : joinWrapped(last.text, text);
      else if (!last.by && !last.more && wordCount(text) <= 8 && !/^[^:：]{1,30}[:：]/u.test(text)) last.by = text;
      else (last.more ??= []).push(text);
    }
    return items.filter((i) => i.text.length > 2);
  }
  for (const l of lines) {
    const date = findDateRange(l.text);
    const text = clean(stripBullet(date ? l.text.replace(date.text, " ") : l.text));
    const last = items[items.length - 1];
    // "Plateforme : Coursera", "Issued by: AWS" under an item: who issued or awarded it.
    const by = clean(stripBullet(l.text)).match(ISSUER_LABEL_RE);
    if (by && last && !last.by) {
      last.by = by[1]!.trim();
      consumed.push(l);
      continue;
    }
    if (date && last && !last.date && (text === "" || DATE_LABEL_RE.test(text))) {
      last.date = date;
      consumed.push(l);
      continue;
    }
    if (text.length > 2 && !DATE_LABEL_RE.test(text)) items.push({ text, date: date ?? undefined });
  }
  return items;
}

/**
 * An address wrapped at a column's edge: before its domain's dot ("RICHARD.HENDRIKS@PIEDPIP" / "ER.COM"), or
 * inside its top-level domain, which has at least two letters ("alba@example.o" / "rg"), or before a line of one
 * to three letters that can only be its end ("marie@example.co" / "m"). In the contact lines
 * the break comes before the domain's first dot; anywhere else, before any dot of it.
 */
const wrappedEmail = (domain: string) => new RegExp(String.raw`([\w.+-]+@${domain})\n(?=[\w.-]*\.[a-z]{2,}\b)|([\w.+-]+@[\w-]+(?:\.[\w-]+)*\.(?:[a-z]\n(?=[a-z]{1,5}\b(?![@.]))|[a-z]+\n(?=[a-z]{1,3}(?:\n|$))))`, "gi");
const WRAPPED_EMAIL_CONTACT_RE = wrappedEmail(String.raw`[\w-]+`);
const WRAPPED_EMAIL_RE = wrappedEmail(String.raw`[\w.-]+`);
const unwrapEmail = (_: string, beforeDot?: string, inDomain?: string) => beforeDot ?? inDomain?.replace("\n", "") ?? "";

/**
 * A list of sentences set all alike, without dates or bullets ("Création d'un programme de gestion des notes en
 * C." / "Développement d'un site web…"): one item per sentence, wrapped lines joined. Undefined for any other
 * layout.
 */
function sentenceItems(lines: Line[]): RawEntry[] | undefined {
  if (lines.length < 2 || lines.some((l) => l.cells.length > 1 || findDateRange(l.text) || BULLET_RE.test(l.text))) return undefined;
  if (new Set(lines.map((l) => `${Math.round(l.size * 2)}|${l.bold}`)).size > 1) return undefined;
  const items: string[] = [];
  let open = false;
  for (const l of lines) {
    const text = clean(l.text);
    if (open) items[items.length - 1] = joinWrapped(items[items.length - 1]!, text);
    else items.push(text);
    open = !/[.!?]$/.test(text);
  }
  // (Sentences, not a list of names: most items end in a full stop and run over several words.)
  if (items.length < 2 || items.filter((i) => /[.!?]$/.test(i) && wordCount(i) >= 5).length < 0.8 * items.length) return undefined;
  return [{ heads: [], body: items }];
}

/** Appends the items whose key (compared as text) the list does not have yet. */
function addUnseen<T>(list: T[], items: T[], key: (item: T) => string) {
  for (const item of items) if (!list.some((x) => comparable(key(x)) === comparable(key(item)))) list.push(item);
}

export function parseResume(pages: PageText[]): CvContent {
  const ordered = readingOrder(pages);
  // Two-digit years ("Sep 98") fall in the century of the CV's own four-digit years when they all share one.
  const years = ordered.flatMap((l) => [...l.text.matchAll(/(?<!\d)(19[5-9]\d|20\d\d)(?!\d)/g)].map((m) => Number(m[1])));
  const centuries = new Set(years.map((y) => Math.floor(y / 100)));
  const linkUrls = pages.flatMap((p) => p.links ?? []).map((l) => l.url);
  return withTwoDigitYearPivot(years.length >= 3 && centuries.size === 1 ? [...centuries][0] : undefined, () => parseLines(ordered, linkUrls));
}

function parseLines(ordered: Line[], linkUrls: string[]): CvContent {
  const kept = joinHyphenatedHeadings(dropRunningLines(ordered));
  const bodySize = bodySizeOf(kept);
  // Text set too small to read (a keyword block in 4 pt for robots) is nobody's skills: it is left out of
  // every field, and so listed with the unplaced lines for the person to see.
  const lines = kept.filter((l) => l.size >= Math.max(4.5, bodySize * 0.5));
  const subHeadings: Line[] = [];
  const blocks = splitSections(lines, bodySize, subHeadings);
  const linesOf = (key: SectionKey | "header") => blocks.filter((b) => b.key === key).flatMap((b) => b.lines);
  const header = linesOf("header");
  const allText = lines.map((l) => l.text).join("\n");
  const headerText = header.map((l) => l.text).join("\n");

  const nameLine = findName(lines);
  const name = nameLine ? titleCaseIfShouting(clean(nameLine.text)) : undefined;
  const headline = findHeadline(lines, nameLine, bodySize);
  const contactText = `${headerText}\n${linesOf("contact").map((l) => l.text).join("\n")}`;
  // Then the whole text, running headers and footers included: some CVs print their contact details only there.
  // An address wrapped at the column's edge is joined back (WRAPPED_EMAIL_RE).
  const everyLine = ordered
    .map((l) => l.text)
    .join("\n")
    .replace(WRAPPED_EMAIL_RE, unwrapEmail);
  const email = findEmail(contactText.replace(WRAPPED_EMAIL_CONTACT_RE, unwrapEmail)) ?? findEmail(everyLine);
  const phone = findPhone(withoutEmails(contactText)) ?? findPhone(withoutEmails(everyLine));
  // The personal site is in the header or the contact section; profiles may be anywhere.
  const links = { url: findLinks(contactText).url, profiles: findLinks(`${contactText}\n${allText}`).profiles };
  // Profiles whose address is only in a link ("LinkedIn" printed, the address behind it).
  for (const p of findLinks(linkUrls.join("\n")).profiles) {
    const same = links.profiles.findIndex((q) => q.network === p.network && (!q.url || !p.username || q.username?.toLowerCase() === p.username.toLowerCase()));
    if (same < 0) links.profiles.push(p);
    else links.profiles[same] = { ...p, ...links.profiles[same], url: links.profiles[same]!.url ?? p.url };
  }
  for (const p of labelledProfiles([...header, ...linesOf("contact")])) {
    if (!links.profiles.some((q) => q.network === p.network)) links.profiles.push({ network: p.network, username: p.username });
  }
  // Handles beside icons: one profile per printed handle (two icons may share one), unless a link gave it.
  const known = links.profiles.map((q) => `${q.username ?? ""} ${q.url ?? ""}`.toLowerCase());
  for (const handle of bareHandles([...header, ...linesOf("contact")])) {
    const bare = handle.replace(/^@/, "").toLowerCase();
    if (!known.some((k) => k.includes(bare))) links.profiles.push({ username: handle });
  }

  const location = findLocation([...header, ...linesOf("contact")], new Set([name ?? "", headline ?? ""]));

  const summary = linesOf("summary")
    .map((l) => l.text.replace(/\s{2,}/g, " "))
    .join(" ")
    .replace(/(\p{L})- (\p{Ll})/gu, "$1$2")
    .trim();

  const work = toWorks(segmentEntries(linesOf("work")))
    .filter((w) => w.name || w.position);
  const education = toEducations(segmentEntries(linesOf("education")))
    .filter((e) => e.institution || e.studyType);
  const projectLines = linesOf("projects");
  const projects = (sentenceItems(projectLines) ?? segmentEntries(projectLines, { keepBodyOnly: true, groups: true })).flatMap((e) =>
    e.heads.length > 0
      ? [
          {
            name: e.heads[0]!.text,
            // (With the dates printed between them, the role and the address beside the name, "Author (open
            // source)  pqcrypto.example.io  2022 – Present", are listed apart from the description below.)
            ...(e.date && e.heads.length > 1 && e.body.length > 0
              ? { description: e.body.join(" ").trim() || undefined, highlights: e.heads.slice(1).map((h) => h.text) }
              : { description: [...e.heads.slice(1).map((h) => h.text), ...e.body].join(" ").trim() || undefined }),
            keywords: e.group ? [e.group] : undefined,
            url: e.url,
            ...dateFields(e.date),
          },
        ]
      : // A list of one-line projects ("• Toolkit: what it does"): each item is one, named before its colon or dash.
        e.body.map((item) => {
          const m = item.match(/^(.{2,60}?)\s*(?::|\s[–—-])\s+(.+)$/);
          return m && wordCount(m[1]!) <= 8 ? { name: m[1]!, description: m[2] } : { name: item.slice(0, 300) };
        }),
  );
  const volunteer = toWorks(segmentEntries(linesOf("volunteer")))
    .map((w) => ({ organization: w.name, position: w.position, summary: w.summary, highlights: w.highlights, startDate: w.startDate, endDate: w.endDate, startDateText: w.startDateText, endDateText: w.endDateText }));
  const linesOutside = (keys: Block["key"][]) => blocks.filter((b) => !keys.includes(b.key)).flatMap((b) => b.lines);
  const ENTRY_SECTIONS: Block["key"][] = ["work", "education", "projects", "volunteer", "skills"];
  const outsideEntries = linesOutside(ENTRY_SECTIONS);
  const { rest: skillLines, languageLines } = languageRows(linesOf("skills"));
  const skills = [...parseSkills(skillLines), ...labelledSkills(outsideEntries)];
  addUnseen(skills, levelledSkills(linesOutside([...ENTRY_SECTIONS, "languages"])), (s) => s.name ?? "");
  const languages = parseLanguages([...linesOf("languages"), ...languageLines]);
  addUnseen(languages, europassLanguages(lines), (l) => l.language);
  // "Langues : français, anglais" among the contact details: a labelled line of languages outside their section.
  for (const line of outsideEntries) {
    const labelled = line.text.match(/^\s*([^:：]{2,30}?)\s*[:：]\s*(.+)$/u);
    if (!labelled || sectionOf(labelled[1]!) !== "languages") continue;
    addUnseen(languages, parseLanguages([{ ...line, cells: [{ ...line.cells[0]!, text: labelled[2]! }], text: labelled[2]! }]), (l) => l.language);
  }
  const certificates = datedItems(linesOf("certificates"), subHeadings).map((i) => ({ name: i.text.replace(/\s{2,}/g, " · "), date: i.date?.start.iso, dateText: i.date?.start.text, issuer: i.by }));
  const awards = datedItems(linesOf("awards"), subHeadings).map((i) => ({ title: i.text.replace(/\s{2,}/g, " "), date: i.date?.start.iso, dateText: i.date?.start.text, awarder: i.by, summary: i.more?.join(" ") }));
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
  const headings = new Set([...blocks.flatMap((b) => b.heading ?? []), ...subHeadings]);
  const unplaced = unplacedLines(ordered, content, headings);
  return unplaced.length ? { ...content, unplaced } : content;
}
