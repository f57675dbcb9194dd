/** A minimal Server-Sent Events client over fetch, collecting frames as they arrive. */
export interface Frame {
  /** When it arrived (epoch ms). */
  receivedAt?: number;
  event?: string;
  id?: string;
  data?: string;
  comment?: string;
}

export async function openEvents(url: string, cookie: string, headers: Record<string, string> = {}) {
  const controller = new AbortController();
  const res = await fetch(url, { headers: { cookie, ...headers }, signal: controller.signal });
  const frames: Frame[] = [];
  if (res.ok && res.body) {
    void (async () => {
      const reader = res.body!.getReader();
      const decoder = new TextDecoder();
      let buffer = "";
      try {
        for (;;) {
          const { value, done } = await reader.read();
          if (done) return;
          buffer += decoder.decode(value, { stream: true });
          let end;
          while ((end = buffer.indexOf("\n\n")) >= 0) {
            const frame: Frame = { receivedAt: Date.now() };
            for (const line of buffer.slice(0, end).split("\n")) {
              if (line.startsWith(":")) frame.comment = line.slice(1).trim();
              else {
                const at = line.indexOf(": ");
                const k = at >= 0 ? line.slice(0, at) : line;
                if (k === "event" || k === "id" || k === "data") frame[k] = line.slice(at + 2);
              }
            }
            frames.push(frame);
            buffer = buffer.slice(end + 2);
          }
        }
      } catch {
        // closed
      }
    })();
  }
  return { res, frames, close: () => controller.abort() };
}

export async function until(check: () => boolean | Promise<boolean>, ms = 5000, what = "condition") {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${ms} ms: ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
