/** What a job offer asks for: skills (via the lexicon), spoken languages, seniority, salient keywords. */
import { findSkills } from "./lexicon";

export type OfferLanguage = "en" | "fr" | "es" | "de";
export type Seniority = "intern" | "junior" | "mid" | "senior" | "lead" | "principal";

export interface Requirements {
  language: OfferLanguage;
  /** Canonical skill names, most emphasised first; `optional` ones come from "nice to have" parts. */
  skills: { name: string; mentions: number; optional: boolean }[];
  /** Spoken languages asked for, as English names ("French"). */
  languages: string[];
  seniority: { level: Seniority | null; minYears: number | null };
  keywords: string[];
}

const SPOKEN: [string, RegExp][] = [
  ["English", /\b(english|anglais|inglés|ingles|englisch)\b/i],
  ["French", /\b(french|français|francais|francés|frances|französisch)\b/i],
  ["German", /\b(german|allemand|alemán|aleman|deutsch)\b/i],
  ["Spanish", /\b(spanish|espagnol|español|espanol|spanisch)\b/i],
  ["Italian", /\b(italian|italien|italiano|italienisch)\b/i],
  ["Portuguese", /\b(portuguese|portugais|portugués|portugiesisch)\b/i],
  ["Dutch", /\b(dutch|néerlandais|neerlandais|neerlandés|niederländisch)\b/i],
  ["Chinese", /\b(chinese|mandarin|chinois|chino|chinesisch)\b/i],
  ["Japanese", /\b(japanese|japonais|japonés|japanisch)\b/i],
  ["Arabic", /\b(arabic|arabe|árabe|arabisch)\b/i],
  ["Russian", /\b(russian|russe|ruso|russisch)\b/i],
  ["Polish", /\b(polish|polonais|polaco|polnisch)\b/i],
];

// Programming-language names that are also spoken-language words never count as spoken ("Go", "R").
const STOPWORDS = new Set(
  (
    "a an the and or of to in on for with at by from as is are be been being this that these those it its we you your our their they will would can could should may must have has had do does did not no yes but if then than so such very more most other into over under about across per via also any all each both few many much some own same just only well using use used work working team teams role roles job position candidate candidates experience experienced years year strong good great excellent ability skills skill knowledge understanding including include plus preferred required requirements responsibilities responsibility looking join company product products new build building develop developing development environment environments opportunity offer benefits salary remote hybrid office full time part etc who what when where why how which while within without least minimum ideally bonus nice like love passion passionate help helping ensure make making based across day days week weeks month months " +
    "le la les un une des du de et ou à au aux en dans pour par sur avec sans est sont être avoir nous vous votre vos notre nos leur leurs ce cette ces qui que quoi dont où plus moins très bien bon bonne ans an expérience expériences compétences poste équipe équipes mission missions profil vous êtes serez afin ainsi chez entre comme aussi tout tous toute toutes " +
    "el los las uno una unos unas del y o en para por con sin es son ser estar tener nosotros usted su sus nuestro nuestra este esta estos estas que quien cuando donde más menos muy bien años año experiencia equipo puesto perfil " +
    "der die das ein eine einen einem und oder zu im in auf für mit ohne ist sind sein haben wir sie ihr ihre unser unsere dieser diese dieses dass wer wann wo mehr weniger sehr gut jahre jahr erfahrung team stelle profil kenntnisse"
  ).split(/\s+/),
);

function detectLanguage(text: string): OfferLanguage {
  const words = text.toLowerCase().match(/\p{L}+/gu) ?? [];
  const score = (list: string[]) => words.filter((w) => list.includes(w)).length;
  const scores: [OfferLanguage, number][] = [
    ["en", score(["the", "and", "with", "you", "our", "for", "will", "experience"])],
    ["fr", score(["le", "la", "les", "et", "des", "vous", "nous", "pour", "avec", "expérience"])],
    ["es", score(["el", "los", "las", "y", "con", "para", "usted", "nuestro", "experiencia"])],
    ["de", score(["der", "die", "das", "und", "mit", "für", "wir", "sie", "erfahrung"])],
  ];
  scores.sort((a, b) => b[1] - a[1]);
  return scores[0]![1] > 0 ? scores[0]![0] : "en";
}

const OPTIONAL_MARK = /nice[- ]to[- ]have|a plus|is a plus|bonus|preferred|appreciated|idéalement|serait un plus|apprécié|souhaité|deseable|valorable|wünschenswert|von vorteil|optional/i;

function seniorityOf(text: string): Requirements["seniority"] {
  const years = [...text.matchAll(/(\d{1,2})\s*\+?\s*(?:years?|yrs?|ans|années|años|jahre)/gi)].map((m) => Number(m[1]));
  const minYears = years.length ? Math.min(...years.filter((y) => y > 0 && y < 30)) : null;
  const t = text.toLowerCase();
  let level: Seniority | null = null;
  if (/\b(principal|staff engineer|architecte? principal)\b/.test(t)) level = "principal";
  else if (/\b(lead|tech lead|team lead|head of|chef d'équipe|responsable)\b/.test(t)) level = "lead";
  else if (/\b(senior|sr\.?|confirmé|expérimenté|sénior)\b/.test(t)) level = "senior";
  else if (/\b(junior|jr\.?|graduate|débutant|entry[- ]level)\b/.test(t)) level = "junior";
  else if (/\b(intern|internship|stage|stagiaire|prácticas|praktikum)\b/.test(t)) level = "intern";
  else if (/\b(mid[- ]level|intermediate)\b/.test(t)) level = "mid";
  return { level, minYears: Number.isFinite(minYears as number) ? minYears : null };
}

/** Reads the requirements of one job offer. */
export function extractRequirements(offerText: string): Requirements {
  const language = detectLanguage(offerText);
  // Split into parts so that "nice to have" sections mark their skills optional.
  const parts = offerText.split(/\n\s*\n|(?=\n\s*(?:nice[- ]to[- ]have|bonus|preferred|idéalement|un plus)\b)/i);
  const skills = new Map<string, { mentions: number; optional: boolean }>();
  for (const part of parts) {
    const optional = OPTIONAL_MARK.test(part);
    for (const [name, count] of findSkills(part)) {
      const prev = skills.get(name);
      skills.set(name, { mentions: (prev?.mentions ?? 0) + count, optional: prev ? prev.optional && optional : optional });
    }
  }
  const skillList = [...skills.entries()]
    .map(([name, s]) => ({ name, ...s }))
    .sort((a, b) => Number(a.optional) - Number(b.optional) || b.mentions - a.mentions);

  const languages = SPOKEN.filter(([, re]) => re.test(offerText)).map(([name]) => name);

  const skillWords = new Set(skillList.flatMap((s) => s.name.toLowerCase().split(/\s+/)));
  const counts = new Map<string, number>();
  for (const w of offerText.toLowerCase().match(/\p{L}[\p{L}-]{3,}/gu) ?? []) {
    if (STOPWORDS.has(w) || skillWords.has(w) || SPOKEN.some(([, re]) => re.test(w))) continue;
    counts.set(w, (counts.get(w) ?? 0) + 1);
  }
  const keywords = [...counts.entries()]
    .filter(([, n]) => n >= 2)
    .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
    .slice(0, 8)
    .map(([w]) => w);

  return { language, skills: skillList, languages, seniority: seniorityOf(offerText), keywords };
}
