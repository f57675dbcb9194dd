import { NextResponse, type NextRequest } from "next/server";
import { checkHost, policyFromEnv } from "@/server/http/guard";
import { PAGE_PATH_HEADER } from "@/shared/next-path";
import { HSTS_HEADER, pageContentSecurityPolicy } from "@/server/http/security-headers";

const policy = policyFromEnv();

/**
 * Pages only (the API checks Host itself and gets its headers from next.config.ts): refuses unknown hosts,
 * and gives each page view a fresh CSP nonce, passed to Next.js in the request's CSP header.
 */
export function proxy(request: NextRequest) {
  try {
    checkHost(request.headers, policy);
  } catch {
    return new NextResponse("This server does not answer to that host name.", { status: 400, headers: { "content-type": "text/plain" } });
  }
  const nonce = Buffer.from(crypto.getRandomValues(new Uint8Array(16))).toString("base64");
  const csp = pageContentSecurityPolicy(nonce, { dev: process.env.NODE_ENV === "development" });
  const requestHeaders = new Headers(request.headers);
  requestHeaders.set("x-nonce", nonce);
  // The page asked for, so that a signed-out visit can come back to it after signing in.
  requestHeaders.set(PAGE_PATH_HEADER, request.nextUrl.pathname + request.nextUrl.search);
  requestHeaders.set("Content-Security-Policy", csp);
  const response = NextResponse.next({ request: { headers: requestHeaders } });
  response.headers.set("Content-Security-Policy", csp);
  if (request.nextUrl.protocol === "https:") response.headers.set(HSTS_HEADER.key, HSTS_HEADER.value);
  return response;
}

export const config = {
  matcher: [
    {
      source: "/((?!api/|_next/static|_next/image|favicon.ico|icon.svg).*)",
      missing: [
        { type: "header", key: "next-router-prefetch" },
        { type: "header", key: "purpose", value: "prefetch" },
      ],
    },
  ],
};
