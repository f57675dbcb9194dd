/**
 * Rebuilds reading order from positioned text: items → rows (by baseline) → cells (split at wide gaps),
 * then columns and sidebars are detected per page before lines are emitted, so that a two-column CV reads
 * column by column instead of interleaving.
 */
import { normalizeText } from "./normalize";

export interface TextItem {
  str: string;
  x: number;
  /** Top of the glyph box, from the top of the page. */
  y: number;
  w: number;
  h: number;
  size: number;
  bold: boolean;
  font?: string;
}

export interface PageText {
  width: number;
  height: number;
  items: TextItem[];
  /** Web links the page carries as annotations (a "LinkedIn" label whose address is only in the link). */
  links?: PageLink[];
}

export interface PageLink {
  url: string;
  /** The clickable area, from the top-left of the page. */
  x: number;
  y: number;
  w: number;
  h: number;
}

export interface Cell {
  text: string;
  x: number;
  x2: number;
  size: number;
  bold: boolean;
  /** The text items it was made of, where it was made of several (to split it at a column's gutter). */
  pieces?: { text: string; x: number; x2: number }[];
}

export interface Line {
  text: string;
  cells: Cell[];
  page: number;
  x: number;
  x2: number;
  /** Baseline, from the top of the page. */
  y: number;
  size: number;
  bold: boolean;
  column: "full" | "left" | "right";
  /** Vertical space above this line, in multiples of its font size (Infinity at a page or column start). */
  gapAbove: number;
  /** The right edge its column's text reaches anywhere in the document: where a line that fills it wraps. */
  columnX2?: number;
}

interface Row {
  baseline: number;
  cells: Cell[];
}

const chars = (cells: Cell[]) => cells.reduce((n, c) => n + c.text.length, 0);

/**
 * Justified text spreads words so far apart that they read as separate cells: a run of three or more
 * one- or two-word cells with even gaps is one cell again.
 */
function mergeJustified(cells: Cell[]): Cell[] {
  if (cells.length < 3 || cells.some((c) => c.text.split(" ").length > 2)) return cells;
  const gaps = cells.slice(1).map((c, i) => c.x - cells[i]!.x2);
  const sizes = cells.map((c) => c.size);
  const size = Math.min(...sizes);
  if (Math.max(...sizes) - size > 0.5 || Math.max(...gaps) > 2 * size || Math.max(...gaps) > 2.5 * Math.min(...gaps)) return cells;
  return [{ ...cells[0]!, text: cells.map((c) => c.text).join(" "), x2: cells[cells.length - 1]!.x2, bold: cells.every((c) => c.bold) }];
}

/** "J O H N": a word set with letter spacing, each letter followed by a space. */
// (A letter may keep the dot after it, "l e s t e r. i o": the extraction put the space after the dot.)
const LETTER_SPACED_RE = /^(?=.*\p{L} \p{L} \p{L})[\p{L}\p{N}&.\/@_:-]\.?(?: [\p{L}\p{N}&.\/@_:-]\.?){2,}$/u;

/**
 * Letter-spaced words ("J O H N", "C O N T A C T") are read as words again; neighbouring letter-spaced cells
 * on a row (the words of one name, apart by a wide space) are one cell.
 */
function mergeLetterSpaced(cells: Cell[]): Cell[] {
  const out: (Cell & { spaced: boolean })[] = [];
  for (const cell of cells) {
    const spaced = LETTER_SPACED_RE.test(cell.text);
    const text = spaced ? cell.text.replace(/ /g, "") : cell.text;
    const prev = out[out.length - 1];
    if (spaced && prev?.spaced && cell.x - prev.x2 < 2.5 * cell.size) {
      prev.text += ` ${text}`;
      prev.x2 = cell.x2;
      continue;
    }
    out.push({ ...cell, text, spaced });
  }
  return out.map(({ spaced, ...c }) => (spaced ? { text: c.text, x: c.x, x2: c.x2, size: c.size, bold: c.bold } : c));
}

