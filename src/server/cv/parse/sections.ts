import type { Line } from "./layout";

export type SectionKey =
  | "summary"
  | "work"
  | "education"
  | "skills"
  | "languages"
  | "projects"
  | "certificates"
  | "awards"
  | "volunteer"
  | "interests"
  | "publications"
  | "references"
  | "contact"
  | "other";

/** Section headings in English, French, Spanish, German, Italian, Portuguese (and Chinese), lower case, without accents' variants. */
const HEADINGS: [SectionKey, string[]][] = [
  ["summary", ["sobre mim", "acerca de mim", "chi sono", "profilo", "sommario", "resumo", "perfil profissional", "sobre", "à propos de moi", "profil professionnel", "persönliches profil", "summary", "professional summary", "profile", "professional profile", "about", "about me", "objective", "career objective", "personal statement", "introduction", "profil", "résumé", "à propos", "a propos", "présentation", "objectif", "perfil", "resumen", "perfil profesional", "sobre mí", "sobre mi", "objetivo", "zusammenfassung", "über mich", "kurzprofil", "profil", "个人简介", "自我评价", "个人总结"]],
  ["work", ["arbeitserfahrung", "berufliche stationen", "praktische erfahrung", "praktische erfahrungen", "berufliche laufbahn", "esperienza", "esperienze", "esperienza lavorativa", "esperienze lavorative", "esperienza professionale", "esperienze professionali", "experiência", "experiências", "experiência profissional", "historial laboral", "berufspraxis", "praktika", "stages", "emplois", "professional background", "appointments", "academic appointments", "research experience", "teaching experience", "internships", "internship", "work", "experience", "experiences", "work experience", "professional experience", "employment", "employment history", "work history", "career", "career history", "relevant experience", "industry experience", "positions", "expérience", "expériences", "expérience professionnelle", "expériences professionnelles", "parcours professionnel", "experiencia", "experiencia laboral", "experiencia profesional", "trayectoria profesional", "berufserfahrung", "berufliche erfahrung", "beruflicher werdegang", "werdegang", "praxiserfahrung", "工作经历", "实习经历", "工作经验", "实习经验", "实习"]],
  ["education", ["bildungsabschlüsse", "schulische ausbildung", "akademische ausbildung", "ausbildung und studium", "istruzione", "istruzione e formazione", "formazione", "formação", "formação académica", "formação acadêmica", "educação", "escolaridade", "schulbildung", "hochschulbildung", "education & training", "diplômes", "formation académique", "titulación", "education", "academic background", "academics", "studies", "qualifications", "academic qualifications", "education and training", "formation", "formations", "éducation", "études", "parcours académique", "cursus", "educación", "formación", "formación académica", "estudios", "ausbildung", "bildung", "bildungsweg", "studium", "akademischer werdegang", "教育背景", "教育经历"]],
  ["skills", ["competenze", "competenze tecniche", "competenze digitali", "capacità", "competências", "conhecimentos", "aptidões", "hard skills", "soft skills", "technical expertise", "programming languages", "languages and technologies", "digital skills", "skills", "technical skills", "skills & tools", "skills and tools", "key skills", "core competencies", "competencies", "expertise", "areas of expertise", "technologies", "tech stack", "tools", "strengths", "programming", "software", "software programs", "programs", "operating systems", "os", "compétences", "compétences techniques", "savoir-faire", "outils", "habilidades", "competencias", "conocimientos", "aptitudes", "kenntnisse", "fähigkeiten", "kompetenzen", "it-kenntnisse", "技能", "专业技能", "技术能力", "技能清单"]],
  ["languages", ["competências linguísticas", "compétences linguistiques", "competencias lingüísticas", "competencias linguisticas", "lingue", "competenze linguistiche", "línguas", "langues parlées", "fremdsprachen", "idiomas e línguas", "languages", "language skills", "langues", "idiomas", "lenguas", "sprachen", "sprachkenntnisse", "语言", "语言能力"]],
  ["projects", ["progetti", "projetos", "academic projects", "projets académiques", "research projects", "open source", "portfolio", "projects", "personal projects", "selected projects", "side projects", "projets", "projets personnels", "proyectos", "projekte", "项目经历", "项目经验"]],
  ["certificates", ["certificazioni", "certificações", "licences", "courses", "courses & certifications", "trainings", "weiterbildung", "weiterbildungen", "fortbildungen", "certifications", "certificates", "licenses & certifications", "licenses and certifications", "certificats", "certifications et licences", "certificaciones", "certificados", "zertifikate", "zertifizierungen", "证书"]],
  ["awards", ["risultati", "conquistas", "distinções", "distinciones", "reconocimientos", "menções", "premi", "riconoscimenti", "prémios", "prêmios", "scholarships", "stipendien", "grants", "funding", "bourses", "becas", "awards", "honors", "honours", "honors & awards", "awards & honors", "achievements", "distinctions", "prix", "récompenses", "premios", "logros", "auszeichnungen", "获奖情况", "荣誉", "奖项"]],
  ["volunteer", ["ehrenamtliche tätigkeiten", "voluntariado e associativismo", "volontariato", "volunteer work", "community service", "vie associative", "engagement associatif", "ehrenamtliche tätigkeit", "engagement", "volunteer", "volunteering", "volunteer experience", "bénévolat", "voluntariado", "ehrenamt", "ehrenamtliches engagement", "志愿者经历"]],
  ["interests", ["interessi", "hobby", "interesses", "passatempos", "centres d'intérêts", "freizeit", "interests", "hobbies", "hobbies & interests", "interests & hobbies", "centres d'intérêt", "centres d’intérêt", "loisirs", "intereses", "aficiones", "hobbys", "interessen", "兴趣爱好"]],
  ["publications", ["pubblicazioni", "publicações", "selected publications", "talks", "conference talks", "presentations", "patents", "brevets", "patente", "patentes", "publications", "papers", "research", "publikationen", "veröffentlichungen", "publicaciones", "论文"]],
  ["references", ["referências", "referenze", "referees", "references", "références", "referencias", "referenzen"]],
  ["contact", ["profiles", "social", "social media", "social networks", "links", "online", "online presence", "réseaux", "réseaux sociaux", "redes", "redes sociales", "redes sociais", "netzwerke", "social links", "personal information", "personal details", "personal data", "informations personnelles", "données personnelles", "datos personales", "información personal", "persönliche daten", "persönliche angaben", "dati personali", "informazioni personali", "dados pessoais", "informações pessoais", "contatti", "contactos", "contato", "contact", "contact information", "contacts", "coordonnées", "contacto", "kontakt", "联系方式"]],
  ["other", ["misc", "miscellaneous", "other", "additional", "additional information", "adicional", "informações adicionais", "información adicional", "informations complémentaires", "weitere informationen", "zusätzliche informationen", "altre informazioni", "informazioni aggiuntive", "extracurricular", "extracurricular activities", "activities", "divers", "autres", "otros", "sonstiges", "其他"]],
];

