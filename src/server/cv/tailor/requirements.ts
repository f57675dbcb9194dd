/**
 * What a job offer asks for: skills (via the lexicon), spoken languages, seniority, salient keywords. Never a
 * requirement: the employer's own name (from the offer's company field or its text), places (see places.ts)
 * and stop words in en/fr/de/es. Keywords are compared by folded stem, so "Inférence" and "inference" are one.
 */
import { findSkills, fold, LEXICON, stem } from "./lexicon";
import { PLACE_WORDS } from "./places";

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
  /** Folded words of the employer's name, as found in the company field or the offer's text; never requirements. */
  employerWords: string[];
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
    "der die das ein eine einen einem und oder zu im in auf für mit ohne ist sind sein haben wir sie ihr ihre unser unsere dieser diese dieses dass wer wann wo mehr weniger sehr gut jahre jahr erfahrung team stelle profil kenntnisse " +
    // more English
    "about after again against because before below between during further here there once only out same through until upon whom whose yours ours theirs them themselves itself myself herself himself being having doing shall might need needs needed want wants apply applying application applications send please thank thanks today tomorrow join joining hiring hire hires looking seeking seek candidate candidates people person someone something everything anything every great growing growth fast paced exciting competitive package equity perks fully flexible hours home onsite on-site location located based headquarters hq world global international mission vision values culture diverse diversity inclusive inclusion equal employer employment contract permanent temporary internship junior senior lead principal staff engineer engineers engineering manager managers role position responsibilities requirement qualifications qualification must-have must-haves bonus plus ideal ideally ability able ready willing etc. " +
    // more French
    "aux auquel auxquels celle celles celui ceux dont elle elles il ils je tu on lui leur même mêmes mais donc car ni soit être était sera serez seront avez avons ont fait faire faites peut peuvent pouvez doit doivent devez rejoindre rejoignez rejoins recrute recrutons recherche recherchons cherchons candidat candidate candidats poste postes cdi cdd stage alternance temps plein partiel télétravail teletravail hybride locaux bureau bureaux siège siege entreprise société societe startup groupe mission missions rôle role responsabilités responsabilites profil recherché recherche requis souhaité souhaitee atout atouts idéalement idealement plus minimum maîtrise maitrise connaissance connaissances capacité capacite sens esprit envie aimez avantages salaire rémunération remuneration ticket tickets restaurant mutuelle prime primes " +
    // more Spanish
    "al lo le les se su sus mi mis tu tus ella ellas ellos nos os como pero porque sino también tambien muy tanto cada otro otra otros otras sobre entre hasta desde durante mediante buscamos busca buscando ofrecemos ofrece únete unete incorporar incorporación incorporacion empresa oficina oficinas remoto híbrido hibrido jornada completa contrato indefinido salario beneficios requisitos requisito deseable valorable conocimientos conocimiento capacidad puesto vacante candidato candidata responsabilidades funciones " +
    // more German
    "den dem des einer eines auch aber als wie wenn weil noch schon nur bei nach von vom zum zur aus über ueber unter durch gegen um bis seit sowie bzw idealerweise wünschenswert wuenschenswert vorteil suchen sucht bieten bietet unternehmen firma büro buero standort vollzeit teilzeit homeoffice remote hybrid gehalt vergütung verguetung benefits aufgaben anforderungen qualifikation qualifikationen kenntnisse fähigkeit fahigkeit fähigkeiten ingenieur ingenieure ingenieurs ingeniera ingeniero ingenieros ingenieurin entwickler entwicklerin developpeur developpeuse desarrollador desarrolladora developer developers bewerbung bewerben kandidat kandidatin mitarbeiter mitarbeiterin unbefristet befristet"
  ).split(/\s+/).map(fold),
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

