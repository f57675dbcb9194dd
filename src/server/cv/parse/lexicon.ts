/**
 * General vocabularies the parser reads CVs with (job titles, organisations, schools, degrees, places) in
 * en/fr/de/es/it/pt, and the small text helpers every part shares. No word here comes from one CV.
 */
export const BULLET_RE = /^\s*[•◦▪●○■□►▸▹✓✔➢➤➣‣⁃∙⋅·*–—-]\s*/;

export const TITLE_WORDS =
  /\b(engineer|developer|programmer|manager|intern|internship|assistant|consultant|analyst|director|lead|leader|head|chief|ceo|cto|cfo|coo|cio|vp|vice|president|founder|co-founder|cofounder|owner|partner|scientist|researcher|research intern|architect|designer|specialist|officer|administrator|coordinator|member|employee|student|associate|advisor|adviser|executive|technician|teacher|lecturer|professor|fellow|trainee|apprentice|freelance|freelancer|contractor|writer|editor|accountant|auditor|sre|devops|fullstack|full-stack|frontend|backend|product|owner|strategist|recruiter|nurse|operator|supervisor|representative|agent|tutor|instructor|doctoral|phd|postdoc|volunteer|ingénieur|développeur|chef|stagiaire|responsable|chargé|directeur|directrice|gérant|ingeniero|desarrollador|jefe|gerente|becario|practicante|entwickler|ingenieur|leiter|berater|praktikant|werkstudent|mitarbeiter|geschäftsführer|stage|estágio|estagiário|estagiária|tirocinio|tirocinante|assistente|sviluppatore|programmatore|ingegnere|responsabile|impiegato|impiegata|cassiere|cassiera|commesso|commessa|desenvolvedor|desenvolvedora|programador|programadora|analista|engenheiro|engenheira|coordenador|coordenadora|professora|profesor|profesora|diseñador|diseñadora|designer|técnico|técnica|technicien|technicienne|consultor|consultora|consulente|entwicklerin|softwareentwickler|wissenschaftlicher|wissenschaftliche|lehrer|lehrerin|dozent|dozentin|collaborator|colaborador|colaboradora|auxiliar|ayudante|secretary|secrétaire|clerk|cashier|waiter|waitress|cook|driver|salesman|vendeur|vendeuse|serveur|serveuse|consultant|ingénieure|développeuse|cheffe|assistante|analyste|architecte|gestionnaire|conseiller|conseillère|formateur|formatrice|enseignant|enseignante|chercheur|chercheuse|doctorant|doctorante|alternant|alternante|apprenti|apprentie|arquitecto|arquitecta|contable|ingeniera|desarrolladora|jefa|directora|coordinadora|coordinador|becaria|abogado|abogada|enfermero|enfermera|vendedor|vendedora|camarero|camarera|administrativo|administrativa|comptable|juriste|avocat|avocate|infirmier|infirmière|acheteur|acheteuse|contrôleur|contrôleuse|controller|controllerin|kaufmann|kauffrau|sachbearbeiter|sachbearbeiterin|referent|referentin|praktikantin|werkstudentin|beraterin|leiterin|ingenieurin|[a-zäöüß]*(?:entwickler|analyst|ingenieur|leiter|berater|manager|designer|assistent|buchhalter|techniker|informatiker|administrator|koordinator|architekt|planer)(?:in)?|实习|工程师|经理|开发)\b/i;

