/**
 * Entries of work, education, projects and volunteering: segmenting a section into entries by its repeated
 * layout, then reading each entry's header (title, organisation, dates, place).
 */
import type { CvEducation, CvWork } from "../../../shared/cv";
import { type DateRange, findDateRange, isPresentWord } from "./dates";
import { type Line, noRoomFor } from "./layout";
import { acronymOrDomain, BULLET_RE, clean, DEGREE_RE, endsWithTitleWord, INSTITUTION_RE, isCountry, isRegionCode, joinWrapped, LEGAL_FORM_RE, LOCATION_RE, looksLikePlace, MARK_RE, ORG_WORDS, orgCue, stripBullet, TITLE_WORDS, URL_ONLY_RE, wordCount } from "./lexicon";

export interface Head {
  text: string;
  bold: boolean;
  order: number;
  /** The right edge of its cell, when the cell was not the first of its line (a column set on the right). */
  trailingX2?: number;
  /** Which of the entry's header lines gave it (from 1), and the dash or bullet that parted it from the head before, there. */
  line?: number;
  sep?: string;
}

export type EntryField = "title" | "org" | "degree" | "area" | "dates" | "description" | "location";

export interface RawEntry {
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
  /** The right edge of the cell that gave the date. */
  dateX2?: number;
  /** Left edge of the line that opened an entry nested in the one above (a degree under its school). */
  nestedX?: number;
  /** Where among the heads the location's cell stood (for a section whose other entries have a name there). */
  locationAt?: number;
  /** The label of the group it is listed under ("Security" over its projects). */
  group?: string;
  /** How many header lines gave it heads. */
  headLines?: number;
  /** "Zenika Lyon (FR)": the name a town was cut from, to go back for a school named after its town. */
  townAfter?: { name: string; town: string; country: string };
}

export const DURATION_RE = /^\d+\s*(?:years?|yrs?|months?|mos?|ans?|mois|años|meses|jahre|monate)(?:\s+\d+\s*(?:months?|mos?|mois|meses|monate))?$/i;

/** A date or a place set apart on the right of a line: the mark of an entry's header. */
export const hasSideCell = (line: Line) => {
  if (line.cells.length < 2) return false;
  const last = clean(line.cells[line.cells.length - 1]!.text);
  return findDateRange(last) !== null || LOCATION_RE.test(last);
};

/**
 * A highlight bullet. A short bulleted line that keeps a separate date or place cell on its right is an
 * entry header instead ("• Google      Mountain View, CA").
 */
export const isBullet = (line: Line, entry: RawEntry | null) => {
  if (!BULLET_RE.test(line.text) || /^\s*[-–—]\s*\d/.test(line.text)) return false;
  // Right under a header still waiting for its date, a bullet is the first highlight, its date beside it.
  if (entry && entry.heads.length > 0 && entry.body.length === 0 && !entry.date) return true;
  const sideCell = hasSideCell(line) && !BULLET_RE.test(line.cells[line.cells.length - 1]!.text);
  const mainWords = wordCount(line.cells.slice(0, -1).map((c) => stripBullet(c.text)).join(" "));
  return !sideCell || mainWords > 8;
};

