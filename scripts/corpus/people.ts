/**
 * Fictional people for the generated corpus: a seeded generator (same seed, same person) of JSON Resume
 * content, varied the way real CVs vary: 1-10 jobs with internships, freelance work and gaps, long titles,
 * several degrees, skills as groups, flat lists or levels, languages, projects, publications, awards,
 * certificates, volunteering and profiles, in English, French, German or Spanish. Names, employers and
 * schools are assembled from parts, so they belong to nobody; the domains are reserved example domains.
 */
import type { CvContent } from "../../src/shared/cv";

export const CORPUS_LANGUAGES = ["en", "fr", "de", "es"] as const;
export type CorpusLanguage = (typeof CORPUS_LANGUAGES)[number];

/** mulberry32: small, fast, good enough to vary test data; deterministic for a seed. */
export function rng(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (lo: number, hi: number) => lo + Math.floor(next() * (hi - lo + 1));
  const pick = <T>(list: readonly T[]): T => list[Math.floor(next() * list.length)]!;
  const chance = (p: number) => next() < p;
  const sample = <T>(list: readonly T[], n: number): T[] => {
    const pool = [...list];
    const out: T[] = [];
    while (out.length < n && pool.length) out.push(pool.splice(Math.floor(next() * pool.length), 1)[0]!);
    return out;
  };
  return { next, int, pick, chance, sample };
}
export type Rng = ReturnType<typeof rng>;

const FIRST: Record<CorpusLanguage, string[]> = {
  en: ["Olivia", "Liam", "Amelia", "Noah", "Harper", "Ethan", "Grace", "Mason", "Chloe", "Owen", "Nora", "Caleb", "Maya", "Julian", "Ruby", "Isaac", "Hazel", "Dylan", "Priya", "Marcus"],
  fr: ["Camille", "Louis", "Manon", "Hugo", "Léa", "Théo", "Chloé", "Mathis", "Inès", "Baptiste", "Zoé", "Étienne", "Anaïs", "Rémi", "Margaux", "Yanis", "Océane", "Loïc", "Aurélie", "Gaël"],
  de: ["Lena", "Jonas", "Hannah", "Lukas", "Sophie", "Felix", "Marie", "Maximilian", "Jana", "Tobias", "Katrin", "Niklas", "Anja", "Sebastian", "Miriam", "Florian", "Jülide", "Matthias", "Svenja", "Jörg"],
  es: ["Lucía", "Mateo", "Sofía", "Hugo", "Martina", "Pablo", "Valeria", "Álvaro", "Carmen", "Diego", "Elena", "Javier", "Paula", "Sergio", "Irene", "Andrés", "Nerea", "Raúl", "Alba", "Iñigo"],
};
const LAST: Record<CorpusLanguage, string[]> = {
  en: ["Whitfield", "Harrington", "Okafor", "Lindqvist", "Brennan", "Castellano", "Ashworth", "Nakamura", "Pemberton", "Delacroix-Hale", "Thornbury", "Moreau", "Kowalczyk", "Abernathy", "Fairweather", "O'Donnell", "Rahman", "Sutherland", "Vance", "Ellington"],
  fr: ["Lefebvre", "Marchand", "Roussel", "Garnier", "Chevalier", "Fontaine", "Girard", "Lemaire", "Duval", "Perrin", "Barbier", "Collin", "Bertrand-Morel", "Faure", "Mercier", "Rivière", "Aubert", "Lacroix", "Vasseur", "Gauthier"],
  de: ["Hoffmann", "Schäfer", "Krüger", "Wagner", "Becker", "Zimmermann", "Schröder", "Neumann", "Schwarz", "Braun", "Hartmann", "Lehmann", "Köhler", "Vogel", "Friedrich", "Keller", "Günther", "Lorenz", "Baumann", "Seidel"],
  es: ["García", "Fernández", "Martínez", "López", "Sánchez", "Romero", "Navarro", "Torres", "Domínguez", "Gil", "Vázquez", "Serrano", "Ramos", "Blanco", "Molina", "Ortega", "Delgado", "Castro", "Ortiz", "Rubio"],
};
const CITIES: Record<CorpusLanguage, [string, string][]> = {
  en: [["Manchester", "GB"], ["Leeds", "GB"], ["Austin", "US"], ["Portland", "US"], ["Toronto", "CA"], ["Dublin", "IE"], ["Denver", "US"], ["Bristol", "GB"]],
  fr: [["Lyon", "FR"], ["Nantes", "FR"], ["Toulouse", "FR"], ["Lille", "FR"], ["Bordeaux", "FR"], ["Grenoble", "FR"], ["Rennes", "FR"], ["Genève", "CH"]],
  de: [["München", "DE"], ["Hamburg", "DE"], ["Köln", "DE"], ["Leipzig", "DE"], ["Stuttgart", "DE"], ["Wien", "AT"], ["Zürich", "CH"], ["Dresden", "DE"]],
  es: [["Madrid", "ES"], ["Valencia", "ES"], ["Sevilla", "ES"], ["Bilbao", "ES"], ["Zaragoza", "ES"], ["Málaga", "ES"], ["Barcelona", "ES"], ["Granada", "ES"]],
};