export const ORG_WORDS =
  /\b(inc|inc\.|ltd|llc|gmbh|ag|sa|sas|sarl|s\.a\.|corp|corporation|company|co\.|group|labs?|research|technologies|technology|solutions|systems|software|services|consulting|partners|bank|university|université|universität|universidad|college|school|institute|institut|hospital|agency|studio|foundation|ministry|department|center|centre|industries|industry|ventures|capital|media|networks|games|ai|sàrl|srl|s\.r\.l\.|spa|s\.p\.a\.|ltda|lda|s\.l\.|bv|b\.v\.|nv|oy|kg|ohg|e\.v\.|plc|pty|limited|cooperativa|coopérative|association|associação|asociación|associazione|verein|stiftung|fondation|fundación|fundação|fondazione|gruppe|groupe|grupo|gruppo|société|sociedad|sociedade|società|unternehmen|firma|empresa|entreprise|azienda|lab|laboratory|laboratoire|laboratorio|laboratório|agence|agencia|agência|ministère|ministerio|ministério|ministero|hôpital|klinikum|clinique|banque|banco|banca|insurance|assurance|conseil|studios|startup|sistemas|systèmes|systeme|sistemi|tecnologías|tecnologias|tecnologie|technologien|technik|logistics|logística|logistique|logistik|logistica|consultores|consultoría|beratung|consulenza|energy|energía|énergie|energie|energia|medien|salud|santé|gesundheit|industrias|industrie|soluciones|soluções|soluzioni|lösungen|servicios|serviços|servizi|dienstleistungen|analytics|health|healthcare)(?![a-z0-9à-ÿ])|公司|大学|集团|科技/i;

export const INSTITUTION_RE =
  /universit|université|universität|universidad|universidade|college|school|institut|école|ecole|hochschule|academy|académie|polytechnic|politecnico|lycée|gymnasium|faculty|faculté|facultad|大学|学院|学校|universidade|università|politecnica|politécnica|hochschule|conservatoire|conservatorio|escuela|scuola|liceo|colegio|akademie|academia|zentrum|schule|\bcent(?:re|er|ro)\b|\bIUT\b|\bIUFM\b|\bCEGEP\b/i;

export const DEGREE_RE =
  /\b(bachelor|bachelors|bachelor's|master|masters|master's|mba|m\.\s?b\.\s?a|ph\.?\s?d|doctor|doctorate|licen[cs]e|licenciatura|diplôme|diplom|degree|graduated|associate|b\.?\s?sc|m\.?\s?sc|b\.?\s?eng|m\.?\s?eng|b\.?\s?s|m\.?\s?s|b\.?\s?a|m\.?\s?a|bs|ms|ba|ma|phd|abitur|baccalauréat|baccalaureate|bachillerato|máster|maestría|mestrado|magister|grado|ingénieur|dut|bts|hnd|a-levels?|studies|studium|engineering degree|diploma|doctorat|doctorado|dottorato|doutorado|laurea|ausbildung|high school|tecnólogo|tecnóloga|técnico superior|bacharelado|licenciado|licenciada|mastère|mastere|dts|deug|deust|lp|staatsexamen|diplomado|diplomada)\b|学士|硕士|博士|本科|研究生|专科/i;

export const LEVEL_RE =
  /^(beginner|elementary|intermediate|advanced|expert|proficient|fluent|native|basic|good|very good|excellent|working knowledge|débutant|intermédiaire|avancé|expert|courant|natif|maternelle|bilingue|básico|intermedio|avanzado|nativo|grundkenntnisse|fortgeschritten|fließend|muttersprache|[abc][12]|\d+\+?\s*(yrs?|years?|ans|años|jahre)|\d+\s*\/\s*\d+|★+☆*|●+○*)$/i;

export const LOCATION_RE =
  /^[\p{Lu}][\p{L}.'’ -]+,\s*(?:[\p{Lu}]{2,3}|[\p{Lu}][\p{L}.'’ -]+)(?:\s+\d{4,6})?$/u;

export const URL_ONLY_RE = /^(?:https?:\/\/)?(?:www\.)?[a-z0-9-]+(?:\.[a-z0-9-]+)+(?:\/\S*)?$/i;

export const SKILL_LABEL_RE =
  /^(tech|techs|technologies|technical skills|technical|skills|tools|stack|tech stack|programming|programming languages|frameworks|software|it|soft skills|hard skills|compétences|outils|logiciels|herramientas|tecnologías|kenntnisse|technologien|编程语言|技能)$/i;

export const wordCount = (s: string) => s.split(/\s+/).filter(Boolean).length;

export const clean = (s: string) => s.replace(/\s+/g, " ").replace(/^[\s,.;:|•·–—-]+|[\s,;:|•·–—-]+$/g, "").trim();

