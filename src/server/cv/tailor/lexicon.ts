/**
 * Skills and tools with their synonyms and translations (en/fr/de/es): an offer that asks for "k8s" is matched
 * by a CV that says "Kubernetes", one that asks for "apprentissage automatique" by "machine learning". Each
 * entry: canonical name, then aliases, matched case- and accent-insensitively as whole terms, with a light
 * plural/inflection tolerance on aliases of five letters or more.
 */
const ENTRIES: string[][] = [
  // languages
  ["JavaScript", "js", "javascript", "ecmascript", "es6", "es2015"],
  ["TypeScript", "ts", "typescript"],
  ["Python", "python", "python3", "python 3"],
  ["Java", "java"],
  ["Kotlin", "kotlin"],
  ["Scala", "scala"],
  ["Go", "golang", "go"],
  ["Rust", "rust"],
  ["C", "c"],
  ["C++", "c++", "cpp"],
  ["C#", "c#", "csharp", "c sharp"],
  ["Ruby", "ruby"],
  ["PHP", "php"],
  ["Swift", "swift"],
  ["Objective-C", "objective-c", "objc"],
  ["R", "r"],
  ["Julia", "julia"],
  ["MATLAB", "matlab"],
  ["Perl", "perl"],
  ["Elixir", "elixir"],
  ["Erlang", "erlang"],
  ["Haskell", "haskell"],
  ["Clojure", "clojure"],
  ["Dart", "dart"],
  ["Lua", "lua"],
  ["Bash", "bash", "shell scripting", "shell", "zsh"],
  ["PowerShell", "powershell"],
  ["SQL", "sql"],
  ["HTML", "html", "html5"],
  ["CSS", "css", "css3"],
  ["Sass", "sass", "scss"],
  ["GraphQL", "graphql"],
  ["Solidity", "solidity"],
  ["CUDA", "cuda"],
  ["LaTeX", "latex"],
  // front end
  ["React", "react", "react.js", "reactjs"],
  ["React Native", "react native"],
  ["Next.js", "next.js", "nextjs"],
  ["Vue.js", "vue", "vue.js", "vuejs"],
  ["Nuxt", "nuxt", "nuxt.js"],
  ["Angular", "angular", "angularjs"],
  ["Svelte", "svelte", "sveltekit"],
  ["Redux", "redux"],
  ["jQuery", "jquery"],
  ["Tailwind CSS", "tailwind", "tailwindcss", "tailwind css"],
  ["Bootstrap", "bootstrap"],
  ["Webpack", "webpack"],
  ["Vite", "vite"],
  ["Flutter", "flutter"],
  ["Electron", "electron"],
  // back end
  ["Node.js", "node", "node.js", "nodejs"],
  ["Express", "express", "express.js"],
  ["NestJS", "nestjs", "nest.js"],
  ["Django", "django"],
  ["Flask", "flask"],
  ["FastAPI", "fastapi"],
  ["Spring", "spring", "spring boot", "springboot"],
  ["Ruby on Rails", "rails", "ruby on rails", "ror"],
  ["Laravel", "laravel"],
  ["Symfony", "symfony"],
  [".NET", ".net", "dotnet", "asp.net", ".net core"],
  ["gRPC", "grpc"],
  ["REST", "rest", "restful", "rest api", "rest apis", "restful api"],
  ["Microservices", "microservices", "microservice", "micro-services"],
  ["Event sourcing", "event sourcing", "event-sourced", "event-sourcing"],
  // data
  ["PostgreSQL", "postgresql", "postgres", "psql"],
  ["MySQL", "mysql", "mariadb"],
  ["SQLite", "sqlite"],
  ["MongoDB", "mongodb", "mongo"],
  ["Redis", "redis"],
  ["Elasticsearch", "elasticsearch", "elastic search", "opensearch"],
  ["Cassandra", "cassandra"],
  ["DynamoDB", "dynamodb"],
  ["Oracle", "oracle"],
  ["SQL Server", "sql server", "mssql"],
  ["NoSQL", "nosql"],
  ["Kafka", "kafka", "apache kafka"],
  ["RabbitMQ", "rabbitmq"],
  ["Spark", "spark", "apache spark", "pyspark"],
  ["Hadoop", "hadoop"],
  ["Airflow", "airflow"],
  ["dbt", "dbt"],
  ["Snowflake", "snowflake"],
  ["BigQuery", "bigquery"],
  ["Pandas", "pandas"],
  ["NumPy", "numpy"],
  ["Matplotlib", "matplotlib"],
  ["SciPy", "scipy"],
  ["scikit-learn", "scikit-learn", "sklearn"],
  ["TensorFlow", "tensorflow"],
  ["PyTorch", "pytorch", "torch"],
  ["JAX", "jax"],
  ["Keras", "keras"],
  ["Machine learning", "machine learning", "ml", "apprentissage automatique", "maschinelles lernen", "aprendizaje automatico"],
  ["Deep learning", "deep learning", "apprentissage profond", "aprendizaje profundo"],
  ["NLP", "nlp", "natural language processing", "traitement automatique des langues", "procesamiento del lenguaje natural"],
  ["Computer vision", "computer vision", "vision par ordinateur", "vision artificielle", "vision por computador", "bildverarbeitung"],
  ["LLM", "llm", "llms", "large language model", "large language models", "grands modeles de langage", "grand modele de langage"],
  ["Inference", "inference", "inferenz", "inferencia", "model serving"],
  ["MLOps", "mlops"],
  ["Ray", "ray"],
  ["ONNX", "onnx", "onnx runtime", "onnxruntime"],
  ["Triton", "triton", "triton inference server"],
  ["TensorRT", "tensorrt"],
  ["vLLM", "vllm"],
  ["Hugging Face", "hugging face", "huggingface"],
  ["Data analysis", "data analysis", "data analytics", "analyse de donnees", "datenanalyse", "analisis de datos"],
  ["Statistics", "statistics", "statistiques", "statistik", "estadistica"],
  ["Distributed systems", "distributed systems", "distributed system", "systemes distribues", "systeme distribue", "verteilte systeme", "sistemas distribuidos"],
  ["Tableau", "tableau"],
  ["Power BI", "power bi", "powerbi"],
  ["Excel", "excel", "microsoft excel"],
  // cloud & ops
  ["AWS", "aws", "amazon web services"],
  ["GCP", "gcp", "google cloud", "google cloud platform"],
  ["Azure", "azure", "microsoft azure"],
  ["Docker", "docker", "containers"],
  ["Kubernetes", "kubernetes", "k8s"],
  ["Helm", "helm"],
  ["Terraform", "terraform"],
  ["Ansible", "ansible"],
  ["Puppet", "puppet"],
  ["Chef", "chef"],
  ["Jenkins", "jenkins"],
  ["GitHub Actions", "github actions"],
  ["GitLab CI", "gitlab ci", "gitlab-ci"],
  ["CI/CD", "ci/cd", "ci / cd", "continuous integration", "continuous delivery", "continuous deployment"],
  ["Linux", "linux", "unix"],
  ["Nginx", "nginx"],
  ["Prometheus", "prometheus"],
  ["Grafana", "grafana"],
  ["Istio", "istio"],
  ["Serverless", "serverless", "lambda", "aws lambda"],
  ["DevOps", "devops"],
  ["SRE", "sre", "site reliability engineering", "site reliability"],
  ["Observability", "observability", "monitoring", "observabilite", "supervision", "uberwachung", "observabilidad", "monitorizacion"],
  ["Security", "security", "cybersecurity", "infosec", "securite", "cybersecurite", "sicherheit", "seguridad", "ciberseguridad"],
  ["Cloud", "cloud computing", "informatique en nuage"],
  // tools & practices
  ["Git", "git"],
  ["GitHub", "github"],
  ["GitLab", "gitlab"],
  ["JIRA", "jira"],
  ["Confluence", "confluence"],
  ["Figma", "figma"],
  ["Sketch", "sketch"],
  ["Adobe XD", "adobe xd"],
  ["Photoshop", "photoshop"],
  ["Illustrator", "illustrator"],
  ["Agile", "agile"],
  ["Scrum", "scrum"],
  ["Kanban", "kanban"],
  ["TDD", "tdd", "test-driven development", "test driven development"],
  ["Unit testing", "unit testing", "unit tests", "tests unitaires", "unit-tests", "pruebas unitarias"],
  ["Jest", "jest"],
  ["Vitest", "vitest"],
  ["Cypress", "cypress"],
  ["Playwright", "playwright"],
  ["Selenium", "selenium"],
  ["Prototyping", "prototyping", "prototypes"],
  ["User research", "user research", "usability testing", "usability tests", "recherche utilisateur", "tests utilisateurs", "nutzerforschung", "investigacion de usuarios"],
  ["Accessibility", "accessibility", "a11y", "wcag", "accessibilite", "barrierefreiheit", "accesibilidad"],
  ["UX design", "ux", "ux design", "user experience", "experience utilisateur", "nutzererfahrung", "experiencia de usuario"],
  ["UI design", "ui design", "user interface design", "interface utilisateur"],
  ["Design systems", "design system", "design systems", "systeme de design", "systemes de design"],
  ["Product management", "product management", "gestion de produit", "produktmanagement", "gestion de producto"],
  ["Project management", "project management", "gestion de projet", "gestion de projets", "projektmanagement", "gestion de proyectos"],
  ["Mentoring", "mentoring", "mentored", "coaching", "mentorat", "encadrement", "mentorin", "mentoria", "tutorat"],
  ["Leadership", "leadership", "team lead", "led a team", "team management", "people management", "managing a team", "management d'equipe", "gestion d'equipe", "fuhrung", "mitarbeiterfuhrung", "liderazgo", "gestion de equipos"],
  ["Communication", "communication", "kommunikation", "comunicacion"],
  ["Budgeting", "budgeting", "budget management", "gestion budgetaire", "budgetverantwortung", "gestion presupuestaria"],
  ["Recruiting", "recruiting", "recruitment", "recrutement", "rekrutierung", "reclutamiento"],
  ["Negotiation", "negotiation", "negociation", "verhandlung", "negociacion"],
  ["Sales", "sales", "business development", "vente", "ventes", "developpement commercial", "vertrieb", "ventas"],
  ["Customer success", "customer success", "customer support", "relation client", "kundenbetreuung", "atencion al cliente"],
  // engineering concepts, named differently in each language
  ["Latency", "latency", "low latency", "latence", "faible latence", "latenz", "latencia"],
  ["Scalability", "scalability", "scalable", "scalabilite", "passage a l'echelle", "skalierbarkeit", "skalierbar", "escalabilidad", "escalable"],
  ["Performance optimization", "performance optimization", "performance tuning", "optimisation des performances", "performanceoptimierung", "optimizacion del rendimiento"],
  ["Quantization", "quantization", "quantisation", "quantized", "quantised", "quantification", "quantisierung", "cuantizacion"],
  ["Reliability", "reliability", "fiabilite", "zuverlassigkeit", "fiabilidad"],
  ["Automation", "automation", "automatisation", "automatisierung", "automatizacion"],
  ["Software architecture", "software architecture", "architecture logicielle", "softwarearchitektur", "arquitectura de software"],
  ["Code review", "code review", "code reviews", "revue de code", "revues de code", "code-review", "revision de codigo"],
  ["Strategy", "strategy", "strategie", "estrategia"],
  ["Research", "research", "forschung"],
  ["SEO", "seo"],
  ["Salesforce", "salesforce"],
  ["SAP", "sap"],
];

