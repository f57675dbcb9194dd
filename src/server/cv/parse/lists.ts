/** Lists: skills, languages (incl. Europass grids), interests and publications. */
import type { CvSkill } from "../../../shared/cv";
import type { Line } from "./layout";
import { clean, joinWrapped, LEVEL_RE, SKILL_LABEL_RE, stripBullet, wordCount } from "./lexicon";
import { sectionOf } from "./sections";

export function splitList(text: string): string[] {
  return text
    .split(/\s*(?:[,;•·|、，；]|\s{2,}|\s[-=>]+\s|\s<\s)\s*/)
    .map((s) => clean(s.replace(/\.$/, "")))
    .filter((s) => s.length > 0 && s.length <= 60 && !LEVEL_RE.test(s) && !isRating(s));
}

/** Rating marks ("● ● ● ○ ○", "★★★☆", "■■□"): a level, never a name. */
export const RATING_RE = /^[\s●○◯◉◎⬤⚫⚪•·★☆✩✪✭✮■□▪▫◆◇♦❖⭐|/()\d.,-]*$/u;

export const RATING_GLYPH_RE = /[●○◯◉◎⬤⚫⚪★☆✩✪✭✮■□▪▫◆◇♦❖⭐]/u;

export const isRating = (s: string) => {
  const t = s.trim();
  if (RATING_RE.test(t) && !/^\d[\d.,]*$/.test(t) && /[^\s\d.,/()|-]/u.test(t)) return true;
  // Glyph fonts map a filled mark to a letter ("○ ○ ○ ○ A"): one-character tokens, some of them marks.
  const tokens = t.split(/\s+/);
  return tokens.length >= 3 && tokens.every((x) => [...x].length === 1) && (tokens.some((x) => RATING_GLYPH_RE.test(x)) || tokens.every((x) => x === tokens[0]));
};

export function parseSkills(lines: Line[]): CvSkill[] {
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
export function languageRows(lines: Line[]): { rest: Line[]; languageLines: Line[] } {
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

export function parseLanguages(lines: Line[]) {
  return lines
    .flatMap((l) => l.cells.flatMap((c) => splitList(stripBullet(c.text))))
    .map((item) => {
      const m = item.match(/^([\p{L} ]+?)\s*(?:[(:–-]\s*([^)]+)\)?)?$/u);
      return m ? { language: m[1]!.trim(), fluency: m[2]?.trim() } : { language: item };
    })
    .filter((l) => /\p{L}{2}/u.test(l.language) && !LEVEL_RE.test(l.language) && !isRating(l.language));
}

export const MOTHER_TONGUE_RE = /^((?:mother tongue\(?s?\)?|native languages?|langues? maternelles?|muttersprachen?|lingua madre|lingue madri|língua materna|línguas maternas|língua\(s\) materna\(s\)|lengua\(s\) materna\(s\)|lengua materna|lenguas maternas))\s*[:：]?\s*(.*)$/i;

export const CEFR_RE = /^[ABC][12](?:\s*[+-])?$/;

/**
 * Languages as Europass prints them anywhere in the CV: "Mother tongue(s)  Español" and a CEFR grid row
 * ("English  B2  B2  B2  B1  B2").
 */
export function europassLanguages(lines: Line[]): { language: string; fluency?: string }[] {
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
export function labelledSkills(lines: Line[]): CvSkill[] {
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

/** A numbered or bulleted reference: "[1]", "[J2]", "1.", "•". */
export const ITEM_MARK_RE = /^\s*(?:\[[A-Za-z]?\d+\]|\(\d+\)|\d{1,3}[.)]\s|[•◦▪●■►‣∙·*–-]\s)/;

/**
 * One publication per item: items start at a number or bullet mark when the section uses them, else at a
 * vertical gap, else each line is one.
 */
export function parsePublications(lines: Line[]): { name: string; releaseDate?: string; dateText?: string }[] {
  // Group labels inside the section ("Books", "Journal articles"): short lines set larger than the items.
  const sizes = lines.map((l) => l.size).sort((a, b) => a - b);
  const itemSize = sizes[Math.floor(sizes.length / 2)] ?? 0;
  const isLabel = (l: Line) => l.size > itemSize * 1.2 && wordCount(l.text) <= 6 && !/\d{4}/.test(l.text);
  const items0 = lines.filter((l) => !isLabel(l));
  // (An item never runs across a label.)
  const afterLabel = new Set(lines.filter((l, i) => i > 0 && isLabel(lines[i - 1]!) && !isLabel(l)));
  const marked = items0.some((l) => ITEM_MARK_RE.test(l.text));
  // A hanging indent (each item's first line at the section's left edge, the rest of it further in) marks items.
  const left = Math.min(...items0.map((l) => l.x));
  const atEdge = items0.filter((l) => l.x <= left + 2).length;
  const hanging = !marked && atEdge >= 2 && items0.length - atEdge >= 2;
  const gapped = !marked && !hanging && items0.some((l, i) => i > 0 && l.gapAbove > 0.45 && l.gapAbove !== Infinity);
  const items: string[] = [];
  items0.forEach((l, i) => {
    const text = l.text.replace(/\s{2,}/g, " ").trim();
    if (!text) return;
    // A wrapped line follows closely; one set far below starts another item even without a mark.
    const starts = i === 0 || afterLabel.has(l) || l.gapAbove > 1.2 || (marked ? ITEM_MARK_RE.test(l.text) : hanging ? l.x <= left + 2 : gapped ? l.gapAbove > 0.45 : true);
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

/**
 * "Sketch" over "Advanced", at least three times, outside any skills section (a sidebar printed without its
 * heading): skills with their levels.
 */
export function levelledSkills(lines: Line[]): CvSkill[] {
  const found: CvSkill[] = [];
  for (let i = 0; i + 1 < lines.length; i++) {
    const name = lines[i]!;
    const level = lines[i + 1]!;
    const label = clean(stripBullet(name.text));
    if (
      LEVEL_RE.test(clean(level.text)) &&
      !LEVEL_RE.test(label) &&
      /\p{L}/u.test(label) &&
      wordCount(label) <= 4 &&
      !sectionOf(label) &&
      name.cells.length === 1 &&
      level.cells.length === 1 &&
      name.page === level.page &&
      name.column === level.column &&
      Math.abs(name.x - level.x) < 3 &&
      level.y > name.y &&
      level.y - name.y < 2.5 * name.size
    ) {
      found.push({ name: label, level: clean(level.text) });
      i++;
    }
  }
  return found.length >= 3 ? found : [];
}