/** An arrow or chevron that marks a header line ("> DEVOPS ENGINEER"), not a highlight. */
export const MARK_RE = /^\s*[>»→▶⮞]\s+/;

export const stripBullet = (s: string) => s.replace(BULLET_RE, "").replace(MARK_RE, "").trim();

/** Joins a wrapped line to the text before it, undoing a hyphenation break ("Me-" + "teor"). */
export function joinWrapped(before: string, after: string): string {
  return /\p{L}-$/u.test(before) && /^\p{Ll}/u.test(after) ? before.slice(0, -1) + after : `${before} ${after}`;
}

export const LEGAL_FORM_RE = /^(?:inc|ltd|llc|llp|plc|corp|co|gmbh|ag|kg|sa|sas|sarl|sàrl|srl|spa|s\.?p\.?a|s\.?r\.?l|s\.?a|s\.?l|ltda|lda|bv|nv|oy|ab|pty(?: ltd)?|limited|e\.?v)\.?$/i;

/** A place: one to three capitalised words (or "City (CC)"), with no word of a job, an organisation or a degree. */
export function looksLikePlace(text: string): boolean {
  const t = text.trim();
  if (wordCount(t.replace(/\([^)]*\)/, "").replace(/\b(?:de|da|del|la|le|di|du|am|an|der|sur|upon|on)\b/g, "")) > 3 || /\d/.test(t) || ORG_WORDS.test(t) || INSTITUTION_RE.test(t) || TITLE_WORDS.test(t) || DEGREE_RE.test(t)) return false;
  return /^[\p{Lu}][\p{L}.'’-]*(?:[ -](?:(?:de|da|del|la|le|di|du|am|an|der|sur|upon|on)[ -])*[\p{Lu}][\p{L}.'’-]*){0,2}(?:\s*\([\p{Lu}][\p{L} ]{1,20}\))?$/u.test(t);
}

/** An acronym inside mixed-case text ("Office Chérifien des Phosphates (OCP)") or a domain name. */
export function acronymOrDomain(text: string): boolean {
  const acronym = /\b\p{Lu}{2,}\b/u.test(text.replace(/,\s*\p{Lu}{2,3}$/u, "").replace(/\b(?:CEO|CTO|CFO|COO|CIO|VP|IT|UI|UX|QA|SRE|HR|RH|AI|ML|R&D|PhD)\b/g, "")) && text !== text.toUpperCase();
  return acronym || /\.(?:com|io|de|org|fr|net)\b/i.test(text);
}

/** General cues that a name is an organisation's: legal forms, organisation or institution words, an acronym, a domain. */
export const orgCue = (text: string) => ORG_WORDS.test(text) || INSTITUTION_RE.test(text) || acronymOrDomain(text);

/** "University Lecturer", "Research Engineer": an English job title ends in the job's word (its head noun). */
export const endsWithTitleWord = (text: string) => TITLE_WORDS.test(text.trim().split(/\s+/).pop()?.replace(/[^\p{L}-]/gu, "") ?? "");

let countries: Set<string> | undefined;
/**
 * A country's name in one of the parser's languages ("Indonesia", "Deutschland", "Brasil", "Royaume-Uni"), from
 * the runtime's own region names (ICU), read once on first use.
 */
export function isCountry(text: string): boolean {
  if (!countries) {
    countries = new Set();
    const letters = "ABCDEFGHIJKLMNOPQRSTUVWXYZ";
    for (const language of ["en", "fr", "de", "es", "it", "pt"]) {
      const names = new Intl.DisplayNames([language], { type: "region", fallback: "none" });
      for (const a of letters)
        for (const b of letters) {
          const name = names.of(a + b);
          if (name) countries.add(name.toLowerCase());
        }
    }
  }
  return countries.has(text.trim().replace(/\.$/, "").toLowerCase());
}

const regionNames = new Intl.DisplayNames(["en"], { type: "region", fallback: "none" });
/** A two-letter region code ("FR", "UK", "CZ"), as the runtime's own region names (ICU) know them. */
export const isRegionCode = (text: string) => /^\p{Lu}{2}$/u.test(text) && regionNames.of(text) !== undefined;
