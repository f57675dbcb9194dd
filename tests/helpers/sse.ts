/** A minimal Server-Sent Events client over fetch, collecting frames as they arrive. */
export interface Frame {
  /** When it arrived (epoch ms). */
  receivedAt?: number;
  event?: string;
  id?: string;
  data?: string;
  comment?: string;
  retry?: string;
}

export interface EventStream {
  res: Response;
  frames: Frame[];
  /** Bytes of the body received so far. */
  bytes(): number;
  /** The last `id:` received (where a reconnection resumes), or null. */
  lastId(): string | null;
  /** Resolves when the stream ends, whoever ends it (never rejects). */
  ended: Promise<void>;
  isEnded(): boolean;
  close(): void;
}

/** Parses the frames of a Server-Sent Events text; returns the frames and the unparsed rest. */
export function parseFrames(buffer: string): { frames: Frame[]; rest: string } {
  const frames: Frame[] = [];
  let end;
  while ((end = buffer.indexOf("\n\n")) >= 0) {
    const frame: Frame = { receivedAt: Date.now() };
    for (const line of buffer.slice(0, end).split("\n")) {
      if (line.startsWith(":")) frame.comment = line.slice(1).trim();
      else {
        const at = line.indexOf(": ");
        const k = at >= 0 ? line.slice(0, at) : line;
        if (k === "event" || k === "id" || k === "data" || k === "retry") frame[k] = line.slice(at + 2);
      }
    }
    frames.push(frame);
    buffer = buffer.slice(end + 2);
  }
  return { frames, rest: buffer };
}

export async function openEvents(url: string, cookie: string, headers: Record<string, string> = {}): Promise<EventStream> {
  const controller = new AbortController();
  const res = await fetch(url, { headers: { cookie, ...headers }, signal: controller.signal });
  const frames: Frame[] = [];
  let bytes = 0;
  let lastId: string | null = null;
  let ended = false;
  const done =
    res.ok && res.body
      ? (async () => {
          const reader = res.body!.getReader();
          const decoder = new TextDecoder();
          let buffer = "";
          try {
            for (;;) {
              const { value, done } = await reader.read();
              if (done) return;
              bytes += value.byteLength;
              const parsed = parseFrames(buffer + decoder.decode(value, { stream: true }));
              buffer = parsed.rest;
              for (const frame of parsed.frames) if (frame.id !== undefined) lastId = frame.id;
              frames.push(...parsed.frames);
            }
          } catch {
            // closed
          }
        })()
      : Promise.resolve();
  const endedPromise = done.finally(() => (ended = true));
  return { res, frames, bytes: () => bytes, lastId: () => lastId, ended: endedPromise, isEnded: () => ended, close: () => controller.abort() };
}

export async function until(check: () => boolean | Promise<boolean>, ms = 5000, what = "condition") {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${ms} ms: ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
