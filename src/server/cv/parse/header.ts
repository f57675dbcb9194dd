/** The top of a CV: the person's name, headline, town and profiles printed beside a network's name. */
import { EMAIL_RE, findPhone, HANDLE_RE, networkOf } from "./contact";
import type { Line } from "./layout";
import { clean, INSTITUTION_RE, LOCATION_RE, ORG_WORDS, TITLE_WORDS, wordCount } from "./lexicon";
import { sectionOf } from "./sections";

/** Words that title the document rather than name the person. */
export const CV_WORDS_RE = /\b(?:resume|résumé|curriculum vitae|curriculum|cv|lebenslauf|currículum)\b/giu;

/** Kinds of employment ("Full Time"), set large in some templates: never a name. */
const EMPLOYMENT_RE = /\b(?:full|part)[- ]time\b|\btemps (?:plein|partiel)\b|\bvollzeit\b|\bteilzeit\b|\btiempo (?:completo|parcial)\b|\btempo (?:pieno|parziale|integral)\b/i;

export function looksLikeName(text: string): boolean {
  const t = text.trim();
  if (/[@\d/:]|https?|www\./i.test(t) || sectionOf(t)) return false;
  if (/^[\p{Script=Han}]{2,6}$/u.test(t)) return true;
  const words = t.split(/\s+/);
  if (words.length < 2 || words.length > 5) return false;
  // An employer, a school, a job title or a heading set large is not the person's name.
  if (EMPLOYMENT_RE.test(t) || ORG_WORDS.test(t) || INSTITUTION_RE.test(t) || TITLE_WORDS.test(t) || words.some((w) => sectionOf(w))) return false;
  return words.every((w) => /^[\p{Lu}][\p{L}'’.-]*$/u.test(w) || /^(de|da|das|dos|van|von|der|den|del|della|la|le|di|du|bin|al|ter|zu)$/i.test(w));
}

export function findName(lines: Line[]): Line | undefined {
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

export function findHeadline(lines: Line[], name: Line | undefined, bodySize: number): string | undefined {
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

export function findLocation(lines: Line[], exclude: Set<string>): string | undefined {
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
export function labelledProfiles(lines: Line[]): { network: string; username: string }[] {
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

/**
 * Handles printed in the contact row beside an icon the text does not keep ("rendercv", "@johndoe"): one
 * lower-case token or an @handle, in a row that also holds an e-mail address, a phone number or a link.
 * The network is unknown: the profile keeps only what the CV printed.
 */
export function bareHandles(lines: Line[]): string[] {
  const found: string[] = [];
  for (const line of lines) {
    if (line.cells.length < 2 || !(EMAIL_RE.test(line.text) || findPhone(line.text) || /\b[a-z0-9-]+\.[a-z]{2,}\b/i.test(line.text))) continue;
    for (const cell of line.cells) {
      const t = cell.text.trim();
      if ((/^@[\p{L}\p{N}._-]{2,39}$/u.test(t) || /^[a-z0-9][a-z0-9._-]{2,39}$/.test(t)) && !/\.[a-z]{2,}$/i.test(t) && !/^\d+$/.test(t)) found.push(t);
    }
  }
  return found;
}
