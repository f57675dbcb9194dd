/** The PDF export read back with pdf.js: every script prints, dates and headings read right, in every template and paper size. */
import { describe, expect, it } from "vitest";
import { renderCvPdf, TEMPLATES } from "@/server/cv/export/pdf";
import { claire, ivan, wang } from "./export-fixtures";
import { pdfFonts, pdfOverlaps, pdfText } from "./export-read";

const render = async (...args: Parameters<typeof renderCvPdf>) => new Uint8Array(await renderCvPdf(...args));

describe.each(TEMPLATES)("PDF export, %s template", (template) => {
  it("prints Turkish and Cyrillic as written, a single date alone and an open range to Present", async () => {
    const text = await pdfText(await render(ivan, { template }));
    expect(text).toContain("Boğaziçi Üniversitesi");
    expect(text).toContain("Иван Петров");
    expect(text).toContain("İstanbul");
    expect(text).not.toContain("?");
    // The degree with only a year: "2017" alone, not "2017 – Present".
    expect(text).toMatch(/\b2017\b(?! –)/);
    expect(text).not.toMatch(/2017 – Present/);
    // The certificate's single date, and the current job's open range.
    expect(text).toContain("Mar 2022");
    expect(text).toContain("Jan 2021 – Present");
    expect(text).toContain("Sep 2017 – Dec 2020");
    expect(text).toContain("Education");
  });

  it("prints Chinese with a CJK font, mixed with Turkish and Cyrillic in one line, headings in Chinese", async () => {
    const bytes = await render(wang, { template });
    const text = (await pdfText(bytes)).replace(/\s+/g, "");
    expect(text).toContain("王伟");
    expect(text).toContain("清华大学");
    expect(text).toContain("ИванПетров");
    expect(text).toContain("Boğaziçiexchange");
    expect(text).toContain("工作经历");
    expect(text).toContain("2019年7月–至今");
    expect(pdfFonts(bytes).some((f) => f.includes("NotoSansHans"))).toBe(true);
  });

  it("uses French headings and French dates for a French CV", async () => {
    const text = await pdfText(await render(claire, { template }));
    expect(text).toContain("Expérience professionnelle");
    expect(text).toContain("Formation");
    expect(text).toContain("Compétences");
    expect(text).toContain("févr. 2021 – aujourd’hui");
    expect(text).toContain("mai 2023");
    expect(text).not.toContain("Present");
    expect(text).not.toContain("Experience");
  });

  it("draws no text over other text (sidebar, dates beside titles, bullets)", async () => {
    for (const cv of [ivan, wang, claire]) expect(await pdfOverlaps(await render(cv, { template }))).toEqual([]);
  });
});

describe("PDF export, fonts and paper", () => {
  it("embeds no CJK font for a Latin CV, which stays small", async () => {
    const bytes = await render(ivan, { template: "classic" });
    expect(pdfFonts(bytes).some((f) => f.includes("NotoSansHans"))).toBe(false);
    expect(pdfFonts(bytes).some((f) => f.includes("DejaVu"))).toBe(true);
    expect(bytes.length).toBeLessThan(300_000);
  });

  it("lays the page out as A4 or Letter", async () => {
    const size = (bytes: Uint8Array) => Buffer.from(bytes).toString("latin1").match(/\/MediaBox \[0 0 ([\d.]+) ([\d.]+)\]/)!.slice(1).map(Number);
    expect(size(await render(claire, { paper: "a4" }))).toEqual([595.28, 841.89]);
    expect(size(await render(claire, { paper: "letter" }))).toEqual([612, 792]);
  });

  it("follows an explicit language over the detected one", async () => {
    const text = await pdfText(await render(ivan, { lang: "fr" }));
    expect(text).toContain("Formation");
    expect(text).toContain("janv. 2021 – aujourd’hui");
  });
});
