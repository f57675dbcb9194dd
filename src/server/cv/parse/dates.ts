/**
 * Dates as CVs print them, in English, French, Spanish, German and Chinese: "Oct 2016", "Sep. 2023",
 * "2016 / 09", "2023-06", "January 2019", "Sep 15" (two-digit year), "2015年3月", and ranges between them
 * ending in "Present", "aujourd'hui", "actualidad", "heute", "至今"…
 */
const MONTHS: Record<string, number> = {};
const monthNames: [number, string[]][] = [
  [1, ["jan", "january", "janv", "janvier", "ene", "enero", "januar", "jän", "jänner", "gen", "gennaio", "janeiro"]],
  [2, ["feb", "february", "févr", "fevr", "fév", "fev", "février", "fevrier", "febrero", "februar", "febbraio", "fevereiro"]],
  [3, ["mar", "march", "mars", "marzo", "märz", "marz", "mär", "março", "marco"]],
  [4, ["apr", "april", "avr", "avril", "abr", "abril", "aprile"]],
  [5, ["may", "mai", "mayo", "mag", "maggio", "maio"]],
  [6, ["jun", "june", "juin", "junio", "juni", "giu", "giugno", "junho"]],
  [7, ["jul", "july", "juil", "juillet", "julio", "juli", "lug", "luglio", "julho"]],
  [8, ["aug", "august", "août", "aout", "ago", "agosto"]],
  [9, ["sep", "sept", "september", "septembre", "septiembre", "set", "setiembre", "settembre", "setembro"]],
  [10, ["oct", "october", "octobre", "octubre", "okt", "oktober", "ott", "ottobre", "out", "outubro"]],
  [11, ["nov", "november", "novembre", "noviembre", "novembro"]],
  [12, ["dec", "december", "déc", "décembre", "decembre", "dic", "diciembre", "dez", "dezember", "dicembre", "dezembro"]],
];
for (const [n, names] of monthNames) for (const name of names) MONTHS[name] = n;

const monthPattern = Object.keys(MONTHS)
  .sort((a, b) => b.length - a.length)
  .join("|");
const PRESENT = String.raw`present|current|currently|now|today|ongoing|to date|date|aujourd'hui|aujourd’hui|présent|actuel|actuellement|en cours|actualidad|presente|actual|hoy|heute|jetzt|laufend|derzeit|bis heute|alla data attuale|in corso|oggi|attuale|atual|atualmente|hoje|em curso|o momento|至今|现在|今`;
const SEASON = String.raw`(?:spring|summer|fall|autumn|winter|été|printemps|automne|hiver|verano|invierno|sommer|winter)`;

// One date: a month name and year, a numeric month and year, a season and year, or a year alone.
const ONE = String.raw`(?:(?:${monthPattern})\.?\s+\d{1,2}(?:st|nd|rd|th)?,\s*\d{4}|\d{1,2}\s*[/.]\s*\d{1,2}\s*[/.]\s*\d{4}|\d{4}\s*[/.]?\s*(?:${monthPattern})\.?(?![\p{L}])|(?:${monthPattern})\.?\s*,?\s*(?:\d{4}|['’]?\d{2})|\d{4}\s*[/.-]\s*\d{1,2}(?:\s*[/.-]\s*\d{1,2})?|\d{1,2}\s*[/.]\s*\d{4}|${SEASON}\s+\d{4}|\d{4}\s*年\s*(?:\d{1,2}\s*月)?|\d{4})`;
const SEP = String.raw`\s*(?:-|–|—|−|to|till|until|à|au|a|hasta|bis|~|至)\s*`;
// Some PDFs lose the dash between two dates ("Sep. 2023 Mar. 2024"): two month-year dates side by side are a range.
const MONTH_YEAR = String.raw`(?:${monthPattern})\.?\s*(?:\d{4})`;
export const DATE_RANGE_RE = new RegExp(
  String.raw`(?<![\p{L}\d])(${ONE})(?:${SEP}(${ONE}|${PRESENT})|\s+(${MONTH_YEAR}|\d{4}|${PRESENT}))?(?![\p{L}\d])`,
  "iu",
);
const DATE_RANGE_RE_ALL = new RegExp(DATE_RANGE_RE.source, "giu");
/**
 * "03/24 – 09/26": month and two-digit year, read only as a range (a lone "03/24" could be a day and a month,
 * or a score).
 */
