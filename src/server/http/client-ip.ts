import { isIP } from "node:net";

/**
 * The client's address: the socket's peer, unless `trustProxy` reverse proxies sit in front of the app, in which
 * case it is the address the outermost trusted proxy saw, read from the right of X-Forwarded-For (each proxy
 * appends the address it received the request from; anything further left was written by the client and may
 * be forged). Null when nothing trustworthy is known.
 */
export function clientAddress(socketAddress: string | undefined, forwardedFor: string | string[] | undefined, trustProxy: number): string | null {
  const forwarded = (Array.isArray(forwardedFor) ? forwardedFor.join(",") : (forwardedFor ?? ""))
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean);
  const chain = [...forwarded, ...(socketAddress ? [socketAddress] : [])];
  if (chain.length === 0) return null;
  const candidate = chain[Math.max(0, chain.length - 1 - trustProxy)]!;
  const plain = candidate.replace(/^\[(.*)\]$/, "$1").replace(/^::ffff:(\d+\.\d+\.\d+\.\d+)$/i, "$1");
  return isIP(plain) ? plain : null;
}

/**
 * The custom server (server.ts) writes the address it computed into a request header whose name is random per
 * process (it removes any header of that family the client sent), and tells the app the name through this
 * variable. Started any other way, the app knows no client address and limits per account only.
 */
export const CLIENT_IP_HEADER_ENV = "CV_TASKS_CLIENT_IP_HEADER";
export const CLIENT_IP_HEADER_PREFIX = "x-cv-client-ip";

export function clientIpHeaderName(): string | undefined {
  const name = process.env[CLIENT_IP_HEADER_ENV];
  return name?.startsWith(CLIENT_IP_HEADER_PREFIX) ? name : undefined;
}

/** The trusted client address of a request (set by the custom server), or null. */
export function clientIpOf(headers: Headers): string | null {
  const name = clientIpHeaderName();
  const value = name ? headers.get(name) : null;
  return value && isIP(value) ? value : null;
}
