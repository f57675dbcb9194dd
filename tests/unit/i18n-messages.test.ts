/** Every UI string exists in both languages, is valid ICU, takes the same arguments, and every key the code uses exists. */
import fs from "node:fs";
import path from "node:path";
import { createTranslator } from "next-intl";
import { describe, expect, it } from "vitest";
import en from "@/i18n/messages/en.json";
import fr from "@/i18n/messages/fr.json";
import { chooseLocale, localeFromAcceptLanguage } from "@/i18n/locales";

type Tree = { [key: string]: string | Tree };

function leaves(tree: Tree, prefix = ""): Map<string, string> {
  const out = new Map<string, string>();
  for (const [k, v] of Object.entries(tree)) {
    const key = prefix ? `${prefix}.${k}` : k;
    if (typeof v === "string") out.set(key, v);
    else for (const [kk, vv] of leaves(v, key)) out.set(kk, vv);
  }
  return out;
}

/** The argument names of an ICU message ("{n, plural, …}", "{title}"). */
const argsOf = (message: string) => new Set([...message.matchAll(/\{\s*(\w+)\s*[,}]/g)].map((m) => m[1]!));

const catalogs = { en: leaves(en as Tree), fr: leaves(fr as Tree) };

describe("messages", () => {
  it("have the same keys in English and French", () => {
    const missingInFr = [...catalogs.en.keys()].filter((k) => !catalogs.fr.has(k));
    const missingInEn = [...catalogs.fr.keys()].filter((k) => !catalogs.en.has(k));
    expect({ missingInFr, missingInEn }).toEqual({ missingInFr: [], missingInEn: [] });
  });

  it("are non-empty, valid ICU, take the same arguments in both languages, and format", () => {
    const problems: string[] = [];
    for (const locale of ["en", "fr"] as const) {
      const errors: string[] = [];
      const t = createTranslator({ locale, messages: locale === "en" ? en : fr, onError: (e) => errors.push(e.message) });
      for (const [key, message] of catalogs[locale]) {
        if (!message.trim()) problems.push(`${locale} ${key}: empty`);
        const args = argsOf(message);
        const other = argsOf(catalogs[locale === "en" ? "fr" : "en"].get(key) ?? "");
        if ([...args].sort().join() !== [...other].sort().join()) problems.push(`${key}: arguments differ between en and fr`);
        errors.length = 0;
        const text = (t as unknown as (k: string, v: Record<string, number>) => string)(key, Object.fromEntries([...args].map((a) => [a, 2])));
        if (errors.length || text === key) problems.push(`${locale} ${key}: ${errors.join("; ") || "does not format"}`);
      }
    }
    expect(problems).toEqual([]);
  });

  it("contain every key the code asks for", () => {
    const files: string[] = [];
    const walk = (dir: string) => {
      for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
        const full = path.join(dir, entry.name);
        if (entry.isDirectory()) walk(full);
        else if (/\.(tsx?|mts)$/.test(entry.name)) files.push(full);
      }
    };
    walk(path.resolve("src"));
    const used = new Set<string>();
    for (const file of files) {
      const text = fs.readFileSync(file, "utf8");
      for (const m of text.matchAll(/\bt\(\s*"([A-Za-z_]+(?:\.[A-Za-z_]+)+)"/g)) used.add(m[1]!);
    }
    expect(used.size).toBeGreaterThan(50); // the scan itself still finds the calls
    expect([...used].filter((k) => !catalogs.en.has(k) || !catalogs.fr.has(k))).toEqual([]);
  });

  it("plural forms agree with the count", () => {
    const tEn = createTranslator({ locale: "en", messages: en });
    const tFr = createTranslator({ locale: "fr", messages: fr });
    expect(tEn("generate.submit", { n: 1 })).toBe("Generate 1 CV");
    expect(tEn("generate.submit", { n: 3 })).toBe("Generate 3 CVs");
    expect(tEn("confirm.clearConfirm", { n: 1 })).toBe("Clear 1 task");
    expect(tFr("confirm.clearConfirm", { n: 2 })).toBe("Effacer 2 tâches");
    expect(tFr("confirm.clearConfirm", { n: 1 })).toBe("Effacer 1 tâche");
  });
});

describe("locale choice", () => {
  it("prefers the account, then the cookie, then Accept-Language, then English", () => {
    expect(chooseLocale({ account: "fr", cookie: "en", acceptLanguage: "en" })).toBe("fr");
    expect(chooseLocale({ account: null, cookie: "fr", acceptLanguage: "en-US" })).toBe("fr");
    expect(chooseLocale({ account: "de", cookie: "xx", acceptLanguage: "fr-CA,fr;q=0.9,en;q=0.5" })).toBe("fr");
    expect(chooseLocale({})).toBe("en");
    expect(localeFromAcceptLanguage("de-DE,de;q=0.9")).toBe("en");
    expect(localeFromAcceptLanguage("de-DE,fr;q=0.5,en;q=0.4")).toBe("fr");
    expect(localeFromAcceptLanguage("*")).toBe("en");
  });
});