/** Headings are compared without accents: CVs drop them in capitals ("COMPETENCES", "EXPERIENCE"). */
const fold = (s: string) => s.normalize("NFD").replace(/[\u0300-\u036f]/g, "").normalize("NFC");

const LOOKUP = new Map<string, SectionKey>();
for (const [key, names] of HEADINGS) for (const n of names) LOOKUP.set(fold(n), key);

const LOOKUP_JOINED = new Map([...LOOKUP].map(([name, key]) => [name.replace(/\s+/g, ""), key]));

/** Words that qualify a heading without changing what it holds. */
const QUALIFIERS = new Set(
  (
    "professional academic relevant selected other additional recent key main technical research personal industry previous prior further major " +
    "professionnel professionnelle professionnels professionnelles académique académiques principales principaux autres " +
    "berufliche beruflicher akademische weitere profesional profesionales académica académico otras otros principales " +
    "professionale professionali accademica altre altri profissional profissionais académica acadêmica outras outros principais " +
    "digital digitais digitales digitali numériques digitale técnicas técnicos tecniche techniques technische informatiques informáticas informatiche " +
    "scientific scientifici scientifiche scientifiques scientifique científicos científicas científicos wissenschaftliche wissenschaftlicher"
  )
      .split(/\s+/)
      .map((w) => fold(w)),
);

/** A heading word, allowing its singular or plural. */
const plural = (word: string): SectionKey | null =>
  LOOKUP.get(word) ?? LOOKUP.get(`${word}s`) ?? (word.endsWith("s") ? LOOKUP.get(word.slice(0, -1)) : undefined) ?? null;

/**
 * With any inflection of a German adjective before the noun ("ehrenamtlicher Tätigkeiten", "berufliche
 * Erfahrungen", "Beruflicher Werdegang").
 */
const known = (key: string): SectionKey | null => {
  const exact = plural(key);
  if (exact) return exact;
  const m = key.match(/^(\p{L}{4,}?)(?:e|er|es|en|em) (\p{L}+)$/u);
  if (!m) return null;
  for (const ending of ["e", "er", "es", "en", "em"]) {
    const hit = plural(`${m[1]}${ending} ${m[2]}`);
    if (hit) return hit;
  }
  return null;
};

