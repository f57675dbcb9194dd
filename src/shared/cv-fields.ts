/**
 * What the editor and the CV API agree on about fields: validation problems as stable codes with field paths
 * (the server sends them, the client translates them and shows each next to its field), and dates as a
 * person reads and types them ("June 2023", "juin 2023", "06/2023"), stored as ISO (YYYY, YYYY-MM, YYYY-MM-DD).
 */
import type { z } from "zod";

export const FIELD_ISSUE_CODES = ["invalid_date", "too_long", "too_many", "required", "invalid"] as const;
export type FieldIssueCode = (typeof FIELD_ISSUE_CODES)[number];

export interface FieldIssue {
  /** Dotted path from the request body's root: "content.work.0.startDate". */
  path: string;
  code: FieldIssueCode;
  /** The bound, for too_long (characters) and too_many (items). */
  max?: number;
}

const DATE_KEY = /(?:^|\.)(?:startDate|endDate|date|releaseDate)$/;

/** Every problem Zod found, as codes a client can translate (at most 50: one form's worth). */
export function fieldIssues(error: z.ZodError, root?: string): FieldIssue[] {
  return error.issues.slice(0, 50).map((issue) => {
    const path = [...(root ? [root] : []), ...issue.path.map(String)].join(".");
    const raw = issue as { code: string; origin?: string; maximum?: number | bigint; minimum?: number | bigint };
    if (DATE_KEY.test(path) && (raw.code === "invalid_format" || raw.code === "invalid_type")) return { path, code: "invalid_date" };
    if (raw.code === "too_big") return { path, code: raw.origin === "array" ? "too_many" : "too_long", max: Number(raw.maximum) };
    if (raw.code === "too_small") return { path, code: "required" };
    return { path, code: "invalid" };
  });
}

// ---- dates ----

/** Languages whose month names the date field understands, whatever the interface's language. */
const DATE_LOCALES = ["en", "fr", "de", "es", "it", "pt", "nl"] as const;

const fold = (s: string) =>
  s
    .normalize("NFD")
    .replace(/[\u0300-\u036f]/g, "")
    .toLowerCase()
    .replace(/[.,]/g, "")
    .trim();

let monthTable: Map<string, number> | undefined;
/** Month names and abbreviations (folded) in every DATE_LOCALE, from Intl: no hand-made lists. */
function months(): Map<string, number> {
  if (monthTable) return monthTable;
  const table = new Map<string, number>();
  for (const locale of DATE_LOCALES)
    for (const width of ["long", "short"] as const) {
      const format = new Intl.DateTimeFormat(locale, { month: width, timeZone: "UTC" });
      for (let m = 0; m < 12; m++) {
        const name = fold(format.format(new Date(Date.UTC(2000, m, 1))));
        if (!table.has(name)) table.set(name, m + 1);
        // "sept" and "sep", "juil" and "jul": a four- and three-letter prefix of a long name is a common spelling.
        if (width === "long") for (const n of [4, 3]) if (name.length > n && !table.has(name.slice(0, n))) table.set(name.slice(0, n), m + 1);
      }
    }
  return (monthTable = table);
}

const pad = (n: number) => String(n).padStart(2, "0");
const validYear = (y: number) => y >= 1900 && y <= 2100;
function isoOf(y: number, m?: number, d?: number): string | null {
  if (!validYear(y)) return null;
  if (m === undefined) return String(y);
  if (m < 1 || m > 12) return null;
  if (d === undefined) return `${y}-${pad(m)}`;
  const last = new Date(Date.UTC(y, m, 0)).getUTCDate();
  return d >= 1 && d <= last ? `${y}-${pad(m)}-${pad(d)}` : null;
}

/**
 * What a person typed in a date field, as ISO: "" → undefined (no date), a date it cannot read → null.
 * Reads "2023", "2023-06", "2023-06-14", "06/2023", "6.2023", "14/06/2023", "June 2023", "juin 2023",
 * "14 juin 2023", "Jun. 2023", "März 2021".
 */
export function parseUserDate(text: string): string | undefined | null {
  const s = text.trim();
  if (s === "") return undefined;
  let m = s.match(/^(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?$/);
  if (m) return isoOf(Number(m[1]), m[2] ? Number(m[2]) : undefined, m[3] ? Number(m[3]) : undefined);
  m = s.match(/^(\d{1,2})[/.\-\s](\d{4})$/);
  if (m) return isoOf(Number(m[2]), Number(m[1]));
  m = s.match(/^(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{4})$/);
  if (m) return isoOf(Number(m[3]), Number(m[2]), Number(m[1]));
  const words = fold(s).replace(/\bde\b/g, " ").split(/\s+/).filter(Boolean);
  // [day] month year, or month [day] year ("June 14 2023").
  const year = words.length >= 2 ? Number(words[words.length - 1]) : NaN;
  if (!Number.isInteger(year)) return null;
  const rest = words.slice(0, -1);
  const monthIndex = rest.findIndex((w) => months().has(w));
  if (monthIndex < 0 || rest.length > 2) return null;
  const month = months().get(rest[monthIndex]!)!;
  const dayWord = rest.find((_, i) => i !== monthIndex);
  if (dayWord === undefined) return isoOf(year, month);
  const day = Number(dayWord.replace(/(st|nd|rd|th|er)$/, ""));
  return Number.isInteger(day) ? isoOf(year, month, day) : null;
}

/** An ISO date as the reader reads it: "2023", "June 2023" / "juin 2023", "14 June 2023". */
export function formatUserDate(iso: string | undefined, locale: string): string {
  if (!iso) return "";
  const [y, m, d] = iso.split("-").map(Number);
  if (!m) return String(y);
  const date = new Date(Date.UTC(y!, m - 1, d ?? 1));
  return new Intl.DateTimeFormat(locale, { year: "numeric", month: "long", ...(d ? { day: "numeric" } : {}), timeZone: "UTC" }).format(date);
}