/** Employers: an invented stem with a suffix of the country's usage. */
const ORG_STEMS = ["Norvale", "Brightmoor", "Quillon", "Astrelle", "Kestrel", "Veridian", "Halcyon", "Tidewell", "Orbisant", "Larkspur", "Corvina", "Meridel", "Solvane", "Brackwater", "Ferrowind", "Aldercrest", "Nimbly", "Pyxara", "Umberfield", "Zephyrine", "Granvik", "Elmbridge", "Ostara", "Calloway"];
const ORG_SUFFIX: Record<CorpusLanguage, string[]> = {
  en: ["Systems", "Labs", "Analytics", "Health", "Logistics", "Inc.", "Ltd", "Software", "Consulting", "Group", "Energy", "Media"],
  fr: ["SAS", "Conseil", "Technologies", "Santé", "Logistique", "Industries", "Groupe", "Numérique", "Énergie", "SA"],
  de: ["GmbH", "AG", "Logistik GmbH", "Software AG", "Systeme GmbH", "Beratung", "Technik", "Medien GmbH", "Energie AG"],
  es: ["S.L.", "S.A.", "Consultores", "Tecnologías", "Logística", "Sistemas", "Grupo", "Energía S.A.", "Digital"],
};
const TITLES: Record<CorpusLanguage, { junior: string[]; senior: string[]; intern: string; freelance: string; long: string[] }> = {
  en: {
    junior: ["Software Engineer", "Data Analyst", "Frontend Developer", "QA Engineer", "Marketing Coordinator", "Financial Analyst", "Support Engineer", "UX Designer", "Accountant", "Project Coordinator"],
    senior: ["Senior Software Engineer", "Lead Data Scientist", "Engineering Manager", "Product Manager", "Head of Operations", "Staff Engineer", "Principal Consultant", "Director of Finance"],
    intern: "Software Engineering Intern",
    freelance: "Freelance Web Developer",
    long: ["Senior Manager, Global Supply Chain Planning and Logistics Optimisation", "Lead Engineer for Distributed Payment Infrastructure and Reliability"],
  },
  fr: {
    junior: ["Développeur Full Stack", "Analyste de données", "Chargée de communication", "Ingénieur qualité", "Comptable", "Technicien support", "Designer UX", "Chef de projet junior", "Ingénieure logiciel"],
    senior: ["Responsable des opérations", "Ingénieur logiciel senior", "Directrice financière", "Chef de projet", "Architecte logiciel", "Responsable marketing digital"],
    intern: "Stagiaire développeur",
    freelance: "Consultant indépendant",
    long: ["Responsable de la planification et de l’optimisation de la chaîne logistique internationale", "Ingénieure principale en infrastructure de paiement distribuée"],
  },
  de: {
    junior: ["Softwareentwickler", "Datenanalystin", "Werkstudent Marketing", "Qualitätsingenieur", "Buchhalterin", "IT-Support", "UX-Designerin", "Projektassistent", "Systemadministrator"],
    senior: ["Leiter Softwareentwicklung", "Senior Projektmanagerin", "Teamleiter Vertrieb", "Bereichsleiterin Finanzen", "Senior Consultant", "Produktmanager"],
    intern: "Praktikant Softwareentwicklung",
    freelance: "Freiberuflicher Berater",
    long: ["Leiterin der internationalen Lieferkettenplanung und Logistikoptimierung", "Hauptverantwortlicher Ingenieur für verteilte Zahlungsinfrastruktur"],
  },
  es: {
    junior: ["Desarrollador de software", "Analista de datos", "Técnica de marketing", "Ingeniero de calidad", "Contable", "Técnico de soporte", "Diseñadora UX", "Coordinador de proyectos"],
    senior: ["Jefe de proyecto", "Ingeniera de software sénior", "Directora financiera", "Responsable de operaciones", "Arquitecto de software", "Gerente de producto"],
    intern: "Becario de desarrollo",
    freelance: "Consultor autónomo",
    long: ["Responsable de planificación y optimización de la cadena de suministro internacional", "Ingeniera principal de infraestructura de pagos distribuida"],
  },
};
const FREELANCE_ORG: Record<CorpusLanguage, string> = { en: "Self-employed", fr: "Indépendant", de: "Selbstständig", es: "Autónomo" };
const SCHOOL: Record<CorpusLanguage, ((stem: string, city: string) => string)[]> = {
  en: [(s) => `University of ${s}`, (s) => `${s} College`, (s) => `${s} Institute of Technology`, (_s, c) => `${c} Metropolitan University`],
  fr: [(_s, c) => `Université de ${c}`, (s) => `École ${s}`, (_s, c) => `IUT de ${c}`, (s) => `Institut ${s} de Commerce`],
  de: [(_s, c) => `Universität ${c}`, (_s, c) => `Hochschule ${c}`, (_s, c) => `Technische Hochschule ${c}`, (s) => `${s}-Gymnasium`],
  es: [(_s, c) => `Universidad de ${c}`, (s) => `Escuela ${s} de Negocios`, (_s, c) => `Instituto Politécnico de ${c}`, (s) => `Universidad ${s}`],
};
const SCHOOL_STEMS = ["Eastbrook", "Harlow", "Wrenfield", "Ashcombe", "Marlowe", "Kingsreach", "Stonegate", "Lindenhall", "Belmora", "Saint-Aurèle"];
const DEGREES: Record<CorpusLanguage, string[]> = {
  en: ["Bachelor of Science in Computer Science", "Master of Science in Data Science", "BA in Economics", "MSc Mechanical Engineering", "Master of Business Administration", "PhD in Applied Mathematics", "BEng Electrical Engineering", "High School Diploma"],
  fr: ["Master Informatique", "Licence professionnelle Métiers du numérique", "Diplôme d’ingénieur en génie logiciel", "BTS Comptabilité et Gestion", "Master Marketing digital", "Doctorat en chimie", "DUT Génie électrique", "Baccalauréat scientifique"],
  de: ["Bachelor of Science Informatik", "Master of Science Wirtschaftsinformatik", "Diplom-Ingenieur Maschinenbau", "Bachelor of Arts BWL", "Promotion in Physik", "Ausbildung zum Fachinformatiker", "Abitur"],
  es: ["Grado en Ingeniería Informática", "Máster en Ciencia de Datos", "Grado en Administración y Dirección de Empresas", "Doctorado en Biología", "Ciclo Formativo de Grado Superior en Desarrollo de Aplicaciones", "Bachillerato"],
};
const SKILL_GROUPS: Record<string, string[]> = {
  Languages: ["TypeScript", "Python", "Go", "Java", "Kotlin", "Rust", "SQL", "C#", "Ruby", "Scala"],
  Frameworks: ["React", "Django", "Spring Boot", "Next.js", "FastAPI", "Vue.js", "Rails", ".NET"],
  Cloud: ["AWS", "Kubernetes", "Docker", "Terraform", "GCP", "Azure", "Ansible"],
  Data: ["PostgreSQL", "Spark", "Airflow", "dbt", "Kafka", "Tableau", "Power BI", "pandas"],
  Business: ["Budgeting", "Forecasting", "Negotiation", "SAP", "Salesforce", "Excel", "Stakeholder management"],
  Design: ["Figma", "Sketch", "Prototyping", "User research", "Illustrator", "Accessibility"],
};
const LANGS: Record<CorpusLanguage, { names: string[]; levels: string[] }> = {
  en: { names: ["English", "French", "German", "Spanish", "Italian", "Portuguese", "Japanese", "Dutch"], levels: ["Native", "Fluent", "Professional working proficiency", "Intermediate", "Basic", "C1", "B2"] },
  fr: { names: ["Français", "Anglais", "Allemand", "Espagnol", "Italien", "Arabe", "Chinois"], levels: ["Langue maternelle", "Courant", "Bilingue", "Intermédiaire", "Notions", "C1", "B2"] },
  de: { names: ["Deutsch", "Englisch", "Französisch", "Spanisch", "Türkisch", "Polnisch", "Russisch"], levels: ["Muttersprache", "Verhandlungssicher", "Fließend", "Gute Kenntnisse", "Grundkenntnisse", "C1", "B1"] },
  es: { names: ["Español", "Inglés", "Francés", "Alemán", "Catalán", "Portugués", "Italiano"], levels: ["Nativo", "Bilingüe", "Avanzado", "Intermedio", "Básico", "C1", "B2"] },
};
const PROJECT_NOUNS = ["Tidepool", "Lanterna", "Cobalt Router", "Fernweh", "Quickslate", "Marmot", "Orchard CI", "Pebblebase", "Sundial", "Wayfinder"];
const PUB_TOPICS = ["Incremental indexing of sparse event streams", "A survey of privacy-preserving record linkage", "Energy-aware scheduling for edge clusters", "Robust estimation of delivery times under uncertainty", "Typed migrations for evolving document stores", "Learning-to-rank for internal search"];
const VENUES = ["Journal of Applied Computing", "Proceedings of the Workshop on Data Systems", "Revue des sciences de gestion", "Zeitschrift für Informatik", "Revista de Ingeniería", "International Conference on Logistics"];
const AWARDS: Record<CorpusLanguage, string[]> = {
  en: ["Employee of the Year", "Best Paper Award", "Dean's List", "Hackathon Winner", "Innovation Prize"],
  fr: ["Prix de l’innovation", "Major de promotion", "Lauréate du concours Jeunes Talents", "Prix du meilleur stage"],
  de: ["Deutschlandstipendium", "Innovationspreis", "Bester Abschluss des Jahrgangs", "Hackathon-Sieger"],
  es: ["Premio a la innovación", "Matrícula de honor", "Premio extraordinario de fin de grado", "Ganadora del hackathon"],
};
const CERTS: [string, string][] = [["AWS Certified Solutions Architect – Associate", "Amazon Web Services"], ["Professional Scrum Master I", "Scrum.org"], ["Certified Kubernetes Administrator", "Cloud Native Computing Foundation"], ["PMP", "Project Management Institute"], ["TOEIC 945", "ETS"], ["Google Data Analytics Certificate", "Coursera"]];
const VOLUNTEER: Record<CorpusLanguage, [string, string][]> = {
  en: [["Mentor", "Code Club"], ["Treasurer", "Riverside Food Bank"], ["Coach", "Youth Football League"]],
  fr: [["Bénévole", "Restos du Cœur"], ["Trésorière", "Association Les Jardins Partagés"], ["Mentor", "Article 1"]],
  de: [["Trainer", "TSV Jugendfußball"], ["Kassenwartin", "Tafel e.V."], ["Mentor", "Arbeiterkind.de"]],
  es: [["Voluntario", "Banco de Alimentos"], ["Tesorera", "Asociación Vecinal"], ["Mentora", "Fundación Código Joven"]],
};
const BULLETS: Record<CorpusLanguage, string[]> = {
  en: ["Cut release time from two weeks to two days by automating the test pipeline", "Led a team of 6 engineers across two sites", "Reduced cloud costs by 31% in one year", "Designed the reporting used by 40 regional managers", "Migrated 120 services to containers without downtime", "Onboarded and mentored 5 junior colleagues", "Negotiated supplier contracts worth 2.4M EUR"],
  fr: ["Réduction du délai de livraison de 30 % grâce à l’automatisation des tests", "Encadrement d’une équipe de 5 personnes", "Mise en place du suivi budgétaire mensuel", "Refonte du site e-commerce (React, Node.js)", "Formation des nouveaux arrivants aux outils internes", "Migration de 80 applications vers le cloud"],
  de: ["Einführung automatisierter Tests, Release-Zyklus von 14 auf 2 Tage verkürzt", "Leitung eines Teams mit 6 Mitarbeitenden", "Kostenreduktion der Cloud-Infrastruktur um 25 %", "Aufbau des monatlichen Reportings für die Geschäftsführung", "Betreuung von Werkstudierenden und Praktikanten"],
  es: ["Reducción del tiempo de entrega en un 30 % mediante la automatización de pruebas", "Coordinación de un equipo de 5 personas", "Implantación del control presupuestario mensual", "Rediseño de la tienda en línea (React, Node.js)", "Formación de nuevas incorporaciones"],
};
const SUMMARY: Record<CorpusLanguage, string> = {
  en: "Engineer with a taste for reliable systems and clear writing. I like turning messy processes into simple tools.",
  fr: "Professionnelle rigoureuse, curieuse et orientée résultats, j’aime transformer des processus complexes en outils simples.",
  de: "Zuverlässig, strukturiert und neugierig: ich verwandle komplizierte Abläufe gern in einfache Werkzeuge.",
  es: "Profesional metódica y curiosa; me gusta convertir procesos complejos en herramientas sencillas.",
};
const LABEL: Record<CorpusLanguage, string[]> = {
  en: ["Software Engineer", "Data Scientist", "Operations Lead", "Product Designer"],
  fr: ["Ingénieure logiciel", "Chef de projet digital", "Analyste financier"],
  de: ["Softwareentwicklerin", "Projektmanager", "Controllerin"],
  es: ["Ingeniero de software", "Analista de datos", "Jefa de proyecto"],
};