const ICON_FONT_RE = /awesome|icon|dingbat|wingding|symbol|marvosym|academicons|fontello|ionicons|glyph|pictos|webdings/i;

/**
 * A superscript ("1st", "2ème", a footnote mark) is set smaller and higher, right after the text it belongs to;
 * on a baseline of its own it would read as a line of its own ("st" over "1 Year Analyst"). It joins its host's
 * baseline and size.
 */
function joinSuperscripts(items: (TextItem & { baseline: number })[]) {
  // `items` is sorted by baseline: a host sits below, within 0.6 of its size, so only the items that follow
  // within that reach are looked at (a page of thousands of one-glyph items stays linear). Hosts are found on
  // the positions as extracted, then applied.
  const largest = items.reduce((max, it) => Math.max(max, it.size), 0);
  const hosts = items.map((it, i) => {
    if (it.str.trim().length === 0 || it.str.trim().length > 3) return undefined;
    for (let j = i + 1; j < items.length && items[j]!.baseline - it.baseline < 0.6 * largest; j++) {
      const h = items[j]!;
      if (
        h.size >= 1.25 * it.size &&
        h.baseline > it.baseline &&
        h.baseline - it.baseline < 0.6 * h.size &&
        it.x - (h.x + h.w) >= -0.5 &&
        it.x - (h.x + h.w) < 0.3 * h.size &&
        /[\p{L}\p{N}]$/u.test(h.str)
      )
        return { baseline: h.baseline, y: h.y, size: h.size };
    }
    return undefined;
  });
  items.forEach((it, i) => {
    const host = hosts[i];
    if (host) Object.assign(it, host);
  });
}

/** Groups a page's items into rows of cells, top to bottom. */
function rowsOf(items: TextItem[]): Row[] {
  const visible = items
    .map((it) => ({ ...it, str: normalizeText(it.str), baseline: it.y + it.size }))
    .filter((it) => it.w > 0 || it.str.trim() !== "")
    // Icon fonts map their glyphs to arbitrary letters ("z" for a calendar): not text.
    .filter((it) => !(ICON_FONT_RE.test(it.font ?? "") && it.str.trim().length <= 2))
    .sort((a, b) => a.baseline - b.baseline || a.x - b.x);
  joinSuperscripts(visible);

  const rows: { baseline: number; size: number; items: typeof visible }[] = [];
  for (const it of visible) {
    const row = rows.find((r) => Math.abs(r.baseline - it.baseline) <= 0.4 * Math.min(r.size, it.size));
    if (row) row.items.push(it);
    else rows.push({ baseline: it.baseline, size: it.size, items: [it] });
  }

  const built = rows
    .map((r) => {
      const sorted = r.items.sort((a, b) => a.x - b.x);
      const cells: (Cell & { boldChars: number })[] = [];
      let current: (Cell & { boldChars: number }) | null = null;
      let spaceSeen = false;
      let wideSpace = false;
      for (const it of sorted) {
        // Whitespace items (LaTeX renders \hfill as one wide space) imply a space but never widen a cell.
        if (it.str.trim() === "") {
          spaceSeen = true;
          // A space wider than an em is a separator between cells (chips, tab stops), not a word space.
          if (it.w > 1.2 * it.size) wideSpace = true;
          continue;
        }
        const gap = current ? it.x - current.x2 : Infinity;
        const sizeJump = current !== null && Math.abs(it.size - current.size) > 0.3 * Math.max(it.size, current.size);
        if (!current || gap > Math.max(6, 1.2 * it.size) || sizeJump || wideSpace) {
          current = { text: it.str, x: it.x, x2: it.x + it.w, size: it.size, bold: false, boldChars: it.bold ? it.str.trim().length : 0, pieces: [{ text: it.str, x: it.x, x2: it.x + it.w }] };
          cells.push(current);
        } else {
          current.pieces!.push({ text: it.str, x: it.x, x2: it.x + it.w });
          const needsSpace = (spaceSeen || gap > 0.15 * it.size) && !current.text.endsWith(" ") && !it.str.startsWith(" ");
          current.text += (needsSpace ? " " : "") + it.str;
          current.x2 = Math.max(current.x2, it.x + it.w);
          current.size = Math.max(current.size, it.size);
          if (it.bold) current.boldChars += it.str.trim().length;
        }
        spaceSeen = false;
        wideSpace = false;
      }
      const clean = cells
        .map(({ boldChars, pieces, ...c }) => ({ ...c, ...(pieces && pieces.length > 1 ? { pieces } : {}), text: c.text.replace(/\s+/g, " ").trim(), bold: boldChars > c.text.trim().length / 2 }))
        .filter((c) => c.text !== "");
      return { baseline: r.baseline, cells: mergeJustified(mergeLetterSpaced(clean)) };
    })
    .filter((r) => r.cells.length > 0)
    .sort((a, b) => a.baseline - b.baseline);
  return attachLoneBullets(built);
}

