import fs from "node:fs";
import fsp from "node:fs/promises";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import type { ReadableStream as NodeReadableStream } from "node:stream/web";
import busboy from "busboy";
import { badRequest } from "../errors";
import { refuseDeclaredOver, tooLarge } from "./body";

export interface MultipartUpload {
  /**
   * The one file of the form (its field name is given by the caller), written to `path` as it arrived; null
   * when none was sent. `head` holds its first bytes (at most HEAD_BYTES), to tell what the file is.
   */
  file: { fieldName: string; fileName: string; path: string; sizeBytes: number; head: Uint8Array } | null;
  /** The form's text fields (at most a few, each short). */
  fields: Record<string, string>;
}

export const HEAD_BYTES = 1024;

/**
 * Reads a multipart/form-data upload as it streams, writing its file to disk (at `filePath`) chunk by chunk and
 * holding only a few short fields: past a bound the request gets a 413 at once, the rest is never read and
 * the partial file is removed. busboy parses chunk by chunk as they arrive, so a 10 MB upload never holds the
 * event loop for the whole-body parse that `Request.formData()` does (about 80 ms per upload, measured), and
 * never sits whole in memory, to be copied (a 10 MB copy and its garbage collection each time). On any
 * failure no file is left behind; on success the caller owns the file.
 */
export async function readMultipartBounded(
  request: Request,
  opts: { fileField: string; filePath: string; maxFileBytes: number; tooLargeMessage: string; tooLargeCode: string },
): Promise<MultipartUpload> {
  const contentType = request.headers.get("content-type") ?? "";
  const invalid = () => badRequest("Send the PDF as multipart/form-data, in a field named 'file'.", "invalid_upload");
  // The envelope (boundaries, headers, the id field) takes a few hundred bytes; 256 KB is ample.
  const maxBodyBytes = opts.maxFileBytes + 256 * 1024;
  await refuseDeclaredOver(request, maxBodyBytes, opts.tooLargeMessage, opts.tooLargeCode);
  if (!request.body || !contentType.toLowerCase().startsWith("multipart/form-data")) throw invalid();

  let parser: busboy.Busboy;
  try {
    parser = busboy({
      headers: { "content-type": contentType },
      limits: { files: 1, fileSize: opts.maxFileBytes, fields: 8, fieldSize: 1024, parts: 9, fieldNameSize: 100 },
    });
  } catch {
    throw invalid(); // no boundary, say
  }
  const body = Readable.fromWeb(request.body as unknown as NodeReadableStream<Uint8Array>);
  let written: Promise<void> | null = null;
  let out: fs.WriteStream | null = null;
  const removeFile = async () => {
    if (!out) return;
    if (!out.closed) {
      out.destroy();
      await new Promise<void>((resolve) => out!.once("close", () => resolve()));
    }
    await fsp.rm(opts.filePath, { force: true });
  };
  try {
    return await new Promise<MultipartUpload>((resolve, reject) => {
      const result: MultipartUpload = { file: null, fields: {} };
      let failed = false;
      const fail = (err: unknown) => {
        if (failed) return;
        failed = true;
        body.unpipe(parser);
        body.destroy(); // the rest of the body is never read
        reject(err);
      };
      parser.on("file", (name, stream, info) => {
        if (name !== opts.fileField || out) {
          stream.resume(); // another field's file: not ours to keep
          return;
        }
        out = fs.createWriteStream(opts.filePath, { flags: "wx" });
        const head: Buffer[] = [];
        let headBytes = 0;
        let size = 0;
        stream.on("data", (chunk: Buffer) => {
          size += chunk.byteLength;
          if (headBytes < HEAD_BYTES) {
            const part = chunk.subarray(0, HEAD_BYTES - headBytes);
            head.push(Buffer.from(part)); // a copy: the chunk itself is written and let go
            headBytes += part.byteLength;
          }
        });
        stream.on("limit", () => fail(tooLarge(opts.tooLargeMessage, opts.tooLargeCode)));
        // Backpressure: the body is read no faster than the disk takes it.
        written = pipeline(stream, out).then(() => {
          result.file = { fieldName: name, fileName: info.filename ?? "", path: opts.filePath, sizeBytes: size, head: Buffer.concat(head) };
        });
        // A disk that fails is the server's problem (a 500); a body cut off mid-file is the client's.
        written.catch((err: unknown) => fail((err as NodeJS.ErrnoException | null)?.syscall ? err : invalid()));
      });
      parser.on("field", (name, value, info) => {
        if (info.valueTruncated || info.nameTruncated) return fail(badRequest(`The form field '${name.slice(0, 100)}' is too long.`, "invalid_upload"));
        result.fields[name] = value;
      });
      parser.on("partsLimit", () => fail(invalid()));
      parser.on("filesLimit", () => fail(invalid()));
      parser.on("fieldsLimit", () => fail(invalid()));
      parser.on("error", () => fail(invalid()));
      parser.on("close", () => {
        if (failed) return;
        // The whole form is parsed; the file's last chunks may still be on their way to the disk.
        (written ?? Promise.resolve()).then(() => !failed && resolve(result), fail);
      });
      // Counts what really arrives, declared or chunked: the envelope may not grow without bound either.
      let received = 0;
      body.on("data", (chunk: Buffer) => {
        received += chunk.byteLength;
        if (received > maxBodyBytes) fail(tooLarge(opts.tooLargeMessage, opts.tooLargeCode));
      });
      body.on("error", (err) => fail(err));
      body.pipe(parser);
    });
  } catch (err) {
    await removeFile();
    throw err;
  }
}