const SHORT_RANGE_RE = new RegExp(String.raw`(?<![\d/.])(0?[1-9]|1[0-2])\s*/\s*(\d{2})${SEP}(?:(0?[1-9]|1[0-2])\s*/\s*(\d{2})|(${PRESENT}))(?![\d/.\p{L}])`, "iu");
const PRESENT_RE = new RegExp(`^(?:${PRESENT})$`, "i");

export interface ParsedDate {
  /** YYYY, YYYY-MM or YYYY-MM-DD. */
  iso?: string;
  text: string;
}

export interface DateRange {
  start: ParsedDate;
  /** Absent: still current (or a single date). */
  end?: ParsedDate;
  current: boolean;
  /** The end as printed ("Present", "alla data attuale"), when there is one. */
  endText?: string;
  /** The whole matched text. */
  text: string;
  index: number;
}

const pad = (n: number) => String(n).padStart(2, "0");
const plausibleYear = (y: number) => y >= 1950 && y <= 2100;

/**
 * A two-digit year ("Sep 98", "Jan 15"): the latest century that does not put it after next year, unless the
 * CV's other dates say otherwise (`pivotCentury`, from the four-digit years it prints).
 */
export function resolveTwoDigitYear(yy: number, pivotCentury?: number, now = new Date()): number {
  const latest = now.getUTCFullYear() + 1;
  const inCentury = (c: number) => c * 100 + yy;
  if (pivotCentury !== undefined && inCentury(pivotCentury) <= latest && inCentury(pivotCentury) >= 1950) return inCentury(pivotCentury);
  return inCentury(Math.floor(latest / 100)) <= latest ? inCentury(Math.floor(latest / 100)) : inCentury(Math.floor(latest / 100) - 1);
}

let pivot: number | undefined;
/** Sets the century two-digit years fall in while one CV is parsed (undefined: the default rule). */
export function withTwoDigitYearPivot<T>(century: number | undefined, run: () => T): T {
  const before = pivot;
  pivot = century;
  try {
    return run();
  } finally {
    pivot = before;
  }
}

/** Parses one printed date to its ISO form (undefined when it has none, e.g. "Summer 2012" keeps its year). */
export function parseDate(text: string): ParsedDate {
  const t = text.trim();
  const lower = t.toLowerCase().replace(/\.$/, "");
  // "Jul 01, 2016", "March 3rd, 2020": month, day, year.
  let m = lower.match(new RegExp(`^(${monthPattern})\\.?\\s+(\\d{1,2})(?:st|nd|rd|th)?,\\s*(\\d{4})$`, "i"));
  if (m && MONTHS[m[1]!] && Number(m[2]) >= 1 && Number(m[2]) <= 31 && plausibleYear(Number(m[3]))) return { iso: `${m[3]}-${pad(MONTHS[m[1]!]!)}-${pad(Number(m[2]))}`, text: t };
  m = lower.match(new RegExp(`^(${monthPattern})\\.?\\s*,?\\s*['’]?(\\d{4}|\\d{2})$`, "i"));
  if (m) {
    const year = m[2]!.length === 2 ? resolveTwoDigitYear(Number(m[2]), pivot) : Number(m[2]);
    const month = MONTHS[m[1]!.toLowerCase()];
    if (month && plausibleYear(year)) return { iso: `${year}-${pad(month)}`, text: t };
  }
  m = lower.match(new RegExp(`^(\\d{4})\\s*[/.]?\\s*(${monthPattern})\\.?$`, "i"));
  if (m && MONTHS[m[2]!] && plausibleYear(Number(m[1]))) return { iso: `${m[1]}-${pad(MONTHS[m[2]!]!)}`, text: t };
  m = lower.match(/^(\d{1,2})\s*[/.]\s*(\d{1,2})\s*[/.]\s*(\d{4})$/);
  if (m && plausibleYear(Number(m[3]))) {
    // Day first (the order of every language the parser reads but US English), unless that is impossible.
    let [day, month] = [Number(m[1]), Number(m[2])];
    if (month > 12 && day <= 12) [day, month] = [month, day];
    if (month >= 1 && month <= 12 && day >= 1 && day <= 31) return { iso: `${m[3]}-${pad(month)}-${pad(day)}`, text: t };
  }
  m = lower.match(/^(\d{4})\s*[/.-]\s*(\d{1,2})(?:\s*[/.-]\s*(\d{1,2}))?$/);
  if (m && Number(m[2]) >= 1 && Number(m[2]) <= 12 && plausibleYear(Number(m[1]))) {
    return { iso: `${m[1]}-${pad(Number(m[2]))}${m[3] && Number(m[3]) <= 31 ? `-${pad(Number(m[3]))}` : ""}`, text: t };
  }
  m = lower.match(/^(\d{1,2})\s*[/.]\s*(\d{4})$/);
  if (m && Number(m[1]) >= 1 && Number(m[1]) <= 12) return { iso: `${m[2]}-${pad(Number(m[1]))}`, text: t };
  m = lower.match(/^(\d{4})\s*年\s*(?:(\d{1,2})\s*月)?$/);
  if (m) return { iso: m[2] ? `${m[1]}-${pad(Number(m[2]))}` : m[1], text: t };
  m = lower.match(/(\d{4})/);
  if (m && plausibleYear(Number(m[1]))) return { iso: m[1], text: t };
  return { text: t };
}