/**
 * A bullet glyph set a few points off its item's baseline (a larger or raised glyph) comes out as a row of
 * its own: it joins the nearest row whose text starts just right of it, as that row's first cell.
 */
function attachLoneBullets(rows: Row[]): Row[] {
  const lone = (r: Row) => r.cells.length === 1 && /^[•◦▪●○■·*–‣⁃]$/u.test(r.cells[0]!.text);
  const out = rows.filter((r) => !lone(r));
  for (const r of rows.filter(lone)) {
    const glyph = r.cells[0]!;
    const near = out
      .filter((o) => Math.abs(o.baseline - r.baseline) < 0.8 * glyph.size && !lone(o))
      .map((o) => ({ o, first: o.cells.find((c) => c.x >= glyph.x2 - 1) }))
      .filter(({ o, first }) => first !== undefined && first.x - glyph.x2 < 3 * glyph.size && !o.cells.some((c) => c.x < glyph.x2 && c.x2 > glyph.x))
      .sort((a, b) => Math.abs(a.o.baseline - r.baseline) - Math.abs(b.o.baseline - r.baseline))[0];
    if (near) near.o.cells = [...near.o.cells.filter((c) => c.x2 <= glyph.x), glyph, ...near.o.cells.filter((c) => c.x2 > glyph.x)];
    else out.push(r);
  }
  return out.sort((a, b) => a.baseline - b.baseline);
}

/**
 * Finds a vertical gutter between two columns: an x band no body cell crosses, with enough text on
 * both sides. Right-aligned dates or a narrow label gutter do not count: each side needs real mass.
 */
