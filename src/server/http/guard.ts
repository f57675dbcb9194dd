/**
 * Checks every request goes through before a route runs: a Host the app answers to, and for mutating API
 * calls, a same-origin caller and a JSON or multipart body. Pure functions over headers: used by the API
 * route wrappers and by the page proxy alike (no Next.js imports).
 */
import { AppError } from "../errors";

export const MUTATING_METHODS = new Set(["POST", "PUT", "PATCH", "DELETE"]);

/** `localhost:*` style patterns (as AUTH_ALLOWED_HOSTS) matched against a Host header. */
export function hostAllowed(host: string, patterns: string[]): boolean {
  const h = host.toLowerCase();
  return patterns.some((pattern) => {
    const re = new RegExp(`^${pattern.toLowerCase().replace(/[.+?^${}()|[\]\\]/g, "\\$&").replace(/\*/g, "[^/]*")}$`);
    return re.test(h) || (!pattern.includes(":") && re.test(h.replace(/:\d+$/, "")));
  });
}

export interface OriginPolicy {
  /** BETTER_AUTH_URL: the app's one public URL, when set. */
  publicUrl?: string;
  /** AUTH_ALLOWED_HOSTS patterns, used when publicUrl is unset. */
  allowedHosts: string[];
}

export function policyFromEnv(env: Record<string, string | undefined> = process.env): OriginPolicy {
  const publicUrl = env.BETTER_AUTH_URL?.trim() || undefined;
  const hosts = env.AUTH_ALLOWED_HOSTS?.trim() || "localhost:*,127.0.0.1:*,[::1]:*";
  return { publicUrl, allowedHosts: hosts.split(",").map((h) => h.trim()).filter(Boolean) };
}

/** 400 for a Host the app does not answer to (no Host at all included). */
export function checkHost(headers: Pick<Headers, "get">, policy: OriginPolicy): void {
  const host = headers.get("host");
  if (policy.publicUrl) {
    if (host) return; // a fixed public URL: links and cookies never come from the Host header
  } else if (host && hostAllowed(host, policy.allowedHosts)) {
    return;
  }
  throw new AppError(400, "unknown_host", "This server does not answer to that host name.");
}

const SIMPLE_CONTENT_TYPES = ["text/plain", "application/x-www-form-urlencoded", "multipart/form-data"];

function mediaType(headers: Headers): string | null {
  const raw = headers.get("content-type");
  return raw ? raw.split(";")[0]!.trim().toLowerCase() : null;
}

function hasBody(headers: Headers): boolean {
  const length = headers.get("content-length");
  return headers.has("transfer-encoding") || (length !== null && length !== "0");
}

/**
 * For POST, PUT, PATCH and DELETE on the API:
 * - a body must be `application/json` or `multipart/form-data` (415 otherwise): an HTML form can only send
 *   text/plain, urlencoded or multipart, and multipart is caught below;
 * - a browser always sends `Origin` on such requests (and modern ones `Sec-Fetch-Site`): either one must say
 *   same origin (403 otherwise);
 * - a request with neither comes from a program, not a browser page, so no cross-site page can have made it;
 *   it is still refused when it is a "simple" request (a POST with a CORS-safelisted content type and no
 *   custom header), the only kind an old browser could send cross-site without a preflight and without Origin.
 */
export function checkMutation(request: Request, policy: OriginPolicy): void {
  const method = request.method.toUpperCase();
  if (!MUTATING_METHODS.has(method)) return;
  const headers = request.headers;
  const type = mediaType(headers);
  const origin = headers.get("origin");
  const fetchSite = headers.get("sec-fetch-site");
  if (origin !== null) {
    if (!sameOrigin(origin, headers, policy)) throw crossSite();
  } else if (fetchSite !== null) {
    if (fetchSite !== "same-origin") throw crossSite();
  } else if (method === "POST" && (type === null || SIMPLE_CONTENT_TYPES.includes(type)) && !headers.has("x-device-id")) {
    throw crossSite();
  }
  if (hasBody(headers) && type !== "application/json" && type !== "multipart/form-data") {
    throw new AppError(415, "unsupported_media_type", "Send the request body as application/json (or multipart/form-data for a file).");
  }
}

function sameOrigin(origin: string, headers: Headers, policy: OriginPolicy): boolean {
  let url: URL;
  try {
    url = new URL(origin);
  } catch {
    return false; // "null" (sandboxed frames, file:) included
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") return false;
  if (policy.publicUrl) return url.origin === new URL(policy.publicUrl).origin;
  const host = headers.get("host");
  return host !== null && url.host === host.toLowerCase() && hostAllowed(url.host, policy.allowedHosts);
}

const crossSite = () =>
  new AppError(403, "cross_origin_request", "This request did not come from the app's own pages; open the app and try again there.");
