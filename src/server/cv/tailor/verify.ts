/**
 * The check a language model's rewrite of a tailored CV must pass before it is used. The model may only
 * rephrase facts the CV already states; a rewrite that brings in a number or a date, a skill, an employer or
 * another proper name, or a headline word absent from the base CV is rejected, and the caller keeps the
 * offline result. What cannot be checked mechanically (a paraphrase that changes meaning) is not claimed.
 *
 * Allowed material: the base CV and the offline tailored CV (whose headline and summary are computed from the
 * base CV's facts: current title, years of experience). The offer's words are allowed for ordinary prose, but
 * never the employer's own name, and never a skill the CV does not show.
 */
import type { CvContent, JobOffer } from "../../../shared/cv";
import { findSkills, fold, stem } from "./lexicon";
import { employerWords, isStopword } from "./requirements";

export interface RewriteTexts {
  label: string;
  summary: string;
  highlights: string[];
}

const NUMBER_WORDS: Record<string, string> = Object.fromEntries(
  [
    ["zero", "zéro", "null", "cero"],
    ["one", "un", "eins", "uno"],
    ["two", "deux", "zwei", "dos"],
    ["three", "trois", "drei", "tres"],
    ["four", "quatre", "vier", "cuatro"],
    ["five", "cinq", "fünf", "cinco"],
    ["six", "six", "sechs", "seis"],
    ["seven", "sept", "sieben", "siete"],
    ["eight", "huit", "acht", "ocho"],
    ["nine", "neuf", "neun", "nueve"],
    ["ten", "dix", "zehn", "diez"],
    ["eleven", "onze", "elf", "once"],
    ["twelve", "douze", "zwölf", "doce"],
  ].flatMap((words, n) => words.map((w) => [fold(w), String(n)])),
);

/** Numbers as values: "4,000" and "4000" are one, "03" is "3"; number words up to twelve count as digits. */
function numbersOf(text: string): Set<string> {
  const found = new Set<string>();
  for (const m of text.matchAll(/\d+(?:[,.\u00a0\u202f ]\d{3})*(?:[.,]\d+)?/g)) {
    const value = m[0].replace(/[,.\u00a0\u202f ](?=\d{3}(?!\d))/g, "").replace(",", ".");
    found.add(String(Number(value)));
  }
  for (const w of fold(text).match(/\p{L}+/gu) ?? []) if (NUMBER_WORDS[w]) found.add(NUMBER_WORDS[w]);
  return found;
}

const TITLE_WORDS = new Set(
  (
    "senior junior lead principal staff head chief director directeur directrice director manager managers engineer engineers " +
    "ingenieur ingenieure ingeniero ingeniera ingenieurin developer developpeur developpeuse desarrollador desarrolladora entwickler " +
    "architect architecte arquitecto architekt founder fondateur fondatrice fundador grunder cto ceo cfo coo vp president expert experte " +
    "consultant consultante consultor berater intern stagiaire becario praktikant confirme experimente responsable jefe leiter leiterin"
  ).split(" "),
);

const wordsOf = (text: string) => fold(text).match(/\p{L}[\p{L}\p{N}'’-]*/gu) ?? [];

/** Capitalised words that do not open a sentence, a heading or a list item: names of people, places, firms. */
function properNames(text: string): string[] {
  const names: string[] = [];
  for (const m of text.matchAll(/(?<![\p{L}\p{N}])\p{Lu}[\p{L}\p{N}&'’-]*/gu)) {
    const before = text.slice(0, m.index);
    if (/(?:^|[.!?:;·|•—–(\[«"“„\n-])\s*$/.test(before)) continue;
    names.push(m[0]);
  }
  return names;
}

/** Why the rewrite is rejected, in words a person can read; null when it only rephrases the CV. */
export function rejectRewrite(base: CvContent, offline: CvContent, offer: JobOffer, rewrite: RewriteTexts): string | null {
  const cvText = `${JSON.stringify(base)}\n${offline.basics.label ?? ""}\n${offline.basics.summary ?? ""}`;
  const all = [rewrite.label, rewrite.summary, ...rewrite.highlights].join("\n");
  const quote = (items: string[]) => items.slice(0, 3).map((s) => `“${s}”`).join(", ");

  const cvNumbers = numbersOf(cvText);
  const newNumbers = [...numbersOf(all)].filter((n) => !cvNumbers.has(n));
  if (newNumbers.length) return `it states numbers or dates the CV does not (${quote(newNumbers)})`;

  const cvSkills = new Set(findSkills(cvText).keys());
  const newSkills = [...findSkills(all).keys()].filter((s) => !cvSkills.has(s));
  if (newSkills.length) return `it claims skills the CV does not show (${quote(newSkills)})`;

  const cvWords = new Set(wordsOf(cvText));
  const cvStems = new Set([...cvWords].map(stem));
  const employer = employerWords(offer.text, offer.company).filter((w) => !cvWords.has(w));
  const claimed = wordsOf(all).filter((w) => employer.includes(w));
  if (claimed.length) return `it names the offer's employer, absent from the CV (${quote([...new Set(claimed)])})`;

  const offerWords = new Set(wordsOf(`${offer.title ?? ""} ${offer.text}`));
  const newNames = [rewrite.label, rewrite.summary, ...rewrite.highlights].flatMap(properNames).filter((name) => {
    const w = fold(name);
    return !cvWords.has(w) && !cvStems.has(stem(w)) && !offerWords.has(w) && !isStopword(w);
  });
  if (newNames.length) return `it names an employer, a person or a place the CV does not (${quote([...new Set(newNames)])})`;

  // The headline is a title: each of its words must come from the CV itself, not from the offer; role and
  // rank words ("Senior", "Lead", "Ingénieur") count even though the match report ignores them.
  const newTitleWords = wordsOf(rewrite.label).filter(
    (w) => w.length >= 3 && (TITLE_WORDS.has(w) || !isStopword(w)) && !cvWords.has(w) && !cvStems.has(stem(w)),
  );
  if (newTitleWords.length) return `its headline uses words the CV does not (${quote(newTitleWords)}); the headline keeps the candidate's real title`;

  return null;
}