function findGutter(rows: Row[], width: number): number | null {
  const cells = rows.flatMap((r) => r.cells);
  const total = chars(cells);
  if (total < 200) return null;
  const sizes = cells.flatMap((c) => Array<number>(Math.min(c.text.length, 200)).fill(c.size)).sort((a, b) => a - b);
  const bodySize = sizes[Math.floor(sizes.length / 2)]!;
  let best: { x: number; score: number } | null = null;
  for (let x = Math.round(width * 0.2); x <= Math.round(width * 0.75); x += 2) {
    let crossing = 0;
    let bodyCrossing = 0;
    let left = 0;
    let right = 0;
    const leftRows = new Set<number>();
    const rightRows = new Set<number>();
    rows.forEach((row, i) => {
      for (const c of row.cells) {
        if (c.x < x - 1 && c.x2 > x + 1) {
          crossing += c.text.length;
          // (A name or a title set large across the top of both columns crosses nothing of the body.)
          if (c.size <= 1.6 * bodySize) bodyCrossing += c.text.length;
        }
        else if (c.x2 <= x + 1) {
          left += c.text.length;
          leftRows.add(i);
        } else {
          right += c.text.length;
          rightRows.add(i);
        }
      }
    });
    const minSide = Math.min(left, right);
    if (crossing > total * 0.25 || leftRows.size < 6 || rightRows.size < 6) continue;
    // Dates aligned right and labels in a gutter always share a row with body text; each side of a real
    // column layout has many rows of its own. Heavy enough sides (two body columns set in step) also count.
    const leftAlone = [...leftRows].filter((r) => !rightRows.has(r)).length;
    const rightAlone = [...rightRows].filter((r) => !leftRows.has(r)).length;
    const independent = leftAlone >= 5 && rightAlone >= 5 && leftAlone >= leftRows.size * 0.4 && rightAlone >= rightRows.size * 0.4;
    // A sidebar set in step with the main column (a table's two cells) shares many baselines with it, but each
    // side reads as running text: most of its rows follow another row of the same side at line pitch, where
    // dates in a left rail or headings in a label gutter stand one per entry or section, far apart; and the
    // right side starts at one left edge, where places and dates set flush right end at one right edge.
    const dense = bodyCrossing <= total * 0.03 && leftRows.size >= 8 && rightRows.size >= 8 && densityOf(rows, leftRows) >= 0.6 && densityOf(rows, rightRows) >= 0.6 && leftAligned(rows, rightRows, x) >= 0.4;
    // A band no text crosses, each side with rows of its own (a sidebar of short items, skills, levels and
    // contacts, beside the main column), is a gutter too, unless the left side is mostly dates (a date rail).
    // (Counted only where the cheaper tests leave it open: this runs for every candidate x.)
    const leftDated = () => [...leftRows].filter((r) => rows[r]!.cells.some((c) => c.x2 <= x + 1 && /\d{4}|\d{2}\/\d{2}/.test(c.text))).length;
    const clear = () => bodyCrossing <= total * 0.01 && leftRows.size >= 12 && rightRows.size >= 12 && leftAlone >= 5 && rightAlone >= 5 && leftDated() < leftRows.size * 0.3;
    if (minSide < total * 0.18 && !((independent || dense || clear()) && minSide >= total * 0.05)) continue;
    const score = minSide - crossing * 4;
    if (!best || score > best.score) best = { x, score };
  }
  if (!best) return null;
  // Centre the gutter in its empty band.
  let lo = best.x;
  let hi = best.x;
  const clear = (x: number) => !cells.some((c) => c.x < x - 1 && c.x2 > x + 1 && c.text.length > 3);
  while (lo > 0 && clear(lo - 1) && best.x - lo < width * 0.1) lo--;
  while (hi < width && clear(hi + 1) && hi - best.x < width * 0.1) hi++;
  return (lo + hi) / 2;
}

/** The share of a side's rows that come right under another row of that side (within two line heights). */
function densityOf(rows: Row[], side: Set<number>): number {
  const list = [...side].sort((a, b) => a - b);
  let close = 0;
  for (let k = 1; k < list.length; k++) {
    const [a, b] = [rows[list[k - 1]!]!, rows[list[k]!]!];
    const size = Math.max(...b.cells.map((c) => c.size));
    if (b.baseline - a.baseline <= 2.2 * size) close++;
  }
  return list.length > 1 ? close / (list.length - 1) : 0;
}

/** The share of a side's rows whose first cell past `x` starts at the side's most common left edge. */
function leftAligned(rows: Row[], side: Set<number>, x: number): number {
  const starts = [...side].map((i) => rows[i]!.cells.find((c) => c.x2 > x + 1)?.x).filter((v): v is number => v !== undefined);
  if (!starts.length) return 0;
  const counts = new Map<number, number>();
  for (const v of starts) counts.set(Math.round(v / 2), (counts.get(Math.round(v / 2)) ?? 0) + 1);
  const mode = [...counts].sort((a, b) => b[1] - a[1])[0]![0];
  return starts.filter((v) => Math.abs(v / 2 - mode) <= 1.5).length / starts.length;
}

function toLine(withPieces: Cell[], baseline: number, page: number, column: Line["column"]): Line {
  const cells = withPieces.map((c): Cell => ({ text: c.text, x: c.x, x2: c.x2, size: c.size, bold: c.bold }));
  const size = Math.max(...cells.map((c) => c.size));
  const boldChars = cells.filter((c) => c.bold).reduce((n, c) => n + c.text.length, 0);
  return {
    text: cells.map((c) => c.text).join("  "),
    cells,
    page,
    x: cells[0]!.x,
    x2: cells[cells.length - 1]!.x2,
    y: baseline,
    size,
    bold: boldChars > chars(cells) / 2,
    column,
    gapAbove: Infinity,
  };
}

