/**
 * Hostile and heavy PDFs. Decompression bombs, made at test time (never committed): valid PDFs whose Flate streams inflate to
 * gigabytes. A Flate stream is built cheaply by repeating one raw-deflate unit: 64 MiB of spaces compressed
 * once (about 64 KB) and ended by a full flush, so that it depends on nothing before it.
 */
import { randomBytes } from "node:crypto";
import zlib from "node:zlib";

const UNIT_BYTES = 64 * 1024 * 1024;
const SPACE = 0x20;
const ADLER_MOD = 65521n;
let unit: Buffer | null = null;

/** Adler-32 of `prefix` followed by `spaces` spaces, without materialising them. */
function adler32(prefix: Buffer, spaces: bigint): number {
  let a = 1n;
  let b = 0n;
  for (const byte of prefix) {
    a = (a + BigInt(byte)) % ADLER_MOD;
    b = (b + a) % ADLER_MOD;
  }
  const c = BigInt(SPACE);
  const n = spaces;
  const b2 = (b + n * a + (c * n * (n + 1n)) / 2n) % ADLER_MOD;
  const a2 = (a + n * c) % ADLER_MOD;
  return Number((b2 << 16n) | a2);
}

/** A zlib (FlateDecode) stream: `prefix`, then `gib` GiB of spaces. */
export function flateBomb(prefix: string, gib: number): Buffer {
  unit ??= zlib.deflateRawSync(Buffer.alloc(UNIT_BYTES, SPACE), { level: 9, finishFlush: zlib.constants.Z_FULL_FLUSH });
  const units = Math.round((gib * 1024 * 1024 * 1024) / UNIT_BYTES);
  const head = Buffer.from(prefix, "latin1");
  const trailer = Buffer.alloc(4);
  trailer.writeUInt32BE(adler32(head, BigInt(units) * BigInt(UNIT_BYTES)) >>> 0);
  return Buffer.concat([
    Buffer.from([0x78, 0xda]), // zlib header, best compression
    zlib.deflateRawSync(head, { finishFlush: zlib.constants.Z_FULL_FLUSH }),
    ...Array.from({ length: units }, () => unit!),
    Buffer.from([0x03, 0x00]), // an empty final block
    trailer,
  ]);
}

/** Assembles numbered objects into a PDF with a classic xref table (objects given as raw bytes). */
function classicPdf(objects: Buffer[], trailer: string): Uint8Array {
  const parts: Buffer[] = [Buffer.from("%PDF-1.7\n%\xe2\xe3\xcf\xd3\n", "latin1")];
  let offset = parts[0]!.length;
  const offsets: number[] = [];
  objects.forEach((body, i) => {
    offsets.push(offset);
    const obj = Buffer.concat([Buffer.from(`${i + 1} 0 obj\n`), body, Buffer.from("\nendobj\n")]);
    parts.push(obj);
    offset += obj.length;
  });
  const xref = [`xref\n0 ${objects.length + 1}\n0000000000 65535 f \n`, ...offsets.map((o) => `${String(o).padStart(10, "0")} 00000 n \n`)].join("");
  parts.push(Buffer.from(`${xref}trailer\n<< /Size ${objects.length + 1} ${trailer} >>\nstartxref\n${offset}\n%%EOF\n`));
  return new Uint8Array(Buffer.concat(parts));
}

const streamObject = (dict: string, data: Buffer) =>
  Buffer.concat([Buffer.from(`<< ${dict} /Length ${data.length} >>\nstream\n`), data, Buffer.from("\nendstream")]);

/** One page whose content stream shows a line of text, then inflates to `gib` GiB of spaces. */
export function contentStreamBomb(gib = 4): Uint8Array {
  return classicPdf(
    [
      Buffer.from("<< /Type /Catalog /Pages 2 0 R >>"),
      Buffer.from("<< /Type /Pages /Kids [3 0 R] /Count 1 >>"),
      Buffer.from("<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 5 0 R >> >> /Contents 4 0 R >>"),
      streamObject("/Filter /FlateDecode", flateBomb("BT /F1 12 Tf 72 700 Td (Quentin Ostrander, platform engineer) Tj ET\n", gib)),
      Buffer.from("<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"),
    ],
    "/Root 1 0 R",
  );
}

/**
 * A legitimate but heavy PDF of about `bytes` bytes: one page of text and an unreferenced stream of random
 * (incompressible) bytes, like a CV carrying a large photo. For upload-size and stall tests.
 */
