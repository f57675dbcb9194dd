import { Readable } from "node:stream";
import type { ReadableStream as NodeReadableStream } from "node:stream/web";
import busboy from "busboy";
import { badRequest } from "../errors";
import { refuseDeclaredOver, tooLarge } from "./body";

export interface MultipartUpload {
  /** The one file of the form (its field name is given by the caller), or null when none was sent. */
  file: { fieldName: string; fileName: string; data: Uint8Array<ArrayBuffer> } | null;
  /** The form's text fields (at most a few, each short). */
  fields: Record<string, string>;
}

/**
 * Reads a multipart/form-data upload as it streams, never holding more than `maxFileBytes` of file and a few
 * short fields: past a bound the request gets a 413 at once and the rest is never read. busboy parses chunk by
 * chunk as they arrive, so a 10 MB upload never holds the event loop for the whole-body parse that
 * `Request.formData()` does (about 80 ms per upload, measured).
 */
export async function readMultipartBounded(
  request: Request,
  opts: { fileField: string; maxFileBytes: number; tooLargeMessage: string; tooLargeCode: string },
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
  return new Promise<MultipartUpload>((resolve, reject) => {
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
      if (name !== opts.fileField || result.file) {
        stream.resume(); // another field's file: not ours to keep
        return;
      }
      const chunks: Buffer[] = [];
      let size = 0;
      stream.on("data", (chunk: Buffer) => {
        size += chunk.byteLength;
        chunks.push(chunk);
      });
      stream.on("limit", () => fail(tooLarge(opts.tooLargeMessage, opts.tooLargeCode)));
      stream.on("end", () => {
        if (failed) return;
        const data = new Uint8Array(size);
        let offset = 0;
        for (const chunk of chunks) {
          data.set(chunk, offset);
          offset += chunk.byteLength;
        }
        result.file = { fieldName: name, fileName: info.filename ?? "", data };
      });
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
      if (!failed) resolve(result);
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
}
