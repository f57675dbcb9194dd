import type { NextConfig } from "next";

const nextConfig: NextConfig = {
  // Packages with wasm, native bindings or worker files must be loaded by Node, not bundled.
  serverExternalPackages: ["@electric-sql/pglite", "pg", "pdfjs-dist", "pdfkit"],
  poweredByHeader: false,
};

export default nextConfig;
