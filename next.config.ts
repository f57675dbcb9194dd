import type { NextConfig } from "next";
import createNextIntlPlugin from "next-intl/plugin";
import { API_CONTENT_SECURITY_POLICY, HSTS_HEADER, STATIC_SECURITY_HEADERS } from "./src/server/http/security-headers";

const nextConfig: NextConfig = {
  // Packages with wasm, native bindings or worker files must be loaded by Node, not bundled.
  serverExternalPackages: ["@electric-sql/pglite", "pg", "pdfjs-dist", "pdfkit"],
  poweredByHeader: false,
  // Every page's <title> in the first HTML, for every browser: streamed metadata reaches the page later, and
  // a page without a title meanwhile is what a screen reader announces (axe: document-title).
  htmlLimitedBots: /.*/,
  async headers() {
    return [
      { source: "/:path*", headers: STATIC_SECURITY_HEADERS },
      { source: "/api/:path*", headers: [{ key: "Content-Security-Policy", value: API_CONTENT_SECURITY_POLICY }] },
      // Over HTTPS (a TLS-terminating proxy says so): browsers must come back over HTTPS only.
      { source: "/:path*", has: [{ type: "header", key: "x-forwarded-proto", value: "https" }], headers: [HSTS_HEADER] },
    ];
  },
};

// Points next-intl at the request config that picks each page's locale and messages.
const withNextIntl = createNextIntlPlugin("./src/i18n/request.ts");

export default withNextIntl(nextConfig);
