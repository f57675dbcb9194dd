/**
 * Generated CVs (fictional seeded people of `npm run corpus`) rendered to real PDFs through two templates
 * that need npm packages only (our pdfkit export and Typst), read back by pdf.js and parsed: the contact
 * fields and whole entries (title + company + dates in one parsed entry; institution + degree) must come
 * back as the data that was printed.
 */
import { afterAll, describe, expect, it } from "vitest";
import { extractPdfText } from "@/server/cv/pdf/extract";
import { pdfPool } from "@/server/cv/pdf/pool";
import { readingOrder } from "@/server/cv/parse/layout";
import { parseResume } from "@/server/cv/parse/resume";
import { eqOrAbsent, norm, phoneKey, sameDates, sameDegree, toFixtureShape, wholeEntries } from "../../bench/lib/score";
import { makePerson } from "../../scripts/corpus/people";
import { TEMPLATES } from "../../scripts/corpus/render";
import { expectedFor, squash } from "../../scripts/corpus/truth";

afterAll(() => pdfPool().close());

/** Seeds apart from the ones `npm run corpus` uses by default (which start at 100000). */
const SEEDS = [11, 12, 13, 14, 15, 16, 17, 18, 19, 20];

describe.each(["export-classic", "typst-classic"])("generated CVs through %s", (name) => {
  it("come back with their name, email, phone and whole entries", { timeout: 120_000 }, async () => {
    const template = TEMPLATES.find((t) => t.name === name)!;
    let entries = 0;
    let whole = 0;
    for (const seed of SEEDS) {
      const person = makePerson(seed);
      const pdf = await template.render!(person, { tmp: "" });
      const pages = await extractPdfText(new Uint8Array(pdf));
      const text = [pages.flatMap((p) => p.items.map((it) => it.str)).join(""), readingOrder(pages).map((l) => l.text).join("")].map(squash).join("¶");
      const { expected } = expectedFor(person.cv, name, template.engine, person.lang, text);
      const got = toFixtureShape(parseResume(pages));
      const where = `${name} ${person.id}`;
      expect(norm(got.name), where).toBe(norm(expected.name));
      expect(norm(got.email), where).toBe(norm(expected.email));
      if (expected.phone) expect(phoneKey(got.phone), where).toBe(phoneKey(expected.phone));
      const exp = expected.experience ?? [];
      const edu = expected.education ?? [];
      entries += exp.length + edu.length;
      whole += wholeEntries(exp, got.experience, (e, g) => eqOrAbsent(e.title, g.title) && eqOrAbsent(e.company, g.company) && sameDates(e, g));
      whole += wholeEntries(edu, got.education, (e, g) => eqOrAbsent(e.institution, g.institution) && sameDegree(e.degree, g));
    }
    // Strict: nearly every entry whole (the corpus bench holds the exact figures per template).
    expect(whole / entries, `${whole} of ${entries} entries whole`).toBeGreaterThanOrEqual(0.9);
  });
});
