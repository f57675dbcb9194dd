/**
 * A real HTTP server on loopback that speaks the OpenAI chat-completions API, for tests and benches: one
 * JSON completion, or, when the request asks to `stream`, Server-Sent Events of chunks as OpenAI sends them.
 * It can answer slowly (before the first byte, and between chunks), and records when each client closes its socket.
 */
import http from "node:http";
import type { AddressInfo } from "node:net";

export interface FakeLlmRequest {
  body: { model: string; messages: { role: string; content: string }[] };
  receivedAt: number;
  /** When the client closed the connection (a cancel), if it did before the answer. */
  closedAt: number | null;
  answeredAt: number | null;
}

export interface FakeLlm {
  url: string;
  requests: FakeLlmRequest[];
  /** How long to wait before answering (ms). */
  delayMs: number;
  /** Streamed answers: characters per chunk (a token is about 4) and the pause between chunks (ms). */
  chunkChars: number;
  chunkDelayMs: number;
  /** Closes the connection of this many next requests without answering (a kept-alive socket closed as it was reused). */
  dropNext: number;
  /** Streamed answers: called after each chunk is written, with the characters sent so far. */
  onChunk?: (req: FakeLlmRequest, sentChars: number) => void;
  /** Per request, overrides delayMs. */
  delayFor?: (req: FakeLlmRequest) => number | undefined;
  /** What the assistant message says; called per request (index from 0). */
  reply: (req: FakeLlmRequest, index: number) => string;
  /** When set and it returns a string, the whole HTTP body of the 200 answer (e.g. "" for an empty body). */
  rawBody?: (req: FakeLlmRequest, index: number) => string | undefined;
  /** Resolves when a request arrives. */
  nextRequest(): Promise<FakeLlmRequest>;
  close(): Promise<void>;
}

/** The JSON schema name the client asked for ("json_resume" for imports, "cv_rewrite" for generations). */
export const schemaOf = (req: FakeLlmRequest) =>
  (req.body as { response_format?: { json_schema?: { name?: string } } }).response_format?.json_schema?.name;

export async function startFakeLlm(
  opts: { delayMs?: number; reply?: FakeLlm["reply"]; delayFor?: FakeLlm["delayFor"]; rawBody?: FakeLlm["rawBody"]; chunkChars?: number; chunkDelayMs?: number } = {},
): Promise<FakeLlm> {
  const waiters: ((r: FakeLlmRequest) => void)[] = [];
  const fake: FakeLlm = {
    url: "",
    requests: [],
    delayMs: opts.delayMs ?? 0,
    chunkChars: opts.chunkChars ?? 16,
    chunkDelayMs: opts.chunkDelayMs ?? 0,
    dropNext: 0,
    reply: opts.reply ?? (() => "{}"),
    delayFor: opts.delayFor,
    rawBody: opts.rawBody,
    nextRequest: () => new Promise((resolve) => waiters.push(resolve)),
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
  const server = http.createServer((req, res) => {
    if (fake.dropNext > 0) {
      fake.dropNext--;
      req.socket.destroy();
      return;
    }
    let raw = "";
    req.on("data", (c: Buffer) => (raw += c.toString()));
    req.on("end", () => {
      if (req.url !== "/v1/chat/completions" || req.method !== "POST") {
        res.writeHead(404).end();
        return;
      }
      const entry: FakeLlmRequest = { body: JSON.parse(raw), receivedAt: Date.now(), closedAt: null, answeredAt: null };
      const index = fake.requests.push(entry) - 1;
      res.on("close", () => {
        if (entry.answeredAt === null) entry.closedAt = Date.now();
      });
      waiters.splice(0).forEach((w) => w(entry));
      setTimeout(() => {
        if (res.destroyed || res.writableEnded) return;
        const raw = fake.rawBody?.(entry, index);
        if (raw !== undefined) {
          entry.answeredAt = Date.now();
          res.writeHead(200, { "content-type": "application/json" }).end(raw);
          return;
        }
        const content = fake.reply(entry, index);
        if ((entry.body as { stream?: boolean }).stream) {
          streamAnswer(fake, entry, index, content, res);
          return;
        }
        entry.answeredAt = Date.now();
        res.writeHead(200, { "content-type": "application/json" }).end(
          JSON.stringify({
            id: `chatcmpl-${index}`,
            object: "chat.completion",
            created: Math.floor(Date.now() / 1000),
            model: entry.body.model,
            choices: [{ index: 0, message: { role: "assistant", content }, finish_reason: "stop" }],
            usage: { prompt_tokens: 1, completion_tokens: 1, total_tokens: 2 },
          }),
        );
      }, fake.delayFor?.(entry) ?? fake.delayMs);
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()));
  fake.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`;
  return fake;
}

/** Writes `content` as chat-completion chunks (role first, then the text, then finish_reason and [DONE]). */
function streamAnswer(fake: FakeLlm, entry: FakeLlmRequest, index: number, content: string, res: http.ServerResponse) {
  const frame = (delta: Record<string, unknown>, finish: string | null = null) =>
    `data: ${JSON.stringify({ id: `chatcmpl-${index}`, object: "chat.completion.chunk", created: Math.floor(Date.now() / 1000), model: entry.body.model, choices: [{ index: 0, delta, finish_reason: finish }] })}\n\n`;
  res.writeHead(200, { "content-type": "text/event-stream", "cache-control": "no-cache" });
  res.write(frame({ role: "assistant", content: "" }));
  let sent = 0;
  const next = () => {
    if (res.destroyed) return;
    if (sent >= content.length) {
      entry.answeredAt = Date.now();
      res.end(`${frame({}, "stop")}data: [DONE]\n\n`);
      return;
    }
    const piece = content.slice(sent, sent + Math.max(1, fake.chunkChars));
    sent += piece.length;
    res.write(frame({ content: piece }));
    fake.onChunk?.(entry, sent);
    if (fake.chunkDelayMs > 0) setTimeout(next, fake.chunkDelayMs);
    else setImmediate(next);
  };
  next();
}
