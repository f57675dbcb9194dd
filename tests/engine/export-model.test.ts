/** Dates, languages and file names of exports, the parts a reader sees before opening the file. */
import { describe, expect, it } from "vitest";
import { buildExportModel, contentDisposition, detectLanguage, exportFileName, formatItemDates } from "@/shared/cv-sections";
import { claire, ivan, wang } from "./export-fixtures";

describe("export dates", () => {
  it("prints a degree with only a year as that year, and a current job as an open range in the CV's language", () => {
    expect(formatItemDates({ startDate: "2019" }, "education", "en")).toBe("2019");
    expect(formatItemDates({ startDate: "2021-01" }, "work", "en")).toBe("Jan 2021 – Present");
    expect(formatItemDates({ startDate: "2021-01" }, "work", "fr")).toBe("janv. 2021 – aujourd’hui");
    expect(formatItemDates({ startDate: "2021-01", startDateText: "Jan 2021", endDateText: "Present" }, "work", "fr")).toBe("Jan 2021 – aujourd’hui");
  });
  it("keeps a job imported with one printed date and no end as that date", () => {
    expect(formatItemDates({ startDate: "2020-06", startDateText: "June 2020" }, "work", "en")).toBe("June 2020");
  });
  it("prints a closed range with both ends, and one date once when both ends are the same", () => {
    expect(formatItemDates({ startDate: "2017-09", endDate: "2020-12" }, "work", "en")).toBe("Sep 2017 – Dec 2020");
    expect(formatItemDates({ startDate: "2020", endDate: "2020" }, "education", "en")).toBe("2020");
  });
});

describe("export language", () => {
  it("reads the language from the CV's prose", () => {
    expect(detectLanguage(ivan)).toBe("en");
    expect(detectLanguage(claire)).toBe("fr");
    expect(detectLanguage(wang)).toBe("zh");
    expect(buildExportModel(claire).sections.map((s) => s.heading)).toEqual(["Profil", "Expérience professionnelle", "Formation", "Compétences", "Certifications"]);
  });
});

describe("export file names", () => {
  it("names the file <Name> - <CV title>.<ext>, without a doubled extension or path characters", () => {
    expect(exportFileName("Ada Lovelace", "adaline.pdf", "pdf")).toBe("Ada Lovelace - adaline.pdf");
    expect(exportFileName("Ada Lovelace", "Backend / Helios.pdf.pdf", "docx")).toBe("Ada Lovelace - Backend Helios.docx");
    expect(exportFileName("Ada Lovelace", "ada lovelace", "pdf")).toBe("Ada Lovelace.pdf");
    expect(exportFileName(undefined, "", "pdf")).toBe("CV.pdf");
    expect(exportFileName("王伟", "简历", "pdf")).toBe("王伟 - 简历.pdf");
  });
  it("sends an ASCII fallback and the exact UTF-8 name", () => {
    expect(contentDisposition("Ayşe Yılmaz - CV.pdf")).toBe(`attachment; filename="Ayse Y_lmaz - CV.pdf"; filename*=UTF-8''Ay%C5%9Fe%20Y%C4%B1lmaz%20-%20CV.pdf`);
  });
});