/** Right-hand cells of a body line that hold the entry's date (or a duration): taken out of the text. */
export function takeSideDate(entry: RawEntry, line: Line): Line {
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

/** Words that cannot end a header line: the line was wrapped and goes on below. */
const CONTINUES_RE = /(?:^|\s)(?:and|of|for|the|to|in|at|on|with|&|de|des|du|d’|d'|et|en|la|le|les|pour|und|für|der|die|das|im|von|y|e|del|el|los|las|para|di|da|per)$|-(?:und|oder|and|or|et|ou|y|o|e)$|[,–—-]$/iu;

/**
 * Header lines wrapped at the column's edge are one line again: a line that ends in a word that cannot end
 * it ("… Infrastructure and" / "Reliability, Acme"), or a bold line that fills the column and goes on in the
 * same style ("Principal Engineer – Norvale" / "Logistique").
 */
function joinWrappedHeads(lines: Line[]): Line[] {
  const right = Math.max(...lines.map((l) => l.x2));
  const left = Math.min(...lines.map((l) => l.x));
  const out: Line[] = [];
  for (let i = 0; i < lines.length; i++) {
    let line = lines[i]!;
    while (i + 1 < lines.length) {
      const next = lines[i + 1]!;
      const text = line.text.trim();
      const near = next.page === line.page && next.column === line.column && Math.abs(next.x - line.x) < 3 && next.gapAbove < 0.6 && Math.abs(next.size - line.size) < 0.6;
      // A header cell wrapped beside its date cell ("Engineer, Elmbridge ‖ 06/2023 – today" / "Logistics"): the
      // wrapped words join the first cell.
      // (Only when the first cell fills its room up to the date, or ends in a word that cannot end it: a short
      // title over its employer is two lines.)
      const dated =
        line.cells.length === 2 &&
        dateOnly({ ...line, cells: [line.cells[1]!], text: line.cells[1]!.text }) &&
        !findDateRange(line.cells[0]!.text) &&
        (line.cells[1]!.x - line.cells[0]!.x2 <= 4 * line.size || CONTINUES_RE.test(line.cells[0]!.text.trim()));
      if (near && dated && next.cells.length === 1 && line.bold && next.bold && wordCount(next.text) <= 4 && !findDateRange(next.text) && !BULLET_RE.test(next.text)) {
        const first = line.cells[0]!;
        const joinedCell = { ...first, text: joinWrapped(first.text.trim(), next.text.trim()) };
        const cells = [joinedCell, line.cells[1]!];
        line = { ...line, cells, text: cells.map((c) => c.text).join("  ") };
        i++;
        continue;
      }
      // Dates in a left rail, the header beside them wrapped at the column's edge ("07/2019 – 07/2021 ‖ Acme |
      // Senior Manager, Global Supply Chain" / "Planning and Logistics"): the wrapped words join the header cell.
      const head = line.cells[1];
      const railed =
        head !== undefined &&
        line.cells.length === 2 &&
        dateOnly({ ...line, cells: [line.cells[0]!], text: line.cells[0]!.text }) &&
        next.page === line.page &&
        next.column === line.column &&
        Math.abs(next.x - head.x) < 3 &&
        next.gapAbove < 0.6 &&
        Math.abs(next.size - head.size) < 0.6 &&
        head.x2 >= left + 0.85 * (right - left);
      if (railed && next.cells.length === 1 && line.bold && next.bold && wordCount(next.text) <= 6 && !findDateRange(next.text) && !BULLET_RE.test(next.text)) {
        const cells = [line.cells[0]!, { ...head, text: joinWrapped(head.text.trim(), next.text.trim()), x2: Math.max(head.x2, next.x2) }];
        line = { ...line, cells, text: cells.map((c) => c.text).join("  "), x2: Math.max(line.x2, next.x2) };
        i++;
        continue;
      }
      // A header wrapped before its separator ("Ingeniera principal de infraestructura" / "– Ferrowind  oct 2015 –
      // may 2018"): the line below, in the same style, starts with the dash that splits it.
      if (near && line.cells.length === 1 && line.cells[0]!.bold === next.cells[0]!.bold && /^[–—|-]\s+\S/u.test(next.cells[0]!.text.trim()) && !findDateRange(text) && !BULLET_RE.test(text)) {
        const first = { ...line.cells[0]!, text: `${text} ${next.cells[0]!.text.trim()}`, x2: Math.max(line.cells[0]!.x2, next.cells[0]!.x2) };
        const cells = [first, ...next.cells.slice(1)];
        line = { ...line, cells, text: cells.map((c) => c.text).join("  "), x2: Math.max(line.x2, next.x2) };
        i++;
        continue;
      }
      if (!near || line.cells.length > 1 || next.cells.length > 1 || BULLET_RE.test(text) || BULLET_RE.test(next.text) || findDateRange(text) || findDateRange(next.text)) break;
      // (A short lower-case end, "Licence professionnelle Métiers du" / "numérique", continues it too.)
      const connector = CONTINUES_RE.test(text) && wordCount(text) >= 2 && (line.bold || wordCount(text) <= 14) && (/^[\p{Lu}\d]/u.test(next.text.trim()) || (/^\p{Ll}/u.test(next.text.trim()) && wordCount(next.text) <= 3));
      const filled = line.bold && next.bold && line.x2 >= left + 0.85 * (right - left) && wordCount(next.text) <= 6;
      // (Set in any weight, a short line whose first word would not have fit after a line that reaches the
      // column's edge was wrapped there: "Hochschule für angewandte Wissenschaft" / "Albstadt-Sigmaringen".)
      const noRoom =
        line.bold === next.bold && noRoomFor(line, next, line.columnX2 ?? right) && wordCount(next.text) <= 3 && wordCount(text) >= 2 && !/[.;:!?]$/.test(text) && /^[\p{Lu}\d]/u.test(next.text.trim()) &&
        // (and names nothing of its own: "Sprachzentrum" under a certificate is the school)
        !orgCue(next.text) && !TITLE_WORDS.test(next.text) && !DEGREE_RE.test(next.text);
      if (!connector && !filled && !noRoom) break;
      const joined = joinWrapped(text, next.text.trim());
      line = { ...line, text: joined, cells: [{ ...line.cells[0]!, text: joined, x2: Math.max(line.x2, next.x2) }], x2: Math.max(line.x2, next.x2) };
      i++;
    }
    out.push(line);
  }
  return out;
}

/** A line that gives only an entry's dates (perhaps with a duration or a place): the line above heads the entry. */
function dateOnly(line: Line): boolean {
  const date = findDateRange(line.text);
  if (!date) return false;
  const rest = clean(line.cells.map((c) => c.text).filter((t) => !DURATION_RE.test(clean(t))).join(" ").replace(date.text, " "));
  return rest === "" || LOCATION_RE.test(rest) || looksLikePlace(rest);
}

/** "diciembre ‖ 2020 – ‖ Jefe de proyecto": a rail date that justified spacing broke into cells is one cell. */
function leadingDateCell(line: Line): Line {
  const k = line.cells.findIndex((c) => /[–—-]$/.test(c.text.trim()));
  if (k < 1 || line.cells.slice(0, k + 1).some((c) => wordCount(c.text) > 2)) return line;
  const parts = line.cells.slice(0, k + 1);
  const text = parts.map((c) => c.text.trim()).join(" ");
  if (!findDateRange(text.replace(/\s*[–—-]$/, ""))) return line;
  const cells = [{ ...parts[0]!, text, x2: parts[k]!.x2 }, ...line.cells.slice(k + 1)];
  return { ...line, cells, text: cells.map((c) => c.text).join("  ") };
}

/**
 * A date range wrapped in a narrow left column ("mars 2025 –" over "aujourd’hui") or past a tab stop on the
 * right is one date again: the cell that ends inside the range takes the date that starts the line below.
 */
function joinWrappedDates(lines: Line[]): Line[] {
  const out: Line[] = [];
  for (let i = 0; i < lines.length; i++) {
    const line = leadingDateCell(lines[i]!);
    const next = lines[i + 1];
    const below = next?.cells[0];
    // (A rail row can come out as one line across the page, and the wrapped rest as a line of the left column.)
    const column = next !== undefined && below !== undefined && (next.column === line.column || (line.column === "full" && next.column === "left" && Math.abs(below.x - line.cells[0]!.x) < 3));
    const close = column && next!.page === line.page && next!.gapAbove < 0.8;
    // In a left rail: the first cell ends in a dash, the rest of the date starts the line below at the same x.
    const head = line.cells[0]!;
    const underHead = close && Math.abs(below!.x - head.x) < 3;
    // ("Juin 17 - Au-" over "jourd’hui": a word hyphenated at the rail's edge joins without its hyphen.)
    const hyphenated = underHead && /^\p{Ll}/u.test(below!.text.trim()) ? head.text.trim().match(/\d{2}\s*[–—-]\s*(\p{L}+)-$/u) : null;
    // ("ago. 2022 – jun." over "2023": the end's month on the line, its year below.)
    const month = underHead && /^\d{4}$/.test(below!.text.trim()) ? head.text.trim().match(/\d{2}\s*[–—-]\s*(\p{L}{3,10}\.?)$/u) : null;
    // ("ene. 2017 – mar. Ingeniero de calidad" over "2018  Zephyrine Digital": a rail's end month and the title
    // beside it in one cell, the end's year below.)
    const inside = underHead && /^\d{4}$/.test(below!.text.trim()) ? head.text.trim().match(/^(.*\d{2}\s*[–—-]\s*\p{L}{3,10}\.?)\s+(\p{Lu}.*)$/u) : null;
    if (inside && !month) {
      const date = findDateRange(`${inside[1]} ${below!.text.trim()}`);
      if (date && date.end && date.index === 0) {
        const width = head.x2 - head.x;
        const titleX = head.x + (width * (inside[1]!.length + 1)) / head.text.trim().length;
        const cells = [{ ...head, text: `${inside[1]} ${below!.text.trim()}`, x2: titleX - 2 }, { ...head, text: inside[2]!, x: titleX }, ...line.cells.slice(1)];
        out.push({ ...line, cells, text: cells.map((c) => c.text).join("  ") });
        const rest = next!.cells.slice(1);
        if (rest.length) out.push({ ...next!, cells: rest, text: rest.map((c) => c.text).join("  "), x: rest[0]!.x });
        i++;
        continue;
      }
    }
    const railDate = hyphenated !== null || month !== null || (underHead && /\d{2}\s*[–—-]$/.test(head.text.trim()));
    // At a tab stop on the right: the line ends inside a date range ("… Okt. 2022 –" / "Feb. 2025", "… Aug. 2019" / "– Dez. 2020").
    const tail = line.cells[line.cells.length - 1]!;
    // ("… Jan 2026 – May" / "2026": the end's month on the line, its year wrapped to the start of the next.)
    const tailMonth = close && !railDate && /^\d{4}$/.test(below!.text.trim()) && next!.cells.length === 1 && line.cells.length > 1 ? tail.text.trim().match(/\d{2}\s*[–—-]\s*(\p{L}{3,10}\.?)$/u) : null;
    const tabDate = close && !railDate && (tailMonth !== null || /\d{2}\s*[–—-]$/.test(tail.text.trim()) || (/^[–—-]\s*\S/.test(below!.text.trim()) && /\d{4}$/.test(tail.text.trim())));
    // A range printed as two dates one over the other ("2014" / "2016"): one line each, set alike, nothing else.
    if (underHead && line.cells.length === 1 && next!.cells.length === 1 && Math.abs(next!.size - line.size) < 0.3 && line.bold === next!.bold) {
      const [a, b] = [clean(head.text), clean(below!.text)];
      const first = findDateRange(a);
      const second = findDateRange(b);
      const alone = (d: ReturnType<typeof findDateRange>, t: string) => d !== null && !d.end && !d.current && d.text.length >= t.length - 1;
      if (alone(first, a) && (alone(second, b) || (second !== null && second.current && second.text.length >= b.length - 1)) && (second!.current || (second!.start.iso ?? "") >= (first!.start.iso ?? ""))) {
        const joined = `${a} – ${b}`;
        out.push({ ...line, cells: [{ ...head, text: joined, x2: Math.max(head.x2, below!.x2) }], text: joined });
        i++;
        continue;
      }
    }
    if (railDate || tabDate) {
      const cell = railDate ? head : tail;
      const joined = hyphenated ? `${cell.text.trim().slice(0, -1)}${below!.text.trim()}` : `${cell.text.trim()} ${below!.text.trim()}`;
      const date = findDateRange(joined);
      // What the line below completes: its text, or the whole hyphenated word.
      const endPart = hyphenated ? `${hyphenated[1]}${below!.text.trim()}` : month ? `${month[1]} ${below!.text.trim()}` : tailMonth ? `${tailMonth[1]} ${below!.text.trim()}` : below!.text;
      const covers = date !== null && (date.end !== undefined || date.current) && date.index + date.text.length >= joined.length - 1 && (date.current ? isPresentWord(endPart) : date.endText !== undefined && endPart.trim().endsWith(date.endText.trim())) && (railDate || date.index < cell.text.trim().length);
      if (covers) {
        const merged = { ...cell, text: joined, x2: Math.max(cell.x2, below!.x2) };
        const cells = railDate ? [merged, ...line.cells.slice(1)] : [...line.cells.slice(0, -1), merged];
        out.push({ ...line, cells, text: cells.map((c) => c.text).join("  ") });
        const rest = next!.cells.slice(1);
        if (rest.length) out.push({ ...next!, cells: rest, text: rest.map((c) => c.text).join("  "), x: rest[0]!.x });
        i++;
        continue;
      }
    }
    out.push(line);
  }
  return out;
}

/**
 * Group labels ("🔑 Security" over its projects): a short undated line set left of the column where the
 * section's dated header lines start, right over one of them.
 */
function groupLabels(lines: Line[]): Set<Line> {
  const dated = lines.filter((l) => findDateRange(l.text) !== null && !BULLET_RE.test(l.text));
  const labels = new Set<Line>();
  for (const [i, line] of lines.entries()) {
    const next = lines[i + 1];
    const text = clean(line.text);
    if (!next || line.cells.length > 1 || findDateRange(text) || BULLET_RE.test(line.text) || wordCount(text) > 4 || /[.;:,]$/.test(text) || !/\p{L}{2}/u.test(text)) continue;
    if (!findDateRange(next.text) || next.page !== line.page || next.column !== line.column || next.x < line.x + 0.8 * line.size) continue;
    // (The dated line's column is the section's: at least two other dated lines start there.)
    if (dated.filter((d) => d !== next && Math.abs(d.x - next.x) < 3).length < 2) continue;
    labels.add(line);
  }
  return labels;
}

/**
 * Dates in a rail read as a column of their own ("2023-03 – 2026-02" … then "Ingeniera de software, Calloway"
 * …): each date goes back beside the line it is printed level with, as the first cell of that line. A date
 * wrapped onto a second rail line ("septembre 2018 –" / "juin 2020") is joined first.
 */
function railDatesBeside(lines: Line[]): Line[] {
  const rail = joinWrappedDates(lines.filter((l) => l.column === "left"));
  const dates = rail.filter((l) => dateOnly(l) && !BULLET_RE.test(l.text));
  if (dates.length < 2 || !lines.some((l) => l.column === "right")) return lines;
  const beside = new Map<Line, Line>();
  for (const d of dates) {
    const level = lines.find((l) => l.column === "right" && l.page === d.page && Math.abs(l.y - d.y) < 0.5 * l.size && !beside.has(l));
    if (level) beside.set(level, d);
  }
  if (beside.size < 2) return lines;
  const used = new Set([...beside.values()]);
  const wrappedParts = new Set(lines.filter((l) => l.column === "left" && !rail.includes(l)));
  return lines.flatMap((l) => {
    if (used.has(l) || (wrappedParts.has(l) && [...used].some((d) => d.page === l.page && l.y >= d.y - 1 && l.y - d.y < 2.5 * l.size && Math.abs(l.x - d.x) < 3))) return [];
    const d = beside.get(l);
    if (!d) return [l];
    const cells = [...d.cells, ...l.cells];
    return [{ ...l, cells, text: cells.map((c) => c.text).join("  "), x: d.x, column: "full" as const }];
  });
}

export function segmentEntries(input: Line[], options: { keepBodyOnly?: boolean; groups?: boolean } = {}): RawEntry[] {
  const joined = input.length ? joinWrappedHeads(joinWrappedDates(railDatesBeside(input))) : input;
  const labels = options.groups ? groupLabels(joined) : new Set<Line>();
  const lines = joined.filter((l) => !labels.has(l));
  const groupOf = new Map<Line, string>();
  let group: string | undefined;
  for (const l of joined) {
    if (labels.has(l)) group = clean(l.text).replace(/^[^\p{L}\p{N}]+/u, "");
    else if (group) groupOf.set(l, group);
  }
  const entries: RawEntry[] = [];
  let cur: RawEntry | null = null;
  let lastWasBody = false;
  let startStyle: { size: number; bold: boolean } | undefined;
  /** The last header line read, for wrapped header lines. */
  let lastLine: Line | undefined;
  let reading: Line | undefined;
  const start = () => {
    const group = reading && groupOf.get(reading);
    cur = { heads: [], body: [], ...(group ? { group } : {}) };
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
  let previous: Line | undefined;
  // Entries that put their dates on a line of their own under the header: how many do, and so whether
  // "the next line gives only dates" marks a header here.
  const dateLines = lines.filter(dateOnly).length;
  /** Whether an entry put its place between its name and its dates-only line. */
  let placeOverDates = false;
  for (const [index, line] of lines.entries()) {
    const text = line.text.trim();
    if (!text) continue;
    reading = line;
    const next = lines[index + 1];
    const headsDateLine = dateLines >= 2 && next !== undefined && dateOnly(next) && !findDateRange(text) && !BULLET_RE.test(text) && wordCount(text) <= 16 && !/[.;:]$/.test(text);
    const before = previous;
    previous = line;
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
    // A line (often a bullet, often indented) with a date range of its own in a cell on the right, in an entry
    // already dated, is the next entry ("• M.S.   2010 – 2012" under "• M.B.A.   2012 – 2013"), not description.
    const side = line.cells.length > 1 ? clean(line.cells[line.cells.length - 1]!.text) : "";
    const sideDate = side ? findDateRange(side) : null;
    if (entry.date && entry.heads.length > 0 && sideDate && sideDate.text.length >= side.length - 2 && (sideDate.end || sideDate.current) && wordCount(stripBullet(line.cells[0]!.text)) <= 12) {
      const stripped = line.cells.map((c) => ({ ...c, text: stripBullet(c.text) })).filter((c) => c.text);
      const next = start();
      addHeaderLine(next, { ...line, cells: stripped, text: stripped.map((c) => c.text).join("  ") }, sideDate);
      next.headX = entry.headX;
      next.nestedX = line.x;
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
      // (A line that opens with a date, "settembre 2000 - febbraio 2002  Attestato …", or starts left of the
      // description, opens something else, whatever the case of its first letter.)
      !(date && date.index === 0) &&
      (entry.bodyX === undefined || line.x >= entry.bodyX - 0.8 * line.size) &&
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
    // A postal address under an entry's header is where it was, not another entry.
    if (!date && entry.heads.length > 0 && ADDRESS_RE.test(text) && /\d/.test(text) && wordCount(text) <= 10) {
      entry.location ??= clean(text.replace(/\s{2,}/g, " "));
      lastLine = line;
      continue;
    }
    // A header line wrapped onto the next ("Technische Fachschule für Elektronik" / "und Informatik"): a short
    // lower-case start right under a header line, set the same way, continues it.
    const lastHead = entry.heads[entry.heads.length - 1];
    if (!lastWasBody && lastHead && entry.body.length === 0 && !date && line.cells.length === 1 && /^\p{Ll}/u.test(text) && wordCount(text) <= 6 && line.gapAbove < 0.6 && lastLine && before === lastLine && clean(lastLine.text).endsWith(lastHead.text) && Math.abs(lastLine.x - line.x) < 3 && lastLine.cells.length === 1 && lastLine.page === line.page && lastLine.column === line.column && line.y > lastLine.y && line.y - lastLine.y < 2 * line.size && Math.abs(lastLine.size - line.size) < 0.3 && lastLine.bold === line.bold) {
      lastHead.text = joinWrapped(lastHead.text, clean(text));
      lastLine = line;
      continue;
    }
    // A job title or a degree wrapped onto a line of its own in the same style ("Lead Engineer for Distributed
    // Payment" / "Infrastructure and Reliability"), in an entry already named and dated: words that name neither
    // a job nor an organisation, right under it, continue it.
    if (!lastWasBody && lastHead && entry.body.length === 0 && entry.date && entry.heads.length >= 2 && !date && line.cells.length === 1 && lastLine && before === lastLine && lastLine.cells.length === 1 && clean(lastLine.text).endsWith(lastHead.text) && (TITLE_WORDS.test(lastHead.text) || DEGREE_RE.test(lastHead.text)) && !TITLE_WORDS.test(text) && !DEGREE_RE.test(text) && !orgCue(text) && (!looksLikePlace(clean(text)) || /\b(?:in|of|en|de|der|di|em)\s+\p{Lu}[\p{L} ]*$/u.test(lastHead.text)) && wordCount(text) <= 6 && line.gapAbove < 0.6 && Math.abs(lastLine.x - line.x) < 3 && Math.abs(lastLine.size - line.size) < 0.3 && lastLine.bold === line.bold && lastLine.page === line.page && lastLine.column === line.column && line.x2 <= lastLine.x2 + 2) {
      lastHead.text = joinWrapped(lastHead.text, clean(text));
      lastLine = line;
      continue;
    }
    const longest = Math.max(...line.cells.map((c) => wordCount(c.text)));
    // (A short sentence ends in a lower-case word and a full stop, "Weekly reports automated."; a name's full
    // stop follows an abbreviation, "Acme Co.", "Ltd.".)
    const sentenceEnd = wordCount(text) >= 3 && /\s\p{Ll}{4,}\.$/u.test(text);
    const prose = !line.bold && !hasSideCell(line) && (longest > 10 || (/[.;,]$/.test(text) && longest > 6) || /\p{L}-$/u.test(text) || (entryComplete(entry) && longest >= 7) || (sentenceEnd && entry.heads.length > 0));
    // (A grade under a degree, "Grade: First Class", "GPA: 3.8", "Note : 16/20", describes the entry.)
    // (Or a grade without its colon, "Note 1,7", "GPA 3.8/4", and the honours a degree is awarded with.)
    const grade = GRADE_LINE_RE.test(text) || HONOURS_RE.test(text);
    if (!date && (prose || grade || /[:：]$/.test(text))) {
      entry.body.push(text.replace(/\s{2,}/g, " "));
      entry.bodyX = line.x;
      lastWasBody = true;
      continue;
    }
    // A header line starts a new entry after a body, at a second date, or once the entry is complete.
    // A line that only gives the place belongs to the entry above while it has none.
    // So does a short place-like line between an entry's name and its dates-only line ("Acme" / "Madrid" / "2021 – 2022").
    const placeOnly =
      !date &&
      line.cells.length === 1 &&
      !entry.location &&
      entry.body.length === 0 &&
      ((LOCATION_RE.test(clean(text)) && wordCount(text) <= 5 && !orgCue(text) && !TITLE_WORDS.test(text) && !DEGREE_RE.test(text)) ||
        // (only once the entry is named by an organisation: after a job title, "Google" is the employer)
        // (being self-employed names the employer too; and once an entry of the section showed this layout, the
        // others follow it: the section repeats one layout)
        (headsDateLine && (placeOverDates || entry.heads.some((h) => orgCue(h.text) || SELF_EMPLOYED_RE.test(h.text))) && !entry.heads.some((h) => TITLE_WORDS.test(h.text)) && !entry.date && wordCount(text) <= 3 && looksLikePlace(clean(text))) ||
        // (or right under the dates of an entry already named twice: "Brackwater GmbH" / "May 2022 – Jan 2023" / "Zürich")
        (entry.date !== undefined && entry.heads.length >= 2 && before !== undefined && entry.date.text !== "" && before.text.includes(entry.date.text) && wordCount(text) <= 3 && looksLikePlace(clean(text))));
    // The entry's date on a line of its own, perhaps beside a place ("Remote   2023 Mar. – 2024 Jul."), completes it.
    const rest = date ? clean(text.replace(date.text, " ").replace(/\s{2,}/g, " ")) : "";
    const dateOfEntry = date !== null && !entry.date && entry.heads.length > 0 && entry.body.length === 0 && (!rest || looksLikePlace(rest) || LOCATION_RE.test(rest));
    if (placeOnly && headsDateLine && entry.heads.length > 0) placeOverDates = true;
    if (placeOnly && !LOCATION_RE.test(clean(text))) {
      entry.location = clean(text);
      lastLine = line;
      continue;
    }
    // (A line set left of a nested entry, "Harlow College" after "  • M.S.   2010 – 2012", goes back up a level.)
    const outdented = entry.nestedX !== undefined && line.x < entry.nestedX - 2;
    // (A line that names a whole entry by itself, "Abitur at Kingsreach-Gymnasium" under "Bachelor of Science at
    // Hochschule Dresden", starts the next one in a section without dates.)
    const namesWhole = entry.heads.length >= 2 && !date && line.cells.length === 1 && /\S\s+(?:at|@|chez|bei|presso)\s+\S/u.test(text) && wordCount(text) <= 12 && !/[.;:]$/.test(text);
    const wantsNew = !placeOnly && !dateOfEntry && (entry.body.length > 0 || (date && entry.date) || entryComplete(entry) || outdented || namesWhole);
    // Entries repeat one layout: a line set lighter or smaller than the section's first entry line, with no
    // date, cannot start an entry; once the entry is complete it is description (an address, a note).
    if (wantsNew && startStyle && !date && !canStartEntry(line, startStyle) && !headsDateLine && !namesWhole) {
      entry.body.push(text.replace(/\s{2,}/g, " "));
      entry.bodyX ??= line.x;
      lastWasBody = true;
      continue;
    }
    // A lone glyph (an icon font's "E" beside a heading) names nothing and sets no entry's left edge.
    if (!date && !/\p{L}{2}|\p{Script=Han}|(?:\p{L}\.){2,}/u.test(text)) continue;
    const target: RawEntry = wantsNew ? start() : entry;
    addHeaderLine(target, { ...line, cells: line.cells.map((c) => ({ ...c, text: stripBullet(c.text) })).filter((c) => c.text) }, date);
    // Measured after a leading bullet glyph (the lines under "• Google" align with "Google"), and after a
    // date set in a left column (the lines under "2019 – 2022  Analyst" align with "Analyst").
    const firstText = line.cells.find((c) => !date || clean(c.text.replace(date.text, " ")) !== "");
    // (The style of the text that names the entry, not of a date set smaller beside it.)
    startStyle ??= { size: (firstText ?? line.cells[0]!).size, bold: (firstText ?? line.cells[0]!).bold || line.bold };
    let x = firstText && firstText !== line.cells[0] ? firstText.x : line.x;
    // "[ 10/2024 – Atual ] Assistant" in one cell: the text after a leading date starts about where its
    // characters put it.
    const lead = line.cells[0]!;
    const at = date ? lead.text.indexOf(date.text) : -1;
    if (firstText === lead && date && at >= 0 && at <= 2) {
      const after = lead.text.slice(at + date.text.length).search(/[\p{L}\d]/u);
      if (after >= 0) x = lead.x + ((at + date.text.length + after) / lead.text.length) * (lead.x2 - lead.x);
    }
    target.headX ??= BULLET_RE.test(line.text) || MARK_RE.test(line.text) ? x + 1.2 * line.size : x;
    lastWasBody = false;
    lastLine = line;
  }
  for (const entry of entries) placeAboveDates(entry);
  return entries.filter((e) => e.heads.length > 0 || e.date || (options.keepBodyOnly && e.body.length > 0));
}

/**
 * "IBM            Brasil" over "Application Developer   2022 – Presente": in a right-hand column shared with
 * the dates, a cell that reads as a place is the entry's location (with two heads left to name it).
 */
function placeAboveDates(entry: RawEntry) {
  if (entry.location || entry.dateX2 === undefined || entry.heads.length < 3) return;
  const at = entry.heads.findIndex((h) => h.trailingX2 !== undefined && Math.abs(h.trailingX2 - entry.dateX2!) < 3 && looksLikePlace(h.text));
  if (at <= 0) return;
  entry.location = entry.heads[at]!.text;
  entry.heads.splice(at, 1);
}

const GRADE_LINE_RE = /^(?:GPA|CGPA|grade|note|moyenne|mention|nota|notendurchschnitt|abschlussnote|calificación|media|voto|classificação)\s*(?:[:：]|\d+(?:[.,]\d+)?(?:\s*\/\s*\d+(?:[.,]\d+)?)?$)/iu;

/** The honours a degree is awarded with, alone on a line, in the languages the parser reads. */
const HONOURS_RE =
  /^(?:(?:first|second|third|upper second|lower second)[- ]class(?: honou?rs)?(?: \(\d:\d\))?|(?:summa |magna )?cum laude|with (?:high |highest )?(?:distinction|honou?rs|merit)|distinction|merit|mention (?:très bien|bien|assez bien|passable)|matrícula de honor|sobresaliente|notable|con lode|110(?:\/110)?(?: e lode)?|mit auszeichnung|sehr gut|gut)$/iu;

/** Labels of label/value entry layouts (Europass, tables), in the languages the parser reads. */
export const FIELD_LABELS: [EntryField, string[]][] = [
  ["title", ["position", "job title", "title", "role", "position held", "occupation or position held", "poste", "fonction", "intitulé du poste", "cargo", "puesto", "função", "posição", "ruolo", "posizione", "lavoro o posizione ricoperti", "stelle", "funktion", "rolle", "tätigkeit"]],
  ["org", ["employer", "company", "organisation", "organization", "employer's name", "name of employer", "name and address of employer", "employeur", "entreprise", "société", "empresa", "empleador", "entidad", "arbeitgeber", "unternehmen", "firma", "datore di lavoro", "nome e indirizzo del datore di lavoro", "azienda", "institution", "university", "school", "name and type of organisation", "établissement", "école", "université", "institución", "universidad", "instituição", "universidade", "escola", "istituto", "università", "hochschule", "universität", "schule"]],
  ["degree", ["degree", "degree title", "qualification", "title of qualification awarded", "diploma", "diplôme", "titre", "título", "titulación", "grau", "titolo", "titolo di studio", "qualifica conseguita", "abschluss"]],
  ["area", ["study field", "field of study", "field", "major", "domaine", "spécialité", "especialidad", "área", "campo", "fachrichtung", "studiengang"]],
  ["dates", ["dates", "date", "period", "période", "periodo", "período", "zeitraum", "duration", "durée"]],
  ["description", ["description", "descriptif", "descripción", "descrição", "descrizione", "beschreibung", "tasks", "responsibilities", "main activities and responsibilities", "missions", "tâches", "aufgaben", "tareas", "attività"]],
  ["location", ["location", "place", "city", "lieu", "ville", "ubicación", "lugar", "localização", "cidade", "luogo", "città", "ort", "standort"]],
];

export const FIELD_LABEL_NAMES = FIELD_LABELS.flatMap(([, names]) => names)
  .sort((a, b) => b.length - a.length)
  .map((n) => n.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"));

export const FIELD_LABEL_RE = new RegExp(String.raw`^(${FIELD_LABEL_NAMES.join("|")})\s*(?:[:：]\s*|\s)(.+)$`, "iu");

export const FIELD_OF = new Map(FIELD_LABELS.flatMap(([field, names]) => names.map((n) => [n, field] as const)));

const NAME_OPENERS = new Set(["university", "école", "université", "universidad", "universidade", "escola", "istituto", "università", "hochschule", "universität", "schule", "empresa", "entreprise", "société", "firma", "azienda", "unternehmen", "diploma", "diplôme", "titre", "título"]);

/** A line "Label  value" of a label/value layout (glyph cells before the label ignored). */
export function fieldOf(line: Line): { field: EntryField; value: string; x: number } | null {
  const cells = line.cells.filter((c, i) => !(i === 0 && c.text.trim().length <= 1 && line.cells.length > 1));
  const text = cells.map((c) => c.text).join("  ");
  const m = text.match(FIELD_LABEL_RE);
  if (!m) return null;
  const label = m[1]!.toLowerCase();
  const field = FIELD_OF.get(label);
  // Words that open the names of schools and firms ("École Polytechnique", "Universidad de Sevilla", "Diplôme
  // d'ingénieur") are labels only when set apart: followed by a colon, or alone in their cell.
  const apart = /^\s*[:：]/.test(text.slice(m[1]!.length)) || clean(cells[0]!.text).toLowerCase() === label;
  if (NAME_OPENERS.has(label) && !apart) return null;
  return field ? { field, value: m[2]!.trim(), x: cells.length > 1 ? cells[1]!.x : cells[0]!.x } : null;
}

/** Street words of postal addresses in the languages the parser reads. */
const ADDRESS_RE =
  /^(?:\d+[a-z]?,?\s+)?(?:via|viale|piazza|corso|rue|avenue|av\.|boulevard|bd|chemin|allée|calle|avenida|plaza|paseo|rua|travessa|largo|praça|straße|strasse|str\.|weg|platz|allee|gasse|street|st\.|road|rd\.|lane|drive|way)\b/i;

/** Whether a line is set at least as large and as heavy as the line that started the section's first entry. */
export const canStartEntry = (line: Line, style: { size: number; bold: boolean }) =>
  line.cells[0]!.size >= style.size - 0.3 && (line.bold || line.cells[0]!.bold || !style.bold);

export const entryComplete = (e: RawEntry) => e.heads.length >= 3 || (e.date !== undefined && e.heads.length >= 2);

export function addHeaderLine(entry: RawEntry, line: Line, date: DateRange | null) {
  // Cells that hold neither the date nor a place: with two of them ("Staff Engineer, Messaging Team ‖ Drift"),
  // the cell boundary separates title and organisation, and a comma inside a cell does not.
  const named = line.cells.filter((c) => {
    const t = clean(date ? c.text.replace(date.text, " ") : c.text);
    // ("Staff Engineer, Messaging Team" has the shape of "Town, Region" but names a job.)
    const place = LOCATION_RE.test(t) && !TITLE_WORDS.test(t) && !orgCue(t);
    return t !== "" && !findDateRange(t) && !place && !/\([\p{Lu}][\p{L} ]+\)$/u.test(t);
  });
  const lineNo = (entry.headLines ?? 0) + 1;
  let added = false;
  for (const [cellIndex, cell] of line.cells.entries()) {
    let text = cell.text;
    // "2 years 4 months" beside the dates: a duration, worked out from them.
    if (DURATION_RE.test(clean(text))) continue;
    const cellDate = date && text.includes(date.text) ? date : findDateRange(text);
    if (cellDate && !entry.date) {
      entry.date = cellDate;
      entry.dateX2 = cell.x2;
      text = text.replace(cellDate.text, " ");
    } else if (cellDate && entry.date && cellDate.text === entry.date.text) {
      text = text.replace(cellDate.text, " ");
    }
    // (Empty brackets, and the separator a template printed before a missing field: ", DUT Génie, École Harlow".)
    text = clean(text.replace(/[([]\s*[-–—]?\s*[)\]]/g, "").replace(/^\s*[,;·|]\s+/u, ""));
    if (!text) continue;
    if (URL_ONLY_RE.test(text) && !/\s/.test(text) && /\.[a-z]{2,}/i.test(text) && /\//.test(text) ) {
      entry.url ??= text;
      continue;
    }
    // "Title - Organisation", "Title at Organisation", "Organisation | Title": which side is which is decided
    // later, by which one reads as an organisation.
    // A semicolon is the strongest separator ("Backend developer at Acme; Zenika Lyon (FR)"): the parts
    // stay whole, and a trailing "Town (CC)" is the place.
    const semi = /;\s/.test(text)
      ? text
          .split(/\s*;\s+/)
          .map((p) => {
            const place = p.match(/^(.+?)\s+(?:[-–—]\s+)?([\p{Lu}][\p{L}'’-]+)\s*\(([\p{Lu}][\p{L} ]{1,20})\)$/u);
            if (place && !entry.location) {
              // "University in Prague (CZ)": a town after a preposition is part of the name; the country is the place.
              if (NAME_PREPOSITION_RE.test(place[1]!)) {
                entry.location = place[3];
                return clean(`${place[1]} ${place[2]}`);
              }
              entry.location = `${place[2]} (${place[3]})`;
              entry.townAfter = { name: clean(place[1]!), town: place[2]!, country: place[3]! };
              return clean(place[1]!);
            }
            return clean(p);
          })
          .filter(Boolean)
      : null;
    // (Spanish "en" also names a degree's field, "Máster en Ciencia de Datos": after a degree it joins.)
    // (A sentence, "In my first semester at ISCTE, I", is not split at its words.)
    const sentence = wordCount(text) > 14 || /^(?:in|on|during|after|as|when|dans|en|durante|während|im)\s/i.test(text) || /,\s*\p{L}$/u.test(text);
    let parts = semi ?? (sentence ? text.split(/\s+[-–—|@•]\s+/u) : text.split(/\s+[-–—|@•]\s+|\s+at\s+|\s+chez\s+|\s+bei\s+|\s+presso\s+/u).flatMap(splitAtEn)).map(clean).filter(Boolean);
    // "NET - Núcleo de Estudantes de Tecnologias": an acronym and the name it stands for are one name.
    const dash = text.match(/^(\p{Lu}[\p{Lu}\d&]{1,7})\s+[-–—]\s+(.+)$/u);
    if (!semi && dash && expandsAcronym(dash[1]!, dash[2]!) && !/\s[-–—|]\s/u.test(dash[2]!)) parts = [clean(text)];
    // A dash before a registered name that opens with its legal form ("McEasy - PT. Otto Menara Globalindo",
    // "Romashka – OOO Romashka Trade"): a brand and its company's name, one organisation.
    if (!semi && parts.length >= 2) parts = parts.reduce<string[]>((out, part) => {
      const before = out[out.length - 1];
      const sep = before === undefined ? null : text.match(new RegExp(`${escapeRe(before)}(\\s+[-–—]\\s+)${escapeRe(part)}`, "u"));
      if (sep && before !== undefined && sameOrgAcrossDash(before, part)) out[out.length - 1] = `${before}${sep[1]!.replace(/\s+/g, " ")}${part}`;
      else out.push(part);
      return out;
    }, []);
    // "Title, Organisation, City": a trailing place is the location; the rest splits at a comma when its
    // two sides read differently (one as a job title or an organisation, the other not).
    if (!semi && !sentence && parts.length === 1 && /,\s/.test(text) && named.length < 2) parts = splitAtCommas(text, entry);
    // (Of two place-shaped cells, "R.O.K Cyber Command, MND ‖ Seoul, S.Korea", the one set on the right is the place.)
    const placeLater = line.cells.slice(cellIndex + 1).some((c) => placeShaped(clean(c.text)));
    for (const part of parts) {
      if (!entry.location && !placeLater && placeShaped(part)) {
        entry.location = part;
        entry.locationAt = entry.heads.length;
        continue;
      }
      if (/^[\d\s/.,()-]+$/.test(part)) continue;
      // A lone glyph ("E" from an icon font) is not a name; a dotted abbreviation ("M.B.A.") is.
      if (!/\p{L}{2}|\p{Script=Han}|(?:\p{L}\.){2,}/u.test(part)) continue;
      // A qualification framework level ("EQF level 4", "NQF 5") grades the entry; it names nothing.
      if (/^(?:EQF|NQF|EQR|CEC|QEC|DQR)\b[\s\p{L}-]*\d$|^(?:level|niveau|nivel|livello|nível|stufe)\s+\d\s*(?:EQF|NQF|EQR|CEC)?$/iu.test(part)) continue;
      const before = entry.heads[entry.heads.length - 1];
      const sep = before?.line === lineNo ? text.match(new RegExp(`${escapeRe(before.text)}(\\s+[-–—•·]\\s+)${escapeRe(part)}`, "u"))?.[1] : undefined;
      entry.heads.push({ text: part, bold: cell.bold, order: entry.heads.length, trailingX2: cellIndex > 0 ? cell.x2 : undefined, line: lineNo, sep: sep?.replace(/\s+/g, " ") });
      added = true;
    }
  }
  if (added) entry.headLines = lineNo;
}

const escapeRe = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

/** "Seoul, S.Korea", "Mountain View, CA": the shape of a place, in words that name no organisation, job or degree. */
const placeShaped = (part: string) =>
  LOCATION_RE.test(part) && wordCount(part) <= 5 && placeWords(part) && !ORG_WORDS.test(part) && !TITLE_WORDS.test(part) && !degreeNotRegion(part);

/** Legal forms written before the name ("PT. Otto Menara", "OOO Romashka", "JSC Kazakhtelecom"). */
const LEGAL_PREFIX_RE = /^(?:PT|OOO|ZAO|OAO|PAO|JSC|TOO|UAB|SIA)\.?\s+\p{Lu}/u;

function sameOrgAcrossDash(brand: string, registered: string): boolean {
  return LEGAL_PREFIX_RE.test(registered) && !TITLE_WORDS.test(brand) && !DEGREE_RE.test(brand) && !(LOCATION_RE.test(brand) && looksLikePlace(brand));
}

/**
 * "Rio de Janeiro, Brazil", "Salt Lake City, UT": a town is at most three capitalised words before its comma;
 * "Politeknik Elektronika Negeri Surabaya, Indonesia" is a name and its country.
 */
const placeWords = (text: string) => (text.split(",")[0]!.match(/(?:^|\s)\p{Lu}/gu)?.length ?? 0) <= 3;

/** Whether the acronym's letters are, in order, initials of the name's capitalised words ("NET", "Núcleo de Estudantes de Tecnologias"). */
function expandsAcronym(acronym: string, name: string): boolean {
  const initials = (name.match(/(?:^|[\s-])\p{Lu}/gu) ?? []).map((m) => m.trim().replace("-", "").toUpperCase()).join("");
  let at = 0;
  for (const letter of acronym.replace(/[^\p{Lu}]/gu, "")) {
    at = initials.indexOf(letter, at) + 1;
    if (at === 0) return false;
  }
  return acronym.replace(/[^\p{Lu}]/gu, "").length >= 2 && initials.startsWith(acronym[0]!);
}

/** A degree's words, other than a region code after a town ("Worcester, MA" is Massachusetts, not a Master of Arts). */
const degreeNotRegion = (text: string) => DEGREE_RE.test(text.replace(/,\s*\p{Lu}{2,3}$/u, ""));

/** A name that ends "… in", "… of", "… de": the word after it belongs to the name ("University of Bologna"). */
const NAME_PREPOSITION_RE = /\s(?:in|of|at|de|di|du|des|der|da|do|del|della|van|von)$/iu;

/** "Arquitecto de software en Tidewell": the Spanish "at", unless the part before it is a degree. */
function splitAtEn(part: string): string[] {
  const at = part.search(/\s+en\s+(?=\p{Lu})/u);
  if (at < 0 || DEGREE_RE.test(part.slice(0, at))) return [part];
  const m = part.slice(at).match(/^\s+en\s+/u)!;
  return [part.slice(0, at), ...splitAtEn(part.slice(at + m[0].length))];
}

/** "DUT Génie électrique, École Harlow": a degree beside a school, whatever else their words cue. */
const degreeAndSchool = (degree: string, school: string) => DEGREE_RE.test(degree) && !INSTITUTION_RE.test(degree) && INSTITUTION_RE.test(school) && !DEGREE_RE.test(school);

/** Job-title words on one side and not the other, or organisation cues on one side and not the other. */
export const readDifferently = (x: string, y: string) => TITLE_WORDS.test(x) !== TITLE_WORDS.test(y) || orgCue(x) !== orgCue(y);

/**
 * "The University of California, Berkeley", "University of Illinois, Urbana-Champaign": a school named after a
 * region (not a country) and, after its comma, the campus: one name.
 */
function schoolAndCampus(school: string, campus: string): boolean {
  const region = school.match(/^.*\b(?:of|de|di|do|da|del)\s+(\p{Lu}[\p{L}-]+(?:\s\p{Lu}[\p{L}-]+)?)$/u);
  return region !== null && INSTITUTION_RE.test(school) && !isCountry(region[1]!) && wordCount(campus) === 1 && looksLikePlace(campus);
}

export function splitAtCommas(text: string, entry: RawEntry): string[] {
  // "Mountain View, CA", "Seoul, S.Korea": a place as a whole, taken as the location below.
  if (LOCATION_RE.test(text) && wordCount(text) <= 5 && !orgCue(text) && !TITLE_WORDS.test(text) && !degreeNotRegion(text)) return [clean(text)];
  const pieces: string[] = [];
  // A legal form after a comma ("Omnious Co., Ltd.", "Acme, Inc.") belongs to the name before it.
  for (const piece of text.split(/,\s+/).map(clean).filter(Boolean)) {
    if (pieces.length > 0 && LEGAL_FORM_RE.test(piece)) pieces[pieces.length - 1] += `, ${piece}`;
    else pieces.push(piece);
  }
  // With two pieces, the second is a place only when it reads as one beyond doubt (one word, or "Town (Country)")
  // after an organisation: "Coding Giants España" after a job title is the employer.
  const last = pieces[pieces.length - 1]!;
  if (pieces.length === 2 && schoolAndCampus(pieces[0]!, last)) return [pieces.join(", ")];
  const surePlace = wordCount(last) === 1 || /\([\p{Lu}][\p{L} ]+\)$/u.test(last);
  if (pieces.length >= 2 && !entry.location && looksLikePlace(last) && (pieces.length > 2 || (surePlace && (entry.heads.length > 0 || orgCue(pieces[0]!))))) {
    entry.location = pieces.pop();
    // "Acme, Berlin, Germany": the town before the country too.
    while (pieces.length >= 2 && wordCount(pieces[pieces.length - 1]!) === 1 && looksLikePlace(pieces[pieces.length - 1]!)) {
      entry.location = `${pieces.pop()}, ${entry.location}`;
    }
  }
  if (pieces.length === 1) return pieces;
  // Under a line that already gave the organisation ("Veridian Labs" / "Senior Manager, Global Supply Chain
  // Planning and Logistics"), a job title keeps its commas.
  if (entry.heads.some((h) => !TITLE_WORDS.test(h.text)) && TITLE_WORDS.test(pieces[0]!)) return [pieces.join(", ")];
  if (pieces.length === 2 && (readDifferently(pieces[0]!, pieces[1]!) || degreeAndSchool(pieces[0]!, pieces[1]!) || degreeAndSchool(pieces[1]!, pieces[0]!))) return pieces;
  // Three or more: the first piece that reads as an organisation starts the organisation.
  const at = pieces.findIndex((p, i) => i > 0 && orgCue(p));
  if (at > 0 && TITLE_WORDS.test(pieces.slice(0, at).join(", "))) return [pieces.slice(0, at).join(", "), pieces.slice(at).join(", ")];
  return [pieces.join(", ")];
}

export const dateFields = (d: DateRange | undefined) =>
  d
    ? {
        startDate: d.start.iso,
        startDateText: d.start.text,
        endDate: d.end?.iso,
        endDateText: d.current ? d.endText || "Present" : d.end?.text,
      }
    : {};

export function titleScore(text: string) {
  return (TITLE_WORDS.test(text) ? 2 : 0) - (ORG_WORDS.test(text) ? 1 : 0) - (INSTITUTION_RE.test(text) ? 1 : 0) + (endsWithTitleWord(text) ? 2 : 0);
}

export function orgScore(text: string) {
  return (ORG_WORDS.test(text) ? 2 : 0) + (INSTITUTION_RE.test(text) ? 1 : 0) - (TITLE_WORDS.test(text) ? 1 : 0) + (acronymOrDomain(text) ? 0.5 : 0) - (endsWithTitleWord(text) ? 2 : 0);
}

/** How much more the entry's first two heads read as "title, organisation" than as "organisation, title". */
function titleFirstMargin(entry: RawEntry): number | undefined {
  const [a, b] = entry.heads;
  if (!a || !b || entry.fields?.title || entry.fields?.org) return undefined;
  return titleScore(a.text) + orgScore(b.text) - (titleScore(b.text) + orgScore(a.text));
}

/**
 * The entries of one section, read together: a section repeats one layout, so the order of title and
 * organisation that most entries show clearly holds for the entries whose own words leave it open
 * (a title the lexicon does not know, "Arquitecto de software | Tidewell").
 */
export function toWorks(entries: RawEntry[]): CvWork[] {
  const margins = entries.map(titleFirstMargin);
  const decided = margins.filter((m): m is number => m !== undefined && m !== 0);
  const titleFirst = decided.filter((m) => m > 0).length;
  const orgFirst = decided.length - titleFirst;
  const majority = decided.length >= 2 && Math.max(titleFirst, orgFirst) >= 0.75 * decided.length ? (titleFirst > orgFirst ? 1 : -1) : 0;
  const works = entries.map((e, i) => {
    const m = margins[i];
    // Strong evidence of the entry's own (a margin of 3 or more) still wins over the section's habit.
    return toWork(e, majority !== 0 && m !== undefined && Math.abs(m) < 3 ? majority > 0 : undefined);
  });
  // A later role at the same employer often omits it ("IBM" / "Developer 2022 – now" / "Intern 2021 – 2022"):
  // an entry named by a job title alone, right after one with an employer, is at that employer.
  for (const [i, work] of works.entries()) {
    const previous = works[i - 1];
    const named = entries[i]!.heads.filter((h) => !UNIT_RE.test(h.text) && !h.text.startsWith(`${work.position}, `));
    if (work.name || !work.position || !previous?.name || named.length > 1 || entries[i]!.fields) continue;
    if (SELF_EMPLOYED_RE.test(work.position) || titleScore(work.position) <= 0) continue;
    work.name = previous.name;
  }
  return works;
}

/** A faculty or department of a school, at the start of a piece ("facoltà di Lettere", "Faculty of Law"). */
const FACULTY_RE = /^(?:faculty|facoltà|faculdade|fakultät|faculté|facultad|department|dipartimento|département|departamento|fachbereich)(?:\s+(?:of|di|de|des|du|für|del|da|do))?\s*/iu;

/** A unit inside an organisation ("Messaging Team", "Data Science Department"): where the job was, not who employed. */
const UNIT_RE = /\b(?:teams?|department|division|squad|équipes?|equipos?|abteilung|reparto|equipas?|dipartimento|département|departamento)$/iu;

const SELF_EMPLOYED_RE = /\b(?:freelance|freelancer|independent|self[- ]employed|indépendant|autónomo|autonomo|selbstständig|freiberuflich|libero professionista|autônomo)\b/iu;

/** The kind of contract a job was ("Apprenti", "Part-time", "CDI"), printed beside its title: neither title nor employer. */
const EMPLOYMENT_TYPE_RE =
  /^(?:full[- ]time|part[- ]time|contract|contractor|temporary|permanent|internship|intern|apprentice(?:ship)?|freelance|seasonal|apprenti(?:e|ssage)?|alternance|alternant(?:e)?|stage|stagiaire|cdi|cdd|intérim|temps (?:plein|partiel)|tiempo (?:completo|parcial)|prácticas|becario|becaria|vollzeit|teilzeit|werkstudent(?:in)?|praktikum|praktikant(?:in)?|befristet|unbefristet|tempo (?:pieno|parziale)|tirocinio|estágio|estagiário|estagiária|meio período|tempo integral)$/iu;

export function toWork(input: RawEntry, titleFirst?: boolean): CvWork {
  // ("Ingénieur Infrastructure • Apprenti • Efficity": the contract between title and employer is left aside.)
  const kinds = input.heads.length >= 3 ? input.heads.filter((h) => EMPLOYMENT_TYPE_RE.test(h.text)) : [];
  const entry = kinds.length && kinds.length < input.heads.length - 1 ? { ...input, heads: [...input.heads.filter((h) => !kinds.includes(h)), ...kinds] } : input;
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
    const aIsTitle = titleFirst ?? (straight !== swapped ? straight > swapped : TITLE_WORDS.test(a.text) && !TITLE_WORDS.test(b.text));
    [position, name] = aIsTitle ? [a.text, b.text] : [b.text, a.text];
  } else if (a) {
    if (titleScore(a.text) >= orgScore(a.text)) position = a.text;
    else name = a.text;
  }
  const extra = entry.fields ? entry.heads.map((h) => h.text).filter((t) => t !== position && t !== name) : entry.heads.slice(2).map((h) => h.text);
  // "Staff Engineer, Messaging Team": the unit after the title is where in the organisation, not the job, nor
  // the organisation itself ("Technical Lead, Messaging and Meetings teams" read as title and employer).
  const unit = position?.match(/^(.+?),\s+(.+)$/u);
  if (unit && UNIT_RE.test(unit[2]!) && TITLE_WORDS.test(unit[1]!)) {
    position = unit[1];
    extra.unshift(unit[2]!);
  }
  if (name && UNIT_RE.test(name) && !ORG_WORDS.test(name) && position && TITLE_WORDS.test(position)) {
    extra.unshift(name);
    name = undefined;
  }
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

/** Which head names the school, by its words alone ("University", "École", "Hochschule"…). */
function institutionByWords(heads: string[]): string | undefined {
  return heads.find((h) => INSTITUTION_RE.test(h) && !DEGREE_RE.test(h.replace(INSTITUTION_RE, ""))) ?? heads.find((h) => INSTITUTION_RE.test(h));
}

/**
 * The entries of an education section, read together, as toWorks reads jobs: a section repeats one layout.
 * - Where the school's words name it in some entries ("Institut Teknologi Bandung") and not in others
 *   ("Politeknik Elektronika Negeri Surabaya"), the others' school is the head in the same place.
 * - Degrees grouped under one school ("First American University" / "■ Ph.D." / "■ M.S."): an entry named by a
 *   degree alone, right after one with a school, is at that school.
 */
/**
 * "IUT Créteil - Vitry - Vitry-sur-Seine" over "DUT Réseaux et Télécommunications": where a line of its own
 * names the degree, the dashes of the school's line are inside its name.
 */
function rejoinSchoolLine(entry: RawEntry): RawEntry {
  const lines = new Map<number, Head[]>();
  for (const h of entry.heads) if (h.line !== undefined) lines.set(h.line, [...(lines.get(h.line) ?? []), h]);
  const degreeLine = [...lines.values()].some((hs) => hs.length === 1 && DEGREE_RE.test(hs[0]!.text)) && lines.size >= 2;
  // (or the degree indented under the school, read as its first description line)
  const degreeBelow = entry.body[0] !== undefined && DEGREE_RE.test(entry.body[0]) && wordCount(entry.body[0]) <= 15;
  if (!degreeLine && !degreeBelow) return entry;
  const heads: Head[] = [];
  for (const h of entry.heads) {
    const last = heads[heads.length - 1];
    const sameLine = last !== undefined && h.line === last.line && h.sep !== undefined && /[-–—]/.test(h.sep);
    const lineHeads = h.line !== undefined ? lines.get(h.line)! : [];
    if (sameLine && (lines.size === 1 || lineHeads.some((x) => INSTITUTION_RE.test(x.text))) && !lineHeads.some((x) => DEGREE_RE.test(x.text))) heads[heads.length - 1] = { ...last, text: `${last.text}${h.sep}${h.text}` };
    else heads.push(h);
  }
  return heads.length === entry.heads.length ? entry : { ...entry, heads };
}

/** A first description line that names a school, where no head does: the school, set like a description. */
const schoolBelow = (entry: RawEntry) => {
  const first = entry.body[0];
  return first !== undefined && !institutionByWords(entry.heads.map((h) => h.text)) && INSTITUTION_RE.test(first) && !DEGREE_RE.test(first) && wordCount(first) <= 12 && !/[.;:]$/u.test(first);
};

export function toEducations(input: RawEntry[]): CvEducation[] {
  const entries = input.map(rejoinSchoolLine);
  const headsOf = (e: RawEntry) => e.heads.map((h) => h.text).filter((h) => h !== e.fields?.area);
  const places = new Map<string, number>();
  for (const e of entries) {
    const heads = headsOf(e);
    const school = e.fields?.org ? undefined : institutionByWords(heads);
    if (school) places.set(`${heads.length}`, places.has(`${heads.length}`) && places.get(`${heads.length}`) !== heads.indexOf(school) ? -1 : heads.indexOf(school));
  }
  const educations = entries.map((e) => {
    const heads = headsOf(e);
    if (e.fields?.org || institutionByWords(heads) || schoolBelow(e)) return toEducation(e);
    const at = places.get(`${heads.length}`);
    // (A degree in that place is a degree: "• M.S. in Physics" under a school, in a section of one head per entry.)
    if (at !== undefined && at >= 0 && !DEGREE_RE.test(heads[at]!)) return toEducation(e, heads[at]);
    // "Politeknik Negeri Madiun, Indonesia" read as a town and its country, where the other entries name the school.
    const comma = e.location?.lastIndexOf(", ") ?? -1;
    if (e.locationAt !== undefined && places.get(`${heads.length + 1}`) === e.locationAt && comma > 0) {
      const school = e.location!.slice(0, comma);
      return toEducation({ ...e, heads: [...e.heads.slice(0, e.locationAt), { text: school, bold: false, order: e.locationAt }, ...e.heads.slice(e.locationAt)], location: e.location!.slice(comma + 2) }, school);
    }
    return toEducation(e);
  });
  for (const [i, education] of educations.entries()) {
    const previous = educations[i - 1];
    if (education.institution || !education.studyType || !previous?.institution || headsOf(entries[i]!).length !== 1 || entries[i]!.fields) continue;
    if (!DEGREE_RE.test(education.studyType)) continue;
    education.institution = previous.institution;
    education.location ??= previous.location;
  }
  return educations;
}

/** An abbreviated degree ("B.S", "BSc", "M.Sc.", "MBA", "PhD", "LL.M.") and, after it, a field named without "in". */
const ABBREVIATED_DEGREE_RE =
  /^((?:[BM]\.?\s?(?:S|A|Sc|Eng|Ed|Tech|Phil|Com|F\.?A)|Ph\.?\s?D|D\.?Phil|M\.?B\.?A|BBA|LL\.?[BM])\.?)\s+(?!(?:in|of|en|de|in der|im|degree)\s)(\p{Lu}[\p{L}&,' -]+)$/u;

export function toEducation(input: RawEntry, school?: string): CvEducation {
  let entry = input;
  const heads = entry.heads.map((h) => h.text).filter((h) => h !== entry.fields?.area);
  let institution = entry.fields?.org ?? school ?? institutionByWords(heads);
  let degree = entry.fields?.degree ?? heads.find((h) => h !== institution && DEGREE_RE.test(h));
  degree ??= heads.find((h) => h !== institution);
  // A degree set indented under its school, like a description line ("Université de Genève" / "   Doctorat en chimie").
  const first = entry.body[0];
  if (!degree && institution && first && DEGREE_RE.test(first) && wordCount(first) <= 15 && !/;$|\p{Ll}{2}\.$/u.test(first)) {
    degree = first;
    entry = { ...entry, body: entry.body.slice(1) };
  }
  // The school set under a header its dashes filled ("Attestato di frequenza - Office 97, Excel" / "Centro di Formazione …").
  if (!institution && schoolBelow(entry)) {
    institution = entry.body[0];
    entry = { ...entry, body: entry.body.slice(1) };
  }
  if (!institution && heads.length > 1) institution = heads.find((h) => h !== degree);
  // "Master Project - PrIMA - University of Bremen": beside the school, what its dashes part is one name.
  if (degree && institution) {
    const at = entry.heads.findIndex((h) => h.text === degree);
    for (let next = entry.heads[at + 1]; at >= 0 && next; next = entry.heads[at + 1]) {
      const named = next.line !== undefined && next.line === entry.heads[at]!.line && next.sep !== undefined && /[-–—]/.test(next.sep);
      if (!named || next.text === institution || DEGREE_RE.test(next.text) || INSTITUTION_RE.test(next.text) || /\b(?:GPA|CGPA)\b|^\d+(?:[.,]\d+)?\b/iu.test(next.text)) break;
      degree = `${degree}${next.sep}${next.text}`;
      entry = { ...entry, heads: [...entry.heads.slice(0, at), { ...entry.heads[at]!, text: degree }, ...entry.heads.slice(at + 2)] };
    }
  }
  let areaFromInstitution: string | undefined;
  let location = entry.location;
  // "Télécom Saint-Étienne (FR)": a school is named after its town far more often than a company is; the
  // country alone is the place.
  const town = entry.townAfter;
  if (town && institution === town.name && location === `${town.town} (${town.country})`) {
    institution = `${town.name} ${town.town}`;
    location = town.country;
  }
  // "University of Oxford (UK)": a country in brackets after the name is its place; the name's acronym ("(MIT)") is not.
  const bracketed = institution?.match(/^(.+?)\s*\(([^()]+)\)$/u);
  if (bracketed && (isRegionCode(bracketed[2]!) || isCountry(bracketed[2]!)) && !expandsAcronym(bracketed[2]!, bracketed[1]!)) {
    institution = bracketed[1];
    location ??= bracketed[2];
  }
  if (institution?.includes(", ")) {
    // "Colegio San José, Jerez (Spain)", "Istituto Montessori, Via Mazzini 5", "…, Indonesia": a trailing place or address.
    const pieces = institution.split(", ");
    while (pieces.length > 1 && (/\d/.test(pieces[pieces.length - 1]!) || /\([\p{Lu}][\p{L} ]+\)$/u.test(pieces[pieces.length - 1]!) || isCountry(pieces[pieces.length - 1]!))) {
      const place = pieces.pop()!;
      location = location ? `${place}, ${location}` : place;
    }
    // "Università di Bologna, facoltà di Lettere Moderne": the faculty is where in the school, its field.
    if (pieces.length > 1 && FACULTY_RE.test(pieces[pieces.length - 1]!)) areaFromInstitution = pieces.pop()!.replace(FACULTY_RE, "").trim() || undefined;
    institution = pieces.join(", ");
  }
  if (institution?.includes(", ")) {
    // "Princeton University, Computer Science"
    const [inst, ...rest] = institution.split(", ");
    if (!(rest.length === 1 && schoolAndCampus(inst!, rest[0]!)) && INSTITUTION_RE.test(inst!) && !INSTITUTION_RE.test(rest.join(", "))) {
      institution = inst;
      // "Centro Universitário Senac, Tecnólogo, Análise e Desenvolvimento de Sistemas": the degree, then its field.
      if (!degree && DEGREE_RE.test(rest[0]!)) degree = rest.shift();
      areaFromInstitution = rest.join(", ") || undefined;
    }
  }
  let score: string | undefined;
  // "Master of Business Administration · First Class Honours": after a separator, what the degree earned.
  const separated = degree?.split(/\s+[·•|]\s+/);
  if (separated && separated.length === 2 && DEGREE_RE.test(separated[0]!) && !DEGREE_RE.test(separated[1]!)) {
    degree = separated[0];
    score = separated[1];
  }
  // "…, expected May 2016", "(prévu en 2016)", "预计 2016 年 3 月毕业": a graduation date, not part of the degree.
  degree = degree?.replace(/\s*[,，(]\s*(?:expected|anticipated|prévu|prevista|voraussichtlich|预计).*$/iu, "").trim() || degree;
  if (degree) {
    const gpa = degree.match(/[;,]?\s*(?:GPA|CGPA|Grade|Note|Moyenne|Nota)\s*[:：]?\s*(.+)$/i);
    if (gpa) {
      score = gpa[1]!.trim();
      degree = clean(degree.slice(0, gpa.index)) || undefined;
    }
  }
  // "B.S Computer Science", "MSc Physics": an abbreviated degree, then its field (JSON Resume's "studyType area").
  let areaAfter: string | undefined;
  const abbreviated = degree?.match(ABBREVIATED_DEGREE_RE);
  if (abbreviated && !DEGREE_RE.test(abbreviated[2]!)) {
    degree = abbreviated[1];
    areaAfter = abbreviated[2];
  }
  // "Mathematik, Master of Science (1,0)": the field before the degree, a grade in brackets after it.
  let areaBefore: string | undefined;
  if (degree) {
    const grade = degree.match(/\s*\((\d+(?:[.,]\d+)?(?:\s*\/\s*\d+(?:[.,]\d+)?)?)\)$/);
    if (grade) {
      score ??= grade[1];
      degree = degree.slice(0, grade.index).trim();
    }
    const at = degree.indexOf(", ");
    if (at > 0 && DEGREE_RE.test(degree.slice(at + 2)) && !DEGREE_RE.test(degree.slice(0, at))) {
      areaBefore = degree.slice(0, at);
      degree = degree.slice(at + 2);
    }
  }
  // A grade or the honours on a line of their own under the degree ("Note 1,7", "First Class Honours").
  const gradeLine = entry.body.find((b) => GRADE_LINE_RE.test(b) || HONOURS_RE.test(b));
  score ??= gradeLine?.replace(/^[^:：]*[:：]\s*/u, "").trim() || undefined;
  // (After the last "in" or "of": "Bachelor of Science in Physics" is in Physics.)
  const area = areaBefore ?? areaAfter ?? degree?.match(/^.*\b(?:in|of|en|de|in der|im)\s+([\p{Lu}][\p{L}&,' -]+)$/u)?.[1];
  const rest = heads.filter((h) => h !== institution && h !== degree);
  return {
    institution,
    studyType: degree,
    area: (area && area !== degree ? area : undefined) ?? areaFromInstitution,
    score,
    location,
    url: entry.url,
    courses: undefined,
    ...dateFields(entry.date),
    ...(rest.length || entry.body.length ? { summary: undefined } : {}),
  } as CvEducation;
}
