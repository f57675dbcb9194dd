/**
 * Any OpenAI-compatible chat-completions server, through the official SDK. Every call carries the task's
 * AbortSignal, so a cancel closes the HTTP request at once. The answer is streamed, so the caller can report
 * progress as tokens arrive (a server that ignores `stream` and answers one JSON completion is read too).
 * Answers are JSON validated with Zod; invalid JSON is repaired or the model is asked again, at most twice.
 */
import OpenAI, { APIConnectionError, APIConnectionTimeoutError, APIError, APIUserAbortError } from "openai";
import { z } from "zod";

export interface LlmConfig {
  baseUrl: string;
  apiKey: string;
  model: string;
  timeoutMs: number;
}

/** The model could not be reached (network, timeout, 5xx, auth): callers fall back to the offline path. */
export class LlmUnavailableError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "LlmUnavailableError";
  }
}

/** The model answered, but never with valid JSON for the schema. */
export class LlmInvalidAnswerError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "LlmInvalidAnswerError";
  }
}

const MAX_RETRIES = 2;

/** What has arrived of the model's answer so far, in one attempt: streamed chunks (about a token each) and characters. */
export interface LlmStreamProgress {
  attempt: number;
  tokens: number;
  chars: number;
}

/** Best-effort repair of almost-JSON: code fences, prose around the object, trailing commas. */
export function repairJson(text: string): unknown {
  const attempts = [text];
  const fenced = text.match(/```(?:json)?\s*([\s\S]*?)```/);
  if (fenced) attempts.push(fenced[1]!);
  const start = text.indexOf("{");
  const end = text.lastIndexOf("}");
  if (start >= 0 && end > start) attempts.push(text.slice(start, end + 1));
  for (const candidate of [...attempts]) attempts.push(candidate.replace(/,\s*([}\]])/g, "$1"));
  for (const candidate of attempts) {
    try {
      return JSON.parse(candidate);
    } catch {
      // next
    }
  }
  throw new SyntaxError("not JSON");
}

export class LlmClient {
  private readonly client: OpenAI;

  constructor(readonly config: LlmConfig) {
    this.client = new OpenAI({
      baseURL: config.baseUrl,
      apiKey: config.apiKey,
      timeout: config.timeoutMs,
      maxRetries: 0, // retries are ours: on invalid answers; an unreachable server means the offline path
    });
  }

  /** Asks for a JSON object matching `schema`; returns it validated. */
  async json<S extends z.ZodType>(opts: {
    schemaName: string;
    schema: S;
    system: string;
    user: string;
    signal: AbortSignal;
    /** Called as the answer streams in (at most once per chunk). */
    onProgress?: (progress: LlmStreamProgress) => void;
  }): Promise<z.infer<S>> {
    const jsonSchema = z.toJSONSchema(opts.schema, { io: "input", unrepresentable: "any" }) as Record<string, unknown>;
    const messages: OpenAI.Chat.ChatCompletionMessageParam[] = [
      { role: "system", content: opts.system },
      { role: "user", content: opts.user },
    ];
    let lastProblem = "";
    for (let attempt = 0; attempt <= MAX_RETRIES; attempt++) {
      const answer = await this.complete(messages, opts.schemaName, jsonSchema, opts.signal, (tokens, chars) =>
        opts.onProgress?.({ attempt, tokens, chars }),
      );
      let parsed: unknown;
      try {
        parsed = repairJson(answer);
      } catch {
        lastProblem = answer.trim() === "" ? "The answer was empty." : "The answer was not JSON.";
        messages.push({ role: "assistant", content: answer }, { role: "user", content: `${lastProblem} Answer with the JSON object only.` });
        continue;
      }
      const valid = opts.schema.safeParse(parsed);
      if (valid.success) return valid.data;
      lastProblem = valid.error.issues
        .slice(0, 5)
        .map((i) => `${i.path.join(".") || "(root)"}: ${i.message}`)
        .join("; ");
      messages.push(
        { role: "assistant", content: answer },
        { role: "user", content: `That JSON does not match the schema (${lastProblem}). Answer again with corrected JSON only.` },
      );
    }
    throw new LlmInvalidAnswerError(`The language model gave no valid answer after ${MAX_RETRIES + 1} tries (${lastProblem}).`);
  }

  private async complete(
    messages: OpenAI.Chat.ChatCompletionMessageParam[],
    name: string,
    schema: Record<string, unknown>,
    signal: AbortSignal,
    onChunk: (tokens: number, chars: number) => void,
  ): Promise<string> {
    try {
      const request = () =>
        this.client.chat.completions
          .create(
            {
              model: this.config.model,
              messages,
              temperature: 0,
              stream: true,
              response_format: { type: "json_schema", json_schema: { name, schema, strict: false } },
            },
            { signal },
          )
          .withResponse();
      // A kept-alive connection the server closed as it was reused fails before the request is read: sent again
      // once on a fresh connection. Timeouts and answers are never retried here.
      const { data: stream, response } = await request().catch((err: unknown) => {
        if (signal.aborted || !(err instanceof APIConnectionError) || err instanceof APIConnectionTimeoutError) throw err;
        return request();
      });
      if (!/text\/event-stream/i.test(response.headers.get("content-type") ?? "")) {
        // Not a stream: the server ignored `stream` and sent one completion (or something else).
        return messageOf(JSON.parse(await response.text()));
      }
      let content = "";
      let tokens = 0;
      let events = 0;
      try {
        for await (const chunk of stream) {
          events++;
          const delta = (chunk as { choices?: { delta?: { content?: unknown } }[] }).choices?.[0]?.delta?.content;
          if (typeof delta === "string" && delta !== "") {
            content += delta;
            onChunk(++tokens, content.length);
          }
        }
      } catch (err) {
        if (signal.aborted || err instanceof APIError || err instanceof SyntaxError) throw err;
        throw new LlmUnavailableError(`The language model's answer stopped before its end (${err instanceof Error ? err.message : String(err)}).`);
      }
      if (events === 0) throw new LlmInvalidAnswerError("The language model's answer was empty or not JSON.");
      return content;
    } catch (err) {
      if (signal.aborted || err instanceof APIUserAbortError) throw signal.reason ?? err;
      if (err instanceof LlmInvalidAnswerError) throw err;
      // The SDK could not read the HTTP answer itself: an empty body, or a body that is not JSON.
      if (err instanceof SyntaxError) throw new LlmInvalidAnswerError("The language model's answer was empty or not JSON.");
      if (err instanceof APIConnectionError || err instanceof APIConnectionTimeoutError) {
        throw new LlmUnavailableError(`The language model at ${this.config.baseUrl} could not be reached (${err.message}).`);
      }
      if (err instanceof APIError && (err.status === undefined || err.status >= 500 || err.status === 401 || err.status === 403 || err.status === 404 || err.status === 429)) {
        throw new LlmUnavailableError(`The language model answered ${err.status}: ${err.message}`);
      }
      throw err;
    }
  }
}

/** The assistant's text of a whole (non-streamed) completion; a 200 that is not a completion ({} or a bare string) is an invalid answer. */
function messageOf(res: unknown): string {
  const choices = (res as { choices?: unknown } | null)?.choices;
  const content = Array.isArray(choices) ? (choices[0] as { message?: { content?: unknown } } | undefined)?.message?.content : undefined;
  if (typeof content !== "string") throw new LlmInvalidAnswerError("The language model's answer held no message (not a chat completion).");
  return content;
}

export function llmFromConfig(config: { llm?: LlmConfig }): LlmClient | null {
  return config.llm ? new LlmClient(config.llm) : null;
}