const headingKey = (text: string) =>
  fold(text)
    .toLowerCase()
    .replace(/[:：|•·*#]+$/g, "")
    // (Numbering goes, "2. Experience"; a date does not: "2015.08 Internship" is an entry.)
    .replace(/^(?:\d{1,2}[.)]?(?=\s)|[\s•·*#-])+/, "")
    .replace(/\s+/g, " ")
    .trim();

/**
 * "Professional Appointments", "Selected Publications", "Expériences professionnelles", "Risultati scientifici":
 * a general qualifier before or after a heading word.
 */
function knownQualified(key: string): SectionKey | null {
  const exact = known(key);
  if (exact) return exact;
  const words = key.split(" ");
  if (words.length < 2 || words.length > 3) return null;
  if (QUALIFIERS.has(words[0]!)) {
    const rest = known(words.slice(1).join(" "));
    if (rest) return rest;
  }
  if (QUALIFIERS.has(words[words.length - 1]!)) {
    const rest = known(words.slice(0, -1).join(" "));
    if (rest) return rest;
  }
  return null;
}

/** The section a heading text names, if it is one. Compound headings take their first known word group. */
export function sectionOf(text: string): SectionKey | null {
  const key = headingKey(text);
  if (key.length === 0 || key.length > 60) return null;
  const exact = known(key);
  if (exact) return exact;
  // "EXPERIENC E", "SUM M ARY", "EDUC ATION": a heading whose letter spacing broke it into pieces;
  // "WORKEXPERIENCE": one whose word space was lost.
  if (key.length <= 30) {
    const joined = LOOKUP_JOINED.get(key.replace(/\s+/g, ""));
    if (joined) return joined;
  }
  // "Certi cations", "Pro les": a ligature (fi, fl, ff) the PDF's font does not map to text left a gap.
  if (key.includes(" ") && key.length <= 30) {
    const gaps = [...key.matchAll(/ /g)].map((m) => m.index!);
    for (const at of gaps)
      for (const lig of ["fi", "fl", "ff", "ffi", "ffl"]) {
        const repaired = known(key.slice(0, at) + lig + key.slice(at + 1));
        if (repaired) return repaired;
      }
  }
  const qualified = knownQualified(key);
  if (qualified) return qualified;
  // Chinese headings often carry a qualifier in front: "IT 技能", "主要项目经历".
  if (/\p{Script=Han}/u.test(key) && key.length <= 12) {
    for (const [name, section] of LOOKUP) if (/\p{Script=Han}$/u.test(name) && key.endsWith(name) && !key.includes("/")) return section;
  }
  // "EDUCATION ET PROJET ET EXPERIENCE", "Honors & Awards", "Skills / Tools": every part must be a heading,
  // so that an employer such as "Research and Development" is not taken for one. The first part names it.
  const parts = key.split(/\s+(?:&|and|et|y|e|und|\/)\s+|\s*[&/,]\s*/).filter(Boolean);
  if (parts.length < 2) return null;
  const keys = parts.map(knownQualified);
  if (keys.every((k) => k !== null)) return keys[0]!;
  // "Skills/Exposure": a slash pairs a heading with a synonym the lexicon lacks; the first part names it.
  return /^[^/]+\/[^/]+$/.test(key) && !/\s(?:&|and|et|y|e|und)\s/.test(key) ? keys[0]! : null;
}

/**
 * For a line already set as the document's headings are: the section its first words name ("Projets pertinents
 * réalisés durant mes études", "Work I am proud of"), if they name one.
 */
export function sectionOfLead(text: string): SectionKey | null {
  const words = headingKey(text).split(" ");
  return (words.length >= 2 ? known(words.slice(0, 2).join(" ")) : null) ?? known(words[0]!);
}

/** Whether a line looks like a heading at all: short, and set apart by weight, size, case or spacing. */
export function looksLikeHeading(line: Line, bodySize: number): boolean {
  const tokens = line.text.split(/\s+/);
  // "E D U C AT I O N": letter spacing the extraction kept is one word.
  const spaced = tokens.length >= 4 && tokens.filter((t) => t.length <= 2).length >= 0.6 * tokens.length;
  const words = spaced ? 1 : tokens.length;
  if (words > 6 || line.cells.length > 2) return false;
  const letters = line.text.replace(/[^\p{L}]/gu, "");
  const upper = letters.length > 2 && letters === letters.toUpperCase() && /[A-Z]/.test(letters);
  return line.bold || upper || line.size > bodySize * 1.1 || /[:：]$/.test(line.text) || !/[a-z]/.test(letters) || words <= 3;
}
