/**
 * Fonts embedded in exported PDFs, shipped by npm packages (nothing is downloaded at run time):
 * DejaVu (`dejavu-fonts-ttf`) covers Latin with its extensions (Turkish, Polish, Vietnamese…), Greek and
 * Cyrillic; Noto Sans Hans (`@embedpdf/fonts-sc`) covers Chinese (and kana), and is registered only for a
 * CV whose text needs it, so that Latin CVs stay small. pdfkit embeds the subset of glyphs used.
 */
import { existsSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";

export type FontFace = "regular" | "bold";
export type FontFamily = "sans" | "serif" | "condensed";

const FILES: Record<FontFamily, Record<FontFace, string>> = {
  sans: { regular: "DejaVuSans.ttf", bold: "DejaVuSans-Bold.ttf" },
  serif: { regular: "DejaVuSerif.ttf", bold: "DejaVuSerif-Bold.ttf" },
  condensed: { regular: "DejaVuSansCondensed.ttf", bold: "DejaVuSansCondensed-Bold.ttf" },
};
const CJK_FILES: Record<FontFace, string> = { regular: "NotoSansHans-Regular.otf", bold: "NotoSansHans-Bold.otf" };

// Resolved from the project root at run time (not by a bundler): the files are data, not modules.
const requireFromRoot = () => createRequire(path.join(process.cwd(), "package.json"));
/** The folder of an installed package, looked up as Node looks up modules (a font package has no entry point). */
function packageDir(name: string): string {
  for (const dir of requireFromRoot().resolve.paths(name) ?? []) {
    const candidate = path.join(dir, name);
    if (existsSync(path.join(candidate, "package.json"))) return candidate;
  }
  throw new Error(`the font package ${name} is not installed (npm install)`);
}

const cache = new Map<string, Buffer>();
function load(file: string): Buffer {
  let data = cache.get(file);
  if (!data) {
    data = readFileSync(file);
    cache.set(file, data);
  }
  return data;
}

export const latinFont = (family: FontFamily, face: FontFace) => load(path.join(packageDir("dejavu-fonts-ttf"), "ttf", FILES[family][face]));
export const cjkFont = (face: FontFace) => load(path.join(packageDir("@embedpdf/fonts-sc"), "fonts", CJK_FILES[face]));

/** Han, kana, hangul, CJK punctuation and full-width forms: drawn with the CJK font. */
const CJK_CHAR = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}\u3000-\u303f\uff00-\uffef]/u;
const CJK_RUN = /([\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}\u3000-\u303f\uff00-\uffef]+)/u;

export const needsCjk = (text: string) => CJK_CHAR.test(text);

/** The text cut into runs, each flagged with whether it needs the CJK font. */
export function scriptRuns(text: string): { text: string; cjk: boolean }[] {
  return text
    .split(CJK_RUN)
    .filter((s) => s.length > 0)
    .map((s) => ({ text: s, cjk: CJK_CHAR.test(s) }));
}