export function heavyPdf(bytes: number, name = "Quentin Ostrander"): Uint8Array {
  const text = `BT /F1 14 Tf 72 720 Td (${name}) Tj 0 -24 Td /F1 10 Tf (Platform engineer, quentin.ostrander@example.org, +44 20 7946 0321) Tj 0 -18 Td (Experience: built and ran services on Kubernetes and PostgreSQL since 2015.) Tj ET`;
  return classicPdf(
    [
      Buffer.from("<< /Type /Catalog /Pages 2 0 R >>"),
      Buffer.from("<< /Type /Pages /Kids [3 0 R] /Count 1 >>"),
      Buffer.from("<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 5 0 R >> >> /Contents 4 0 R >>"),
      streamObject("", Buffer.from(text)),
      Buffer.from("<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"),
      streamObject("", randomBytes(Math.max(0, bytes - 2048))),
    ],
    "/Root 1 0 R",
  );
}

/**
 * `pdf` grown to `bytes` by an incremental update that adds one unused stream of random (incompressible)
 * bytes, as a CV with large images would be: the same document, read the same way, but a heavy upload.
 */
export function paddedPdf(pdf: Uint8Array, bytes: number): Uint8Array {
  const text = Buffer.from(pdf).toString("latin1");
  const prev = Number(/startxref\s+(\d+)\s+%%EOF\s*$/.exec(text)?.[1]);
  const trailer = text.slice(text.lastIndexOf("trailer"));
  const size = Number(/\/Size\s+(\d+)/.exec(trailer)?.[1]);
  const root = /\/Root\s+(\d+\s+\d+\s+R)/.exec(trailer)?.[1];
  if (!Number.isFinite(prev) || !Number.isFinite(size) || !root) throw new Error("paddedPdf: not a PDF with a classic cross-reference table");
  const padding = streamObject("", randomBytes(Math.max(0, bytes - pdf.byteLength - 512)));
  const obj = Buffer.concat([Buffer.from(`\n${size} 0 obj\n`), padding, Buffer.from("\nendobj\n")]);
  const objOffset = pdf.byteLength + 1;
  const xrefOffset = pdf.byteLength + obj.length;
  const tail = `xref\n0 1\n0000000000 65535 f \n${size} 1\n${String(objOffset).padStart(10, "0")} 00000 n \ntrailer\n<< /Size ${size + 1} /Root ${root} /Prev ${prev} >>\nstartxref\n${xrefOffset}\n%%EOF\n`;
  return new Uint8Array(Buffer.concat([Buffer.from(pdf), obj, Buffer.from(tail, "latin1")]));
}

/**
 * The catalog, page tree and page live in an object stream that inflates to `gib` GiB: pdf.js decodes
 * all of it to reach the last object, just to open the document (so at upload time, for the page count).
 */
export function objectStreamBomb(gib = 3): Uint8Array {
  const objs = [
    "<< /Type /Catalog /Pages 3 0 R >>",
    "<< /Type /Pages /Kids [4 0 R] /Count 1 >>",
    "<< /Type /Page /Parent 3 0 R /MediaBox [0 0 612 792] >>",
  ];
  let body = "";
  const pairs: string[] = [];
  objs.forEach((o, i) => {
    pairs.push(`${i + 2} ${body.length}`);
    body += `${o}\n`;
  });
  const header = `${pairs.join(" ")}\n`;
  const objStm = streamObject(`/Type /ObjStm /N ${objs.length} /First ${header.length} /Filter /FlateDecode`, flateBomb(header + body, gib));

  // Object 1 is the object stream; 2-4 are inside it; 5 is the cross-reference stream.
  const head = Buffer.from("%PDF-1.7\n%\xe2\xe3\xcf\xd3\n", "latin1");
  const obj1 = Buffer.concat([Buffer.from("1 0 obj\n"), objStm, Buffer.from("\nendobj\n")]);
  const xrefOffset = head.length + obj1.length;
  const row = (type: number, field2: number, field3: number) => {
    const r = Buffer.alloc(7);
    r.writeUInt8(type, 0);
    r.writeUInt32BE(field2, 1);
    r.writeUInt16BE(field3, 5);
    return r;
  };
  const rows = Buffer.concat([row(0, 0, 0xffff), row(1, head.length, 0), row(2, 1, 0), row(2, 1, 1), row(2, 1, 2), row(1, xrefOffset, 0)]);
  const xref = Buffer.concat([Buffer.from("5 0 obj\n"), streamObject("/Type /XRef /Size 6 /W [1 4 2] /Root 2 0 R", rows), Buffer.from("\nendobj\n")]);
  return new Uint8Array(Buffer.concat([head, obj1, xref, Buffer.from(`startxref\n${xrefOffset}\n%%EOF\n`)]));
}