/**
 * Two headings side by side, one over each column ("Formations  Expériences"), set a word space apart: a cell
 * whose items leave a gap at the gutter is two cells, one each side.
 */
function splitAtGutter(cell: Cell, gutter: number): Cell[] {
  const pieces = cell.pieces;
  if (!pieces || cell.x >= gutter - 1 || cell.x2 <= gutter + 1) return [cell];
  const at = pieces.findIndex((p, i) => i > 0 && pieces[i - 1]!.x2 <= gutter + 1 && p.x >= gutter - 1 && p.x - pieces[i - 1]!.x2 >= 0.5 * cell.size);
  if (at < 0) return [cell];
  const side = (ps: typeof pieces): Cell => ({ ...cell, pieces: undefined, text: ps.map((p) => p.text).join(" ").replace(/\s+/g, " ").trim(), x: ps[0]!.x, x2: Math.max(...ps.map((p) => p.x2)) });
  return [side(pieces.slice(0, at)), side(pieces.slice(at))].filter((c) => c.text !== "");
}

/** All pages' lines in reading order. */
export function readingOrder(pages: PageText[]): Line[] {
  const lines: Line[] = [];
  pages.forEach((page, pageIndex) => {
    const rows = rowsOf(page.items);
    const gutter = findGutter(rows, page.width);
    const pageLines: Line[] = [];
    if (gutter === null) {
      for (const r of rows) pageLines.push(toLine(r.cells, r.baseline, pageIndex, "full"));
    } else {
      // Rows crossing the gutter split the page into bands; each band reads left column, then right.
      let left: Line[] = [];
      let right: Line[] = [];
      const flush = () => {
        pageLines.push(...left, ...right);
        left = [];
        right = [];
      };
      for (const row of rows) {
        const r = { ...row, cells: row.cells.flatMap((c) => splitAtGutter(c, gutter)) };
        if (r.cells.some((c) => c.x < gutter - 1 && c.x2 > gutter + 1)) {
          flush();
          pageLines.push(toLine(r.cells, r.baseline, pageIndex, "full"));
          continue;
        }
        const l = r.cells.filter((c) => c.x2 <= gutter + 1);
        const rt = r.cells.filter((c) => c.x2 > gutter + 1);
        if (l.length) left.push(toLine(l, r.baseline, pageIndex, "left"));
        if (rt.length) right.push(toLine(rt, r.baseline, pageIndex, "right"));
      }
      flush();
    }
    for (let i = 0; i < pageLines.length; i++) {
      const line = pageLines[i]!;
      const prev = pageLines.slice(0, i).reverse().find((p) => p.column === line.column || line.column === "full" || p.column === "full");
      line.gapAbove = prev && prev.y < line.y ? (line.y - line.size - prev.y) / line.size : Infinity;
    }
    lines.push(...pageLines);
  });
  const columnX2 = new Map<Line["column"], number>();
  for (const l of lines) columnX2.set(l.column, Math.max(columnX2.get(l.column) ?? 0, l.x2));
  for (const l of lines) l.columnX2 = columnX2.get(l.column);
  return lines;
}

/**
 * Whether `next` may be the rest of `line`, wrapped at its column's edge: `line` reaches well into the column,
 * and the first word of `next` would not have fitted after it.
 */
export function noRoomFor(line: Line, next: Line, edge = line.columnX2): boolean {
  if (edge === undefined) return false;
  const text = next.text.trim();
  const firstWord = text.split(/\s+/)[0]!;
  const firstWordWidth = ((next.x2 - next.x) * firstWord.length) / Math.max(1, text.length);
  return line.x2 >= line.x + 0.6 * (edge - line.x) && line.x2 + 0.3 * line.size + firstWordWidth > edge + 1;
}