const strip = (s: string) => s.normalize("NFD").replace(/\p{M}/gu, "").toLowerCase().replace(/[^a-z]+/g, "");

function phoneFor(r: Rng, country: string): string {
  const d = (n: number) => Array.from({ length: n }, () => r.int(0, 9)).join("");
  switch (country) {
    case "FR":
    case "CH": {
      const digits = `6${d(8)}`;
      const pairs = (sep: string) => `0${digits}`.match(/../g)!.join(sep);
      return r.pick([`+33 6 ${digits.slice(1).match(/../g)!.join(" ")}`, pairs(" "), `0${digits}`, `+33${digits}`, pairs(".")]);
    }
    case "DE":
    case "AT":
      return r.pick([`+49 151 ${d(8)}`, `0151 ${d(4)} ${d(4)}`, `+49 (0) 89 ${d(6)}`, `0176/${d(8)}`]);
    case "ES":
      return r.pick([`+34 6${d(2)} ${d(3)} ${d(3)}`, `6${d(8)}`, `+34 6${d(8)}`]);
    case "GB":
    case "IE":
      return r.pick([`+44 7${d(3)} ${d(6)}`, `07${d(3)} ${d(6)}`]);
    default:
      return r.pick([`+1 (${r.int(201, 989)}) 555-${d(4)}`, `${r.int(201, 989)}-555-${d(4)}`, `+1 ${r.int(201, 989)} 555 ${d(4)}`]);
  }
}

