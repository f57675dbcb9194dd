/** Contact details found anywhere in a CV's text. */
export const EMAIL_RE = /[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}/;
const EMAILS_RE = new RegExp(EMAIL_RE.source, "g");

/** The text without its e-mail addresses (so that "jane.doe@x.org" never reads as a site "jane.doe"). */
export const withoutEmails = (text: string) => text.replace(EMAILS_RE, " ");

// A phone number is read from its digits, not from a fixed pattern of groups: an optional "+" or "(+cc)",
// then digits with at most one separator (space, dot, dash, slash, parentheses) between them, 7 to 15 digits
// in all; masked digits (x, *) count. Two spaces end a candidate: they separate cells of a line.
const PHONE_CANDIDATE_RE = /(?<![\p{L}\d.\/-])(?:\+\s?|\(\s?\+?(?=\d))?[\d](?:(?:\s?[().\/-]\s?|\s|\)\s?|\s?\()?[\dx*])+(?![\p{L}\d])/giu;
/** Labels that announce a phone number, in the languages the parser reads. */
const PHONE_LABEL_RE = /(?:^|[^\p{L}])(?:tel|tél|phone|mobile|mobil|cell|cel|handy|telefon|telefone|telefono|teléfono|téléphone|portable|móvil|movil|telemóvel|telemovel|whatsapp|fon)\b\.?|[☎✆📞📱]/iu;
/** Identifiers that are digits too: never a phone. */
const NOT_PHONE_CONTEXT_RE = /(?:doi|isbn|issn|arxiv|orcid|pmid|siret|siren|iban|bic|zip|postcode|matr)[\s.:#]*$/i;

/** Whether a run of digits reads as a date, a date range or a year list rather than a phone number. */
function looksLikeDates(candidate: string): boolean {
  if (candidate.startsWith("+")) return false;
  const groups = candidate.split(/[^\dx*]+/).filter(Boolean);
  const hasYear = groups.some((g) => /^(?:19|20)\d{2}$/.test(g));
  return hasYear && groups.every((g) => /^(?:19|20)\d{2}$/.test(g) || g.length <= 2);
}

function phoneCandidates(text: string): { text: string; score: number; index: number }[] {
  const found: { text: string; score: number; index: number }[] = [];
  for (const line of text.split("\n")) {
    const labelled = PHONE_LABEL_RE.test(line);
    for (const m of line.matchAll(PHONE_CANDIDATE_RE)) {
      const candidate = m[0].trim().replace(/[\s.\/(-]+$/, "").replace(/^\((?!.*\))/, "");
      const digits = candidate.replace(/[^\d]/g, "");
      const masked = (candidate.match(/[x*]/gi) ?? []).length;
      if (digits.length < 3 || digits.length + masked < 7 || digits.length + masked > 15) continue;
      if (NOT_PHONE_CONTEXT_RE.test(line.slice(0, m.index))) continue;
      // 10.1109/5.771073 (a DOI), 978-3-16-148410-0 (an ISBN), 2101.00001 (an arXiv id).
      if (/^10\.\d{4,}/.test(candidate) || /^97[89][-\s]?\d{1,5}[-\s]\d+[-\s]\d+[-\s][\dx]$/i.test(candidate) || /^\d{4}\.\d{4,5}$/.test(candidate)) continue;
      if (looksLikeDates(candidate)) continue;
      // Thousands written with separators ("1,200,000" stops at the comma; "120.000.000") are amounts.
      if (/^\d{1,3}(?:\.\d{3}){2,}$/.test(candidate) && !labelled) continue;
      let score = 0;
      if (labelled) score += 4;
      if (/^(?:\+|\(\+|00)/.test(candidate)) score += 2;
      if (digits.length >= 9 && digits.length <= 13) score += 1;
      if (/[\s.\/-]/.test(candidate) && !/[().+]/.test(candidate) && /^\d{4}[\s.\/-]/.test(candidate) && !labelled) score -= 1;
      found.push({ text: candidate, score, index: found.length });
    }
  }
  return found;
}

export function findEmail(text: string): string | undefined {
  return text.match(EMAIL_RE)?.[0];
}

/**
 * The phone number of a text: among the runs of 7-15 digits that are not dates, identifiers (DOI, ISBN) or
 * amounts, the best labelled one ("Tel", "Mobile", "☎"), then one with a country code, then the first.
 */
export function findPhone(text: string): string | undefined {
  const candidates = phoneCandidates(text);
  candidates.sort((a, b) => b.score - a.score || a.index - b.index);
  return candidates[0]?.text;
}

const URL_RE = /\b(?:https?:\/\/)?(?:www\.)?(?:[a-z0-9-]+\.)+[a-z]{2,}(?:\/[^\s,;)]*)?/gi;
const NETWORKS: [RegExp, string][] = [
  [/linkedin\.com/i, "LinkedIn"],
  [/github\.com/i, "GitHub"],
  [/gitlab\.com/i, "GitLab"],
  [/stackoverflow\.com/i, "Stack Overflow"],
  // (\b: "spacex.com" is no X profile)
  [/twitter\.com|(?<![\w-])x\.com/i, "Twitter"],
  [/medium\.com/i, "Medium"],
  [/behance\.net/i, "Behance"],
  [/dribbble\.com/i, "Dribbble"],
];

/** Network names as CVs print them beside a handle ("johndoe" over "LinkedIn"), to their usual spelling. */
const NETWORK_NAMES = new Map<string, string>(
  [
    ["linkedin", "LinkedIn"],
    ["github", "GitHub"],
    ["gitlab", "GitLab"],
    ["bitbucket", "Bitbucket"],
    ["stackoverflow", "Stack Overflow"],
    ["stack overflow", "Stack Overflow"],
    ["twitter", "Twitter"],
    ["x", "X"],
    ["medium", "Medium"],
    ["behance", "Behance"],
    ["dribbble", "Dribbble"],
    ["facebook", "Facebook"],
    ["instagram", "Instagram"],
    ["xing", "XING"],
    ["mastodon", "Mastodon"],
    ["youtube", "YouTube"],
    ["kaggle", "Kaggle"],
    ["orcid", "ORCID"],
    ["researchgate", "ResearchGate"],
  ],
);

/** The network a printed label names ("LinkedIn", "GitHub:"), if it is one. */
export const networkOf = (label: string) => NETWORK_NAMES.get(label.trim().replace(/[:：]$/, "").trim().toLowerCase());

/** A handle as printed beside a network's name: one token, no spaces. */
export const HANDLE_RE = /^@?[\p{L}\p{N}._-]{2,40}$/u;

const COMMON_TLDS = new Set(
  "com org net io dev me de fr uk co ai app eu info nl es it ch be at se no dk fi pl cz pt ie ru cn jp kr in br ca au nz us ma tn sn xyz tech site page blog edu gov online pro name".split(" "),
);

export interface Links {
  url?: string;
  profiles: { network?: string; username?: string; url?: string }[];
}

/** Web links in the text: profiles on known networks, and the first other site as the personal URL. */
export function findLinks(text: string): Links {
  const links: Links = { profiles: [] };
  const plain = withoutEmails(text);
  for (const m of plain.matchAll(URL_RE)) {
    const raw = m[0].replace(/[.,;:]+$/, "");
    if (/^\d/.test(raw) || !/[a-z]/i.test(raw.split(".").pop() ?? "")) continue;
    // A bare name.tld ("Node.js", "ASP.NET") is a site only in lower case with a common top-level domain.
    const bare = !/^(https?:\/\/|www\.)/i.test(raw) && !raw.includes("/");
    if (bare && (raw !== raw.toLowerCase() || !COMMON_TLDS.has(raw.split(".").pop()!))) continue;
    const network = NETWORKS.find(([re]) => re.test(raw));
    // A vanity address named after the network ("github.jdoe.io", "linkedin.jdoe.dev") points to that profile.
    const vanity = network ? undefined : networkOf(raw.replace(/^(?:https?:\/\/)?(?:www\.)?/i, "").split(".")[0]!);
    if (vanity && raw.replace(/^(?:https?:\/\/)?(?:www\.)?/i, "").split("/")[0]!.split(".").length >= 3) {
      const url = raw.startsWith("http") ? raw : `https://${raw}`;
      if (!links.profiles.some((p) => p.url === url)) links.profiles.push({ network: vanity, url });
      continue;
    }
    if (network) {
      if (links.profiles.some((p) => p.url === raw)) continue;
      const username = raw.replace(/^(?:https?:\/\/)?(?:www\.)?[^/]+\/(?:in\/|users\/\d+\/)?/i, "").replace(/\/$/, "");
      links.profiles.push({ network: network[1], username: username || undefined, url: raw.startsWith("http") ? raw : `https://${raw}` });
    } else if (!links.url && /\.[a-z]{2,}(\/|$)/i.test(raw) && raw.length > 4) {
      links.url = raw;
    }
  }
  return links;
}
