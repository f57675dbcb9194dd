/** Contact details found anywhere in a CV's text. */
export const EMAIL_RE = /[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}/;
const EMAILS_RE = new RegExp(EMAIL_RE.source, "g");

/** The text without its e-mail addresses (so that "jane.doe@x.org" never reads as a site "jane.doe"). */
export const withoutEmails = (text: string) => text.replace(EMAILS_RE, " ");

// International formats: +49 176 313 877 34, (+82) 10-9030-1843, (555) 123-4567, +1-123-456-7890,
// 123-456-7890, +212 6 22 90 22 21, 000-00-0000, and masked ones (+49 176 *** *** **, 131-221-87xxx).
const PHONE_RE = /(?:\(\+?\d{1,4}\)\s*|\+\d{1,4}[\s.-]*)?(?:\(\d{1,5}\)[\s.-]*)?\d{1,5}(?:[\s.-]+[\dx*]{1,6}){1,6}|\(\+?\d{1,4}\)\s*\d{3,}[\dx*]*/gi;

export function findEmail(text: string): string | undefined {
  return text.match(EMAIL_RE)?.[0];
}

/** The first run of characters that reads as a phone number (7+ digits or masked digits). */
export function findPhone(text: string): string | undefined {
  for (const m of text.matchAll(PHONE_RE)) {
    const candidate = m[0].trim().replace(/[\s.-]+$/, "");
    const digits = candidate.replace(/[^\d]/g, "");
    const masked = (candidate.match(/[x*]/gi) ?? []).length;
    if (digits.length + masked < 7 || digits.length > 15 + 0) continue;
    if (digits.length < 3) continue;
    // Date ranges (2012 - 2016) and years are not phone numbers.
    if (/^\d{4}\s*[-–]\s*\d{4}$/.test(candidate) || /^\d{4}\s*[/.-]\s*\d{1,2}$/.test(candidate)) continue;
    if (/^(19|20)\d{2}(\s*[-–/]\s*(19|20)?\d{2}){1,2}$/.test(candidate)) continue;
    return candidate;
  }
  return undefined;
}

const URL_RE = /\b(?:https?:\/\/)?(?:www\.)?(?:[a-z0-9-]+\.)+[a-z]{2,}(?:\/[^\s,;)]*)?/gi;
const NETWORKS: [RegExp, string][] = [
  [/linkedin\.com/i, "LinkedIn"],
  [/github\.com/i, "GitHub"],
  [/gitlab\.com/i, "GitLab"],
  [/stackoverflow\.com/i, "Stack Overflow"],
  [/twitter\.com|x\.com/i, "Twitter"],
  [/medium\.com/i, "Medium"],
  [/behance\.net/i, "Behance"],
  [/dribbble\.com/i, "Dribbble"],
];

const COMMON_TLDS = new Set(
  "com org net io dev me de fr uk co ai app eu info nl es it ch be at se no dk fi pl cz pt ie ru cn jp kr in br ca au nz us ma tn sn xyz tech site page blog edu gov online pro name".split(" "),
);

export interface Links {
  url?: string;
  profiles: { network: string; username?: string; url: string }[];
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
