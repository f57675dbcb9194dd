import type { NextConfig } from "next";
import { API_CONTENT_SECURITY_POLICY, HSTS_HEADER, STATIC_SECURITY_HEADERS } from "./src/server/http/security-headers";

const nextConfig: NextConfig = {
  // Packages with wasm, native bindings or worker files must be loaded by Node, not bundled.
  serverExternalPackages: ["@electric-sql/pglite", "pg", "pdfjs-dist", "pdfkit"],
  poweredByHeader: false,
  async headers() {
    return [
      { source: "/:path*", headers: STATIC_SECURITY_HEADERS },
      { source: "/api/:path*", headers: [{ key: "Content-Security-Policy", value: API_CONTENT_SECURITY_POLICY }] },
      // Over HTTPS (a TLS-terminating proxy says so): browsers must come back over HTTPS only.
      { source: "/:path*", has: [{ type: "header", key: "x-forwarded-proto", value: "https" }], headers: [HSTS_HEADER] },
    ];
  },
};

export default nextConfig;