export interface LexiconEntry {
  name: string;
  aliases: string[];
}

/** Lower case without diacritics: "Inférence" → "inference", "Führung" → "fuhrung". Same length as NFC input for most text. */
export function fold(text: string): string {
  return text.normalize("NFD").replace(/\p{M}+/gu, "").toLowerCase();
}

/** Accents only (case kept), so the two-letter capital rule of findSkills still sees "Go" vs "go". */
const stripAccents = (text: string) => text.normalize("NFD").replace(/\p{M}+/gu, "");

const SUFFIXES = [
  "ations", "ation", "ements", "ement", "ments", "ment", "ciones", "cion", "mientos", "miento", "ungen", "ung",
  "ings", "ing", "ions", "ion", "euses", "euse", "eurs", "eur", "ers", "er", "ed", "es", "en", "e", "s",
].sort((a, b) => b.length - a.length);

/**
 * A light, language-blind stem: folded, one common inflection suffix removed when at least four letters stay.
 * "managing" and "management" → "manag"; "inférence" and "inference" → "inferenc"; "entwicklungen" → "entwickl".
 */
export function stem(word: string): string {
  const w = fold(word);
  for (const suffix of SUFFIXES) if (w.endsWith(suffix) && w.length - suffix.length >= 4) return w.slice(0, -suffix.length);
  return w;
}

