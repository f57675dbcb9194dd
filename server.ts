/**
 * The production server: Next.js behind a plain Node HTTP server, for one reason. `next start` passes on a
 * client's own X-Forwarded-For unchanged and drops the socket's address when there is one, so the app could
 * never know who is really calling. Here the client address is computed from the socket (and from
 * X-Forwarded-For only as far as TRUST_PROXY hops allow) and handed to the app in a header whose name is
 * random per process; any header of that family a client sends is removed first.
 *
 *   node --import tsx server.ts [-p PORT] [-H HOSTNAME]     (npm start / npm run serve)
 */
import { randomBytes } from "node:crypto";
import { createServer } from "node:http";
import path from "node:path";
import { parseArgs } from "node:util";
import next from "next";
import { loadConfig } from "./src/server/config";
import { CLIENT_IP_HEADER_ENV, CLIENT_IP_HEADER_PREFIX, clientAddress } from "./src/server/http/client-ip";

const { values } = parseArgs({
  options: { port: { type: "string", short: "p" }, hostname: { type: "string", short: "H" } },
  allowPositionals: true,
});
const port = Number(values.port ?? process.env.PORT ?? 3000);
const hostname = values.hostname ?? process.env.HOSTNAME ?? "0.0.0.0";
const { trustProxy } = loadConfig(); // a bad setting stops here, with its message

const ipHeader = `${CLIENT_IP_HEADER_PREFIX}-${randomBytes(12).toString("hex")}`;
process.env[CLIENT_IP_HEADER_ENV] = ipHeader;
(process.env as Record<string, string>).NODE_ENV ??= "production";

const app = next({ dev: false, dir: path.dirname(new URL(import.meta.url).pathname), hostname, port });
const handle = app.getRequestHandler();
await app.prepare();

const server = createServer((req, res) => {
  for (const name of Object.keys(req.headers)) if (name.startsWith(CLIENT_IP_HEADER_PREFIX)) delete req.headers[name];
  const address = clientAddress(req.socket.remoteAddress, req.headers["x-forwarded-for"], trustProxy);
  if (address) req.headers[ipHeader] = address;
  // A push stream's connection closes with its stream (evicted, refused, at its lifetime): EventSource opens a
  // new one anyway, and a kept-alive idle socket would hold a file descriptor for keepAliveTimeout, so that a
  // flood of streams from one account could fill the process's descriptor table even under the stream caps.
  if (req.url?.startsWith("/api/background-tasks/events")) res.shouldKeepAlive = false;
  void handle(req, res);
});
server.keepAliveTimeout = 65_000;
server.listen(port, hostname, () => console.log(`CV Tasks ready on http://${hostname}:${port}`));

for (const signal of ["SIGTERM", "SIGINT"] as const) {
  process.once(signal, () => {
    server.close();
    server.closeIdleConnections();
    void app.close().finally(() => process.exit(0));
    setTimeout(() => process.exit(0), 5000).unref();
  });
}