const iso = (y: number, m: number) => `${y}-${String(m).padStart(2, "0")}`;

export interface Person {
  id: string;
  lang: CorpusLanguage;
  cv: CvContent;
}

/** One fictional person, entirely determined by `seed`. */
export function makePerson(seed: number): Person {
  const r = rng(seed * 7919 + 17);
  const lang = CORPUS_LANGUAGES[seed % CORPUS_LANGUAGES.length]!;
  const first = r.pick(FIRST[lang]);
  const last = r.pick(LAST[lang]);
  const [city, countryCode] = r.pick(CITIES[lang]);
  const domain = r.pick(["example.com", "example.org", "example.net"]);
  const email = r.pick([`${strip(first)}.${strip(last)}@${domain}`, `${strip(first)[0]}${strip(last)}@${domain}`, `${strip(first)}${r.int(1, 99)}@${domain}`]);
  const username = `${strip(first)}${strip(last)}`.slice(0, 14);
  const name = r.chance(0.1) ? `${first} ${r.pick(FIRST[lang]).slice(0, 1)}. ${last}` : `${first} ${last}`;

  // ---- work, most recent first, with internships, freelance work and gaps ----
  const jobCount = r.int(1, 10);
  const t = TITLES[lang];
  const work: CvContent["work"] = [];
  let endY = 2026;
  let endM = r.int(1, 11);
  const current = r.chance(0.7);
  const usedOrgs = new Set<string>();
  for (let i = 0; i < jobCount; i++) {
    const months = r.int(4, 40);
    let startY = endY;
    let startM = endM - months;
    while (startM < 1) {
      startM += 12;
      startY--;
    }
    const last = i === jobCount - 1;
    const intern = last && jobCount > 1 && r.chance(0.5);
    const freelance = !intern && r.chance(0.1);
    let org = `${r.pick(ORG_STEMS)} ${r.pick(ORG_SUFFIX[lang])}`;
    while (usedOrgs.has(org)) org = `${r.pick(ORG_STEMS)} ${r.pick(ORG_SUFFIX[lang])}`;
    usedOrgs.add(org);
    const position = intern ? t.intern : freelance ? t.freelance : r.chance(0.08) ? r.pick(t.long) : i < jobCount / 2 ? r.pick(t.senior) : r.pick(t.junior);
    const highlights = r.sample(BULLETS[lang], r.int(0, 4));
    work.push({
      name: freelance ? FREELANCE_ORG[lang] : org,
      position,
      location: r.chance(0.6) ? r.pick(CITIES[lang])[0] : undefined,
      startDate: iso(startY, startM),
      endDate: i === 0 && current ? undefined : iso(endY, endM),
      summary: r.chance(0.25) ? r.pick(BULLETS[lang]) + "." : undefined,
      highlights: highlights.length ? highlights : undefined,
    });
    // a gap between jobs now and then
    endY = startY;
    endM = startM - (r.chance(0.2) ? r.int(2, 10) : 1);
    while (endM < 1) {
      endM += 12;
      endY--;
    }
  }

  // ---- education: 1-3 degrees, before the first job ----
  const education: CvContent["education"] = [];
  let gradY = endY - r.int(0, 1);
  const degrees = r.sample(DEGREES[lang], r.int(1, 3));
  const schoolStems = r.sample(SCHOOL_STEMS, 3);
  degrees.forEach((studyType, i) => {
    const years = r.int(1, 5);
    education.push({
      institution: r.pick(SCHOOL[lang])(schoolStems[i]!, r.pick(CITIES[lang])[0]),
      studyType,
      startDate: `${gradY - years}-09`,
      endDate: `${gradY}-06`,
      score: r.chance(0.2) ? r.pick(["GPA 3.8/4.0", "Mention Bien", "Note 1,7", "Matrícula de honor", "First Class Honours"]) : undefined,
    });
    gradY -= years;
  });

  // ---- skills as groups, flat keywords or levels ----
  const style = r.pick(["groups", "flat", "levels"] as const);
  const groups = r.sample(Object.keys(SKILL_GROUPS), r.int(2, 4));
  const skills: CvContent["skills"] =
    style === "groups"
      ? groups.map((g) => ({ name: g, keywords: r.sample(SKILL_GROUPS[g]!, r.int(2, 5)) }))
      : style === "flat"
        ? [{ name: lang === "fr" ? "Compétences" : lang === "de" ? "Kenntnisse" : lang === "es" ? "Competencias" : "Skills", keywords: r.sample(groups.flatMap((g) => SKILL_GROUPS[g]!), r.int(5, 10)) }]
        : r.sample(groups.flatMap((g) => SKILL_GROUPS[g]!), r.int(4, 7)).map((s) => ({ name: s, level: r.pick(["Expert", "Advanced", "Intermediate"]) }));

  const L = LANGS[lang];
  const languages = r.sample(L.names, r.int(1, 4)).map((language, i) => ({ language, fluency: i === 0 ? L.levels[0]! : r.pick(L.levels.slice(1)) }));
  const projects = r.chance(0.5)
    ? r.sample(PROJECT_NOUNS, r.int(1, 3)).map((p) => ({ name: p, description: r.pick(BULLETS[lang]) + ".", url: r.chance(0.5) ? `https://github.com/${username}/${strip(p)}` : undefined }))
    : [];
  const publications = r.chance(0.3)
    ? r.sample(PUB_TOPICS, r.int(1, 3)).map((p) => ({ name: p, publisher: r.pick(VENUES), releaseDate: `${r.int(2012, 2025)}-${String(r.int(1, 12)).padStart(2, "0")}` }))
    : undefined;
  const awards = r.chance(0.35) ? r.sample(AWARDS[lang], r.int(1, 2)).map((a) => ({ title: a, date: `${r.int(2010, 2025)}`, awarder: r.chance(0.5) ? r.pick(ORG_STEMS) + " Foundation" : undefined })) : [];
  const certificates = r.chance(0.4) ? r.sample(CERTS, r.int(1, 3)).map(([n, issuer]) => ({ name: n, issuer, date: `${r.int(2015, 2025)}-${String(r.int(1, 12)).padStart(2, "0")}` })) : [];
  const volunteer = r.chance(0.3)
    ? r.sample(VOLUNTEER[lang], r.int(1, 2)).map(([position, organization]) => ({ position, organization, startDate: `${r.int(2012, 2022)}-01`, endDate: r.chance(0.5) ? undefined : "2024-06" }))
    : [];
  const profiles = r.sample(
    [
      { network: "LinkedIn", username, url: `https://www.linkedin.com/in/${username}` },
      { network: "GitHub", username, url: `https://github.com/${username}` },
    ],
    r.int(0, 2),
  );

  return {
    id: `p${String(seed).padStart(4, "0")}`,
    lang,
    cv: {
      basics: {
        name,
        label: r.chance(0.6) ? r.pick(LABEL[lang]) : undefined,
        email,
        phone: r.chance(0.95) ? phoneFor(r, countryCode) : undefined,
        url: r.chance(0.2) ? `https://${username}.example.com` : undefined,
        summary: r.chance(0.6) ? SUMMARY[lang] : undefined,
        location: { city, countryCode },
        profiles,
      },
      work,
      volunteer,
      education,
      awards,
      certificates,
      skills,
      languages,
      interests: [],
      projects,
      publications,
    },
  };
}
