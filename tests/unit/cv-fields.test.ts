/** Dates as people type them, and validation problems as codes with field paths (shared by the editor and the API). */
import { describe, expect, it } from "vitest";
import { cvContentSchema, cvPatchSchema } from "@/shared/cv";
import { fieldIssues, formatUserDate, parseUserDate } from "@/shared/cv-fields";

describe("dates typed by a person", () => {
  it("reads numeric forms and month names in several languages, as ISO", () => {
    const cases: [string, string | undefined][] = [
      ["", undefined],
      ["2023", "2023"],
      ["2023-06", "2023-06"],
      ["06/2023", "2023-06"],
      ["6.2023", "2023-06"],
      ["14/06/2023", "2023-06-14"],
      ["June 2023", "2023-06"],
      ["juin 2023", "2023-06"],
      ["14 juin 2023", "2023-06-14"],
      ["Jun. 2023", "2023-06"],
      ["sept. 2020", "2020-09"],
      ["Décembre 2019", "2019-12"],
      ["März 2021", "2021-03"],
      ["junio de 2022", "2022-06"],
    ];
    for (const [typed, iso] of cases) expect(parseUserDate(typed), typed).toBe(iso);
  });

  it("refuses what is not a date (null), rather than guessing", () => {
    for (const typed of ["13/2023", "2023-13", "31/02/2023", "last spring", "June", "1850"]) expect(parseUserDate(typed), typed).toBeNull();
  });

  it("shows an ISO date as the reader reads it, in their language", () => {
    expect(formatUserDate("2023-06", "en")).toBe("June 2023");
    expect(formatUserDate("2023-06", "fr")).toBe("juin 2023");
    expect(formatUserDate("2023-06-14", "fr")).toBe("14 juin 2023");
    expect(formatUserDate("2023", "fr")).toBe("2023");
    expect(formatUserDate(undefined, "en")).toBe("");
  });

  it("round-trips: what is shown reads back as the same date", () => {
    for (const iso of ["2019-01", "2020-02", "2021-03", "2022-04", "2023-05", "2016-08", "2015-09", "2014-10", "2013-11", "2012-12", "2021-07-04"])
      for (const locale of ["en", "fr", "de", "es"]) expect(parseUserDate(formatUserDate(iso, locale)), `${iso} ${locale}`).toBe(iso);
  });
});

describe("field issues", () => {
  it("name each problem's field with a stable code and its bound", () => {
    const parsed = cvPatchSchema.safeParse({
      title: "",
      content: { work: [{ startDate: "juin 2023x" }], education: [{ institution: "x".repeat(301) }], skills: [{ name: "Go", keywords: Array(101).fill("k") }] },
    });
    expect(parsed.success).toBe(false);
    const issues = fieldIssues(parsed.error!);
    expect(issues).toEqual(
      expect.arrayContaining([
        { path: "title", code: "required" },
        { path: "content.work.0.startDate", code: "invalid_date" },
        { path: "content.education.0.institution", code: "too_long", max: 300 },
        { path: "content.skills.0.keywords", code: "too_many", max: 100 },
      ]),
    );
    const content = cvContentSchema.safeParse({ certificates: [{ name: "AWS", date: "2023-13" }] });
    expect(fieldIssues(content.error!, "content")).toEqual([{ path: "content.certificates.0.date", code: "invalid_date" }]);
  });
});
