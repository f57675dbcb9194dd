/** The DOCX export opened as a zip and read back: the same sections, scripts and dates as the PDF. */
import JSZip from "jszip";
import { describe, expect, it } from "vitest";
import { renderCvDocx } from "@/server/cv/export/docx";
import { buildExportModel } from "@/shared/cv-sections";
import { renderCvPdf, TEMPLATES } from "@/server/cv/export/pdf";
import { claire, ivan, wang } from "./export-fixtures";
import { docxText, pdfText } from "./export-read";

const render = async (...args: Parameters<typeof renderCvDocx>) => new Uint8Array(await renderCvDocx(...args));

describe.each(TEMPLATES)("DOCX export, %s template", (template) => {
  it("holds Turkish, Cyrillic, the single date alone and the open range", async () => {
    const text = await docxText(await render(ivan, { template }));
    expect(text).toContain("Boğaziçi Üniversitesi");
    expect(text).toContain("Иван Петров");
    expect(text).toMatch(/Boğaziçi Üniversitesi\t2017$/m);
    expect(text).toMatch(/Certified Kubernetes Administrator – CNCF\tMar 2022$/m);
    expect(text).toMatch(/Senior engineer – Yandex\tJan 2021 – Present$/m);
    expect(text).toContain("Education");
  });

  it("holds Chinese with Chinese headings", async () => {
    const text = await docxText(await render(wang, { template }));
    expect(text).toContain("王伟");
    expect(text).toContain("清华大学\t2016");
    expect(text).toContain("工作经历");
    expect(text).toContain("2019年7月 – 至今");
  });

  it("uses French headings and dates for a French CV", async () => {
    const text = await docxText(await render(claire, { template }));
    expect(text).toContain("Expérience professionnelle");
    expect(text).toContain("Compétences");
    expect(text).toMatch(/Ingénieure données – Helios\tfévr\. 2021 – aujourd’hui$/m);
    expect(text).not.toContain("Present");
  });
});

describe("DOCX and PDF carry the same sections", () => {
  it("prints every heading of the model, in the model's order, in both formats", async () => {
    for (const cv of [ivan, claire]) {
      const headings = buildExportModel(cv).sections.map((s) => s.heading);
      const order = (text: string) => headings.map((h) => text.indexOf(h));
      const inDocx = order(await docxText(await render(cv, { template: "classic" })));
      const inPdf = order(await pdfText(new Uint8Array(await renderCvPdf(cv, { template: "classic" }))));
      for (const positions of [inDocx, inPdf]) {
        expect(positions.every((p) => p >= 0)).toBe(true);
        expect([...positions].sort((a, b) => a - b)).toEqual(positions);
      }
    }
  });
});

describe("DOCX export, paper", () => {
  it("sets the page to A4 or Letter", async () => {
    const pageSize = async (bytes: Uint8Array) => (await (await JSZip.loadAsync(bytes)).file("word/document.xml")!.async("string")).match(/<w:pgSz [^>]*w:w="(\d+)"[^>]*w:h="(\d+)"/)!.slice(1).map(Number);
    expect(await pageSize(await render(claire, { paper: "a4" }))).toEqual([11906, 16838]);
    expect(await pageSize(await render(claire, { paper: "letter" }))).toEqual([12240, 15840]);
  });
});
