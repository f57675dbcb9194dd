import { describe, expect, it } from "vitest";
import { findEmail, findLinks, findPhone } from "@/server/cv/parse/contact";
import { findDateRange, parseDate } from "@/server/cv/parse/dates";
import { normalizeText } from "@/server/cv/parse/normalize";
import { sectionOf } from "@/server/cv/parse/sections";

describe("contact details", () => {
  it("never reads the local part of an e-mail address as a web site", () => {
    const text = "adaline.verhoeven@example.org · +31 20 555 0147\nadaline.verhoeven@example.org";
    expect(findEmail(text)).toBe("adaline.verhoeven@example.org");
    expect(findLinks(text).url).toBeUndefined();
    expect(findLinks(`${text}\nwww.verhoeven.dev`).url).toBe("www.verhoeven.dev");
    expect(findLinks("Built services in Node.js and ASP.NET").url).toBeUndefined();
    expect(findLinks("johndoe.me").url).toBe("johndoe.me");
  });

  it("finds profiles on known networks", () => {
    expect(findLinks("github.com/ada · linkedin.com/in/ada-v").profiles).toEqual([
      { network: "GitHub", username: "ada", url: "https://github.com/ada" },
      { network: "LinkedIn", username: "ada-v", url: "https://linkedin.com/in/ada-v" },
    ]);
  });

  it("reads phone numbers in international and masked formats, not date ranges", () => {
    expect(findPhone("Mobile: +1-123-456-7890")).toBe("+1-123-456-7890");
    expect(findPhone("(+82) 10-9030-1843")).toBe("(+82) 10-9030-1843");
    expect(findPhone("+49 176 *** *** **")).toBe("+49 176 *** *** **");
    expect(findPhone("2012 - 2016")).toBeUndefined();
  });
});

describe("dates", () => {
  it("normalises printed dates and keeps what was printed", () => {
    expect(findDateRange("Sep. 2023 – Mar. 2024")).toMatchObject({ start: { iso: "2023-09" }, end: { iso: "2024-03" }, current: false });
    expect(findDateRange("Sep. 2023 Mar. 2024")?.end?.iso).toBe("2024-03"); // the dash lost by the PDF
    expect(findDateRange("juin 2019 – aujourd'hui")).toMatchObject({ start: { iso: "2019-06" }, current: true });
    expect(findDateRange("2015 年 3 月 – 至今")).toMatchObject({ start: { iso: "2015-03" }, current: true });
    expect(findDateRange("2016 / 09 - University of Bremen")?.start.iso).toBe("2016-09");
    expect(parseDate("Sep 15")).toEqual({ iso: "2015-09", text: "Sep 15" });
  });
});

describe("text and headings", () => {
  it("unfolds ligatures, keeps printed soft hyphens, drops icon glyphs", () => {
    expect(normalizeText("\uFB01nance")).toBe("finance");
    expect(normalizeText("Co\u00ADfounder")).toBe("Co-founder");
    expect(normalizeText("\uF0E0 mail")).toBe("  mail");
  });

  it("recognises headings in several languages, and not employers that look like them", () => {
    expect(sectionOf("EXPÉRIENCE PROFESSIONNELLE")).toBe("work");
    expect(sectionOf("COMPETENCES")).toBe("skills");
    expect(sectionOf("Berufserfahrung")).toBe("work");
    expect(sectionOf("Formación académica")).toBe("education");
    expect(sectionOf("教育背景")).toBe("education");
    expect(sectionOf("Research and Development")).toBeNull();
  });
});