/** The first date or date range in `text`, if any. */
export function findDateRange(text: string): DateRange | null {
  // A range wins over a lone year printed before it ("ESNE, since 2024 (Sep 2019 – Sep 2023)").
  const all = [...text.matchAll(DATE_RANGE_RE_ALL)];
  const m = all.find((x) => x[2] !== undefined || x[3] !== undefined) ?? all[0];
  if (!m || (m[2] === undefined && m[3] === undefined)) {
    const short = text.match(SHORT_RANGE_RE);
    if (short) {
      const iso = (mm: string, yy: string) => `${resolveTwoDigitYear(Number(yy), pivot)}-${pad(Number(mm))}`;
      const [startText, endText] = short[0].split(new RegExp(SEP, "i"), 2).map((t) => t.trim()) as [string, string];
      const current = short[5] !== undefined;
      return {
        start: { iso: iso(short[1]!, short[2]!), text: startText },
        end: current ? undefined : { iso: iso(short[3]!, short[4]!), text: endText },
        current,
        endText,
        text: short[0],
        index: short.index!,
      };
    }
  }
  if (!m) return null;
  const startText = m[1]!;
  // A lone 4-digit number is a year only if it looks like one.
  if (!m[2] && /^\d{4}$/.test(startText.trim()) && !plausibleYear(Number(startText))) return null;
  const start = parseDate(startText);
  if (!start.iso && !/\d{4}/.test(startText)) return null;
  // Without a dash, two dates side by side are a range when both are month-year dates ("Sep. 2023 Mar. 2024"),
  // or a year and a later year or "Present" ("2021 2023", "2023 Present").
  const loose = m[3];
  const yearPair = loose !== undefined && /^\d{4}$/.test(startText.trim()) && (PRESENT_RE.test(loose.trim()) || (/^\d{4}$/.test(loose) && Number(loose) >= Number(startText) && Number(loose) - Number(startText) < 60));
  const endText = m[2] ?? (loose !== undefined && ((/^\s*\p{L}/u.test(startText) && /\d{4}/.test(loose) && /^\s*\p{L}/u.test(loose)) || yearPair) ? loose : undefined);
  const current = endText !== undefined && PRESENT_RE.test(endText.trim());
  return {
    start,
    end: endText && !current ? parseDate(endText) : undefined,
    current,
    endText: endText?.trim(),
    text: endText === undefined && loose !== undefined ? startText : m[0],
    index: m.index!,
  };
}

export const isPresentWord = (s: string) => PRESENT_RE.test(s.trim());