export const LEXICON: LexiconEntry[] = ENTRIES.map(([name, ...aliases]) => ({ name: name!, aliases: [...new Set([fold(name!), ...aliases.map(fold)])] }));

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

/** One pattern per entry; terms stand alone (so "go" is not found in "good", nor "c" in "c++"). */
const PATTERNS = LEXICON.map((entry) => ({
  entry,
  re: new RegExp(
    `(?<![\\p{L}\\p{N}+#./-])(?:${entry.aliases
      .sort((a, b) => b.length - a.length)
      .map((a) => escape(a).replace(/ /g, "[\\s-]+") + (a.length >= 5 && /\p{L}$/u.test(a) ? "(?:s|es|e|en)?" : ""))
      .join("|")})(?![\\p{L}\\p{N}+#]|\\.[\\p{L}])`,
    "giu",
  ),
}));

/** The canonical skills named in `text`, with how often each appears. */
export function findSkills(text: string): Map<string, number> {
  const found = new Map<string, number>();
  const plain = stripAccents(text);
  for (const { entry, re } of PATTERNS) {
    let count = 0;
    for (const m of plain.matchAll(re)) {
      // Two-letter or one-letter terms count only with a capital: "Go", "JS", "C", "R", not the verb "go".
      if (m[0].length <= 2 && !/^[A-Z]/.test(m[0])) continue;
      count++;
    }
    if (count > 0) found.set(entry.name, count);
  }
  return found;
}

/** The canonical name of a skill as a CV writes it ("k8s" → "Kubernetes"), or the text itself. */
export function canonicalSkill(name: string): string {
  const found = findSkills(name);
  return found.size === 1 ? [...found.keys()][0]! : name.trim();
}
