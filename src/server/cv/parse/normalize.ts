/**
 * Text as a person reads it: NFKC (which also unfolds ligatures such as U+FB01 "ﬁ"), no soft hyphens or
 * zero-width characters, no icon glyphs from private-use areas, plain spaces.
 */
export function normalizeText(raw: string): string {
  return raw
    .normalize("NFKC")
    // A soft hyphen printed mid-line (alone, or between letters) is a visible hyphen; at a line end it
    // only marks where a word was broken.
    .replace(/^\s*\u00AD\s*$/, "-")
    .replace(/(?<=\S)\u00AD(?=\S)|(?<=\s)\u00AD(?=\s)/g, "-")
    .replace(/[\u00AD\u200B-\u200D\u2060\uFEFF]/g, "")
    .replace(/[\uE000-\uF8FF]|[\u{F0000}-\u{FFFFD}]/gu, " ")
    .replace(/[\u0000-\u0008\u000B-\u001F\u007F]/g, "")
    .replace(/[\u00A0\u2000-\u200A\u202F\u205F\u3000]/g, " ");
}

/** For comparisons: lower case, one kind of dash, single spaces. */
export function comparable(s: string): string {
  return normalizeText(s)
    .toLowerCase()
    .replace(/[\u2010-\u2015\u2212]/g, "-")
    .replace(/\s+/g, " ")
    .trim();
}

/** "MARISSA MAYER" → "Marissa Mayer"; mixed case is left alone. */
export function titleCaseIfShouting(s: string): string {
  if (!/[A-Z]/.test(s) || s !== s.toUpperCase()) return s;
  return s.toLowerCase().replace(/(^|[\s\-'’.])(\p{L})/gu, (_, sep: string, ch: string) => sep + ch.toUpperCase());
}