const NAME = String.raw`\p{Lu}[\p{L}\p{N}&'.-]*(?:[ \t]+(?:\p{Lu}[\p{L}\p{N}&'.-]*|&|de|of|und|et|y))*`;
/** Phrases that name the employer in an offer's own text: "at Helios", "Helios is hiring", "chez Helios", "About Helios". */
const EMPLOYER_PATTERNS = [
  new RegExp(String.raw`(?:^|[^\p{L}])(?:at|join|joining|chez|rejoindre|rejoignez|rejoins|bei|über|uber|únete a|unete a|about|à propos de|a propos de|sobre)[ \t]+(${NAME})`, "gu"),
  new RegExp(String.raw`(${NAME})[ \t]+(?:is hiring|is looking|is seeking|is a|is an|recrute|recherche|sucht|busca|est une?|ist ein|ist eine|es una?)(?![\p{L}])`, "gu"),
];
/** Words that start a sentence or a heading and are never a company name by themselves. */
const NOT_A_NAME = new Set(["we", "you", "our", "the", "nous", "vous", "wir", "sie", "ihr", "le", "la", "les", "el", "la", "los", "las", "un", "une", "une", "a", "an", "this", "cette", "ce", "die", "der", "das"]);

/** Folded words of the employer's name: the company field, plus names the text introduces as the employer. */
export function employerWords(offerText: string, company?: string): string[] {
  const words = new Set<string>();
  const add = (name: string) => {
    for (const w of fold(name).match(/\p{L}[\p{L}\p{N}]*/gu) ?? []) if (w.length >= 2 && !NOT_A_NAME.has(w) && !STOPWORDS.has(w)) words.add(w);
  };
  if (company) add(company);
  const skillWords = new Set(LEXICON.flatMap((e) => e.aliases));
  for (const re of EMPLOYER_PATTERNS) {
    for (const m of offerText.matchAll(re)) {
      const name = m[1]!.trim();
      // A tool named after "at"/"about" ("experience at Kubernetes scale") is a skill, never the employer.
      if (skillWords.has(fold(name)) || findSkills(name).size > 0) continue;
      add(name);
    }
  }
  return [...words];
}

/** Reads the requirements of one job offer; `company` is the offer's company field when known. */
export function extractRequirements(offerText: string, company?: string): Requirements {
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

  const languages = SPOKEN.filter(([, re]) => re.test(offerText)).map(([name]) => name);

  const employer = employerWords(offerText, company);
  const excluded = new Set(employer.map(stem));
  // An employer whose name is also a tool ("Snowflake", "Oracle") is not asking for that tool by naming itself.
  if (company) for (const name of findSkills(company).keys()) if (fold(company).trim() === fold(name)) skills.delete(name);
  // Words of skills found in the offer are already requirements, as skills.
  const skillWords = new Set(LEXICON.filter((e) => skills.has(e.name)).flatMap((e) => e.aliases.flatMap((a) => a.split(/\s+/)).map(stem)));
  // Per stem: how often, and the surface form seen most (shown to the user).
  const counts = new Map<string, { n: number; forms: Map<string, number> }>();
  for (const raw of offerText.match(/\p{L}[\p{L}-]{3,}/gu) ?? []) {
    const w = raw.toLowerCase();
    const f = fold(w);
    if (STOPWORDS.has(f) || PLACE_WORDS.has(f) || SPOKEN.some(([, re]) => re.test(w))) continue;
    const s = stem(f);
    if (excluded.has(s) || skillWords.has(s) || STOPWORDS.has(s)) continue;
    const entry = counts.get(s) ?? { n: 0, forms: new Map() };
    entry.n++;
    entry.forms.set(w, (entry.forms.get(w) ?? 0) + 1);
    counts.set(s, entry);
  }
  const skillList = [...skills.entries()]
    .map(([name, s]) => ({ name, ...s }))
    .sort((a, b) => Number(a.optional) - Number(b.optional) || b.mentions - a.mentions);
  const keywords = [...counts.entries()]
    .filter(([, c]) => c.n >= 2)
    .sort((a, b) => b[1].n - a[1].n || a[0].localeCompare(b[0]))
    .slice(0, 8)
    .map(([, c]) => [...c.forms.entries()].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))[0]![0]);

  return { language, skills: skillList, languages, seniority: seniorityOf(offerText), keywords, employerWords: employer };
}

/** A stop word in en/fr/de/es (folded comparison). */
export const isStopword = (word: string): boolean => STOPWORDS.has(fold(word));
