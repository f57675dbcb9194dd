/**
 * The production server: Next.js behind a plain Node HTTP server, for one reason. `next start` passes on a
 * client's own X-Forwarded-For unchanged and drops the socket's address when there is one, so the app could
 * never know who is really calling. Here the client address is computed from the socket (and from
 * X-Forwarded-For only as far as TRUST_PROXY hops allow) and handed to the app in a header whose name is
 * random per process; any header of that family a client sends is removed first. It also answers the two
 * endpoints every device calls all the time (the delta poll and the push stream) before Next.js's pipeline:
 * src/server/http/hot-path.ts.
 *
 *   node --import tsx server.ts [-p PORT] [-H HOSTNAME]     (npm start / npm run serve)
 */
import { randomBytes } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import path from "node:path";
import { parseArgs } from "node:util";
import next from "next";
import { loadConfig } from "./src/server/config";
import { getApp } from "./src/server/app";
import { CLIENT_IP_HEADER_ENV, CLIENT_IP_HEADER_PREFIX, clientAddress } from "./src/server/http/client-ip";
import { createHotPath } from "./src/server/http/hot-path";

const { values } = parseArgs({
  options: { port: { type: "string", short: "p" }, hostname: { type: "string", short: "H" } },
  allowPositionals: true,
});
const port = Number(values.port ?? process.env.PORT ?? 3000);
const hostname = values.hostname ?? process.env.HOSTNAME ?? "0.0.0.0";
const { trustProxy, push: pushLimits } = loadConfig(); // a bad setting stops here, with its message

const ipHeader = `${CLIENT_IP_HEADER_PREFIX}-${randomBytes(12).toString("hex")}`;
process.env[CLIENT_IP_HEADER_ENV] = ipHeader;
(process.env as Record<string, string>).NODE_ENV ??= "production";

const app = next({ dev: false, dir: path.dirname(new URL(import.meta.url).pathname), hostname, port });
const handle = app.getRequestHandler();
await app.prepare();

/**
 * Push stream connections per session, counted here before any work: the stream caps (per user, per process)
 * are checked after the session is read from the database, so a flood of stream requests from one account
 * could otherwise hold thousands of sockets while they wait their turn and fill the process's descriptor
 * table. Past twice the per-user cap (room for reconnections), a session's next one gets a 429 at once.
 */
const pushConnections = new Map<string, number>();
const maxPushConnectionsPerSession = pushLimits.maxStreamsPerUser * 2;

function admitPushRequest(req: IncomingMessage, res: ServerResponse): boolean {
  // A push stream's connection closes with its stream (evicted, refused, at its lifetime): EventSource opens a
  // new one anyway, and a kept-alive idle socket would hold a file descriptor for keepAliveTimeout.
  res.shouldKeepAlive = false;
  // And the socket really goes: ended once the answer is out, destroyed if the peer does not close its side.
  res.once("finish", () => {
    req.socket.end();
    setTimeout(() => req.socket.destroy(), 2000).unref();
  });
  const token = /(?:^|;\s*)[\w.-]*session_token=([^;]+)/.exec(req.headers.cookie ?? "")?.[1];
  if (!token) return true; // no session: the route answers 401 at once
  const open = pushConnections.get(token) ?? 0;
  if (open >= maxPushConnectionsPerSession) {
    const body = JSON.stringify({ error: { code: "too_many_streams", message: "Too many live connections for this session. Close other tabs or try again in a few seconds." } });
    res.writeHead(429, { "content-type": "application/json", "retry-after": "5", "cache-control": "no-store" });
    res.end(body);
    return false;
  }
  pushConnections.set(token, open + 1);
  res.once("close", () => {
    const left = (pushConnections.get(token) ?? 1) - 1;
    if (left > 0) pushConnections.set(token, left);
    else pushConnections.delete(token);
  });
  return true;
}

// The delta poll and the push stream, answered before Next.js (see src/server/http/hot-path.ts).
const hotPath = createHotPath(getApp);

const server = createServer((req, res) => {
  for (const name of Object.keys(req.headers)) if (name.startsWith(CLIENT_IP_HEADER_PREFIX)) delete req.headers[name];
  const address = clientAddress(req.socket.remoteAddress, req.headers["x-forwarded-for"], trustProxy);
  if (address) req.headers[ipHeader] = address;
  if (req.url?.startsWith("/api/background-tasks/events") && !admitPushRequest(req, res)) return;
  if (hotPath.handle(req, res)) return;
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
