/**
 * The offline parser's behaviours on small inputs built here (fictional people, positioned text as pdf.js
 * gives it): splitting "Title, Company", phones, two-digit years, footers, rating glyphs, unplaced lines.
 */
import { describe, expect, it } from "vitest";
import { findLinks, findPhone } from "@/server/cv/parse/contact";
import { findDateRange, parseDate, resolveTwoDigitYear } from "@/server/cv/parse/dates";
import { readingOrder } from "@/server/cv/parse/layout";
import { parseResume } from "@/server/cv/parse/resume";
import { sectionOf } from "@/server/cv/parse/sections";
import { line, page, stack } from "../helpers/page-text";

const H = (text: string) => ({ x: 50, text, size: 14, bold: true });
const B = (text: string) => ({ x: 50, text, bold: true });
const header = [line(40, { x: 50, text: "Ilse Marwick", size: 24, bold: true }), line(75, { x: 50, text: "ilse.marwick@example.net" })];

describe("headings", () => {
  it("reads headings damaged by extraction or carrying a general qualifier, in several languages", () => {
    expect(sectionOf("Certi cations")).toBe("certificates"); // the "fi" ligature left a gap
    expect(sectionOf("EXPERIENC E")).toBe("work"); // letter spacing broke the word
    expect(sectionOf("Professional Appointments")).toBe("work");
    expect(sectionOf("Expériences professionnelles")).toBe("work");
    expect(sectionOf("Esperienze lavorative")).toBe("work");
    expect(sectionOf("Formação académica")).toBe("education");
    expect(sectionOf("Selected Publications")).toBe("publications");
    expect(sectionOf("Skills/Exposure")).toBe("skills");
    expect(sectionOf("Research and Development")).toBeNull();
  });
});

describe("one-line entries", () => {
  it("splits 'Title, Company, City', 'Title at Company', 'Company | Title' and 'Company — Title' by which side reads as an organisation", () => {
    const cv = parseResume([
      page(
        ...header,
        ...stack(120, 16, [
          H("Experience"),
          [B("Senior Data Analyst, Brightwater Analytics GmbH, Leipzig"), "2019 – 2022"],
          "• Built the weekly revenue forecast used by finance",
          [B("Lead Designer at Kestrel Labs"), "2016 – 2019"],
          "• Designed the booking flow of the mobile app",
          [B("Orchard Savings Bank | Risk Analyst"), "2014 – 2016"],
          "• Modelled credit risk for small businesses",
          [B("Moonfield Studio — Game Developer"), "2012 – 2014"],
          "• Shipped two puzzle games on consoles",
        ]),
      ),
    ]);
    expect(cv.work.map((w) => [w.position, w.name])).toEqual([
      ["Senior Data Analyst", "Brightwater Analytics GmbH"],
      ["Lead Designer", "Kestrel Labs"],
      ["Risk Analyst", "Orchard Savings Bank"],
      ["Game Developer", "Moonfield Studio"],
    ]);
    expect(cv.work[0]).toMatchObject({ location: "Leipzig", startDate: "2019", endDate: "2022" });
  });

  it("keeps a legal form with the name it follows ('Co., Ltd.')", () => {
    const cv = parseResume([page(...header, ...stack(120, 16, [H("Experience"), [B("Software Architect, Pinecrest Co., Ltd."), "2017 – 2018"], "• Drew the system map"]))]);
    expect(cv.work[0]).toMatchObject({ position: "Software Architect", name: "Pinecrest Co., Ltd." });
  });
});

describe("dashes and dated lines", () => {
  it("keeps a brand and the registered name after its dash as one employer, and still splits a job title from it", () => {
    const cv = parseResume([
      page(
        ...header,
        ...stack(120, 16, [
          H("Experience"),
          [{ x: 50, text: "2021 – 2023" }, { x: 150, text: "Platform Engineer", bold: true }],
          { x: 150, text: "Lumora - PT. Sinar Niaga Teknika, Bandung, Indonesia" },
          [{ x: 50, text: "2019 – 2021" }, { x: 150, text: "Data Analyst", bold: true }],
          { x: 150, text: "Tallow Freight – OOO Tallow Logistika" },
          [{ x: 50, text: "2017 – 2019" }, { x: 150, text: "Quality Lead – Harwick Systeme GmbH", bold: true }],
        ]),
      ),
    ]);
    expect(cv.work.map((w) => [w.position, w.name])).toEqual([
      ["Platform Engineer", "Lumora - PT. Sinar Niaga Teknika"],
      ["Data Analyst", "Tallow Freight – OOO Tallow Logistika"],
      ["Quality Lead", "Harwick Systeme GmbH"],
    ]);
  });

  it("reads a dated line whose title is a heading word ('2015.08  Internship') as an entry, not a heading", () => {
    const cv = parseResume([
      page(
        ...header,
        ...stack(120, 16, [
          H("Professional Appointments"),
          [{ x: 50, text: "2016.01 – 2018.02" }, { x: 150, text: "Field Engineer", bold: true }],
          { x: 150, text: "Corvane Energy Ltd., Perth, Australia" },
          [{ x: 50, text: "2015.08" }, { x: 150, text: "Internship", bold: true }],
          { x: 150, text: "Marlow Offshore Services, Darwin, Australia" },
        ]),
      ),
    ]);
    expect(cv.work.map((w) => [w.position, w.name, w.startDateText])).toEqual([
      ["Field Engineer", "Corvane Energy Ltd.", "2016.01"],
      ["Internship", "Marlow Offshore Services", "2015.08"],
    ]);
    expect(sectionOf("2. Experience")).toBe("work");
    expect(sectionOf("2015.08 Internship")).toBeNull();
  });
});

describe("entry layouts", () => {
  it("reads label/value entries (Position / Employer / Description) without guessing which side is which", () => {
    const cv = parseResume([
      page(
        ...header,
        ...stack(120, 14, [
          H("Work Experience"),
          "Position Night Auditor - 2015/Mar to 2018/Jun",
          "Employer Saltmarsh Hotel Group",
          "Description Balanced the ledger of a 90-room hotel every night.",
          "Position Receptionist - 2012/Sep to 2015/Feb",
          "Employer Driftwood Inn",
          "Description Welcomed guests and ran the booking system.",
        ]),
      ),
    ]);
    expect(cv.work.map((w) => [w.position, w.name, w.startDate, w.endDate])).toEqual([
      ["Night Auditor", "Saltmarsh Hotel Group", "2015-03", "2018-06"],
      ["Receptionist", "Driftwood Inn", "2012-09", "2015-02"],
    ]);
  });

  it("reads a postal address under an entry's header as its place, not as another entry", () => {
    const cv = parseResume([
      page(
        ...header,
        ...stack(120, 14, [
          H("Esperienza professionale"),
          [B("Tirocinante, Cooperativa Orsoline"), "settembre 2001 - agosto 2004"],
          "Via dei Mulini 12 40100 Lugo",
          "Gestione della cassa e delle ordinazioni del bar sociale, con turni serali.",
          [B("Cassiera, Forno Gualtieri SRL"), "aprile 1997 - maggio 2000"],
          "Via Roma 3 40100 Lugo",
        ]),
      ),
    ]);
    expect(cv.work.map((w) => [w.position, w.name, w.location])).toEqual([
      ["Tirocinante", "Cooperativa Orsoline", "Via dei Mulini 12 40100 Lugo"],
      ["Cassiera", "Forno Gualtieri SRL", "Via Roma 3 40100 Lugo"],
    ]);
  });

  it("takes the outer bullet level for entries and the inner one for what was done in them", () => {
    const cv = parseResume([
      page(
        ...header,
        ...stack(120, 14, [
          H("Experience"),
          "• Barista, Fernhill Coffee Ltd (Jan 2019 - Dec 2020)",
          "- Trained six new baristas",
          "- Ran the morning shift alone",
          "• Shop Assistant, Larkspur Books (Jun 2016 - Dec 2018)",
          "- Ordered stock for the children's section",
        ]),
      ),
    ]);
    expect(cv.work.map((w) => [w.position, w.name, w.highlights?.length])).toEqual([
      ["Barista", "Fernhill Coffee Ltd", 2],
      ["Shop Assistant", "Larkspur Books", 1],
    ]);
  });
});

describe("wrapped header lines", () => {
  it("joins a name wrapped where its next word had no room, and keeps a short line that would have fitted apart", () => {
    const cv = parseResume([
      page(
        ...header,
        ...stack(100, 14, [
          H("Profil"),
          "Maschinenbauingenieur mit Erfahrung in Messtechnik und Auswertung.", // the column's width: 66 characters
          H("Ausbildung"),
          { x: 300, text: "E" }, // an icon font's glyph beside the heading
          B("10/2020 – 03/2022"),
          B("Master of Science"),
          "Staatliche Hochschule für angewandte Wissenschaften",
          "Albstadt-Sigmaringen",
          { x: 70, text: "Schwerpunkt: Messtechnik" },
          B("10/2016 – 07/2020"),
          B("Bachelor of Music"),
          "Hochschule für Musik",
          "Leipzig",
        ]),
      ),
    ]);
    expect(cv.education.map((e) => [e.studyType, e.institution])).toEqual([
      ["Master of Science", "Staatliche Hochschule für angewandte Wissenschaften Albstadt-Sigmaringen"],
      ["Bachelor of Music", "Hochschule für Musik"],
    ]);
  });

  it("joins a title wrapped after a hyphenated conjunction ('Laser-und')", () => {
    const cv = parseResume([
      page(
        ...header,
        ...stack(120, 14, [
          H("Praktika"),
          [B("Praxissemester im Bereich Laser-und"), "03/2019 – 08/2019"],
          B("Widerstandsschweißen"),
          "Brenner Fügetechnik GmbH",
          "• Prüfstände aufgebaut",
        ]),
      ),
    ]);
    expect(cv.work.map((w) => [w.position, w.name])).toEqual([["Praxissemester im Bereich Laser-und Widerstandsschweißen", "Brenner Fügetechnik GmbH"]]);
  });
});

describe("headers wrapped by a word processor", () => {
  it("joins an end year wrapped to the next line's start, and a header wrapped before its dash", () => {
    const cv = parseResume([
      page(
        ...header,
        ...stack(120, 12, [
          H("Experience"),
          [B("Freelance Web Developer – Self-employed"), "Jan 2026 – May"],
          "2026",
          "Dublin",
          "• Onboarded and mentored five junior colleagues",
          B("Principal Engineer for Distributed Payment Infrastructure"),
          [B("– Ferrowind Systems"), "Oct 2015 – May 2018"],
          "• Led a team of six engineers across two sites",
        ]),
      ),
    ]);
    expect(cv.work.map((w) => [w.position, w.name, w.startDate, w.endDate])).toEqual([
      ["Freelance Web Developer", "Self-employed", "2026-01", "2026-05"],
      ["Principal Engineer for Distributed Payment Infrastructure", "Ferrowind Systems", "2015-10", "2018-05"],
    ]);
  });
});

describe("a rail date and its title in one cell", () => {
  it("splits the end year wrapped below from the employer beside it", () => {
    const cv = parseResume([
      page(
        ...header,
        ...stack(120, 12, [
          H("Experiencia"),
          { x: 50, text: "ene. 2017 – mar. Ingeniero de calidad", bold: true },
          [{ x: 50, text: "2018" }, { x: 130, text: "Zephyrine Digital" }],
          { x: 130, text: "• Reducción del tiempo de entrega en un 30 %" },
          { x: 50, text: "oct. 2013 – dic. Becario de desarrollo", bold: true },
          [{ x: 50, text: "2016" }, { x: 130, text: "Veridian Digital" }],
          { x: 130, text: "• Rediseño de la tienda en línea" },
        ]),
      ),
    ]);
    expect(cv.work.map((w) => [w.position, w.name, w.startDate, w.endDate])).toEqual([
      ["Ingeniero de calidad", "Zephyrine Digital", "2017-01", "2018-03"],
      ["Becario de desarrollo", "Veridian Digital", "2013-10", "2016-12"],
    ]);
  });
});

describe("one layout per section", () => {
  it("reads the place between an employer and its dates in every entry once one entry shows that layout", () => {
    const O = (text: string) => ({ x: 50, text, size: 12, bold: true });
    const cv = parseResume([
      page(
        ...header,
        ...stack(120, 15, [
          H("Work Experience"),
          O("Nimbly Sistemas"),
          O("Madrid"),
          "March 2021 – September 2022",
          O("Responsable de operaciones"),
          { x: 80, text: "Reducción del tiempo de entrega en un 30 % mediante la automatización de pruebas" },
          O("Autónomo"),
          O("Bilbao"),
          "August 2016 – July 2018",
          O("Consultor autónomo"),
          { x: 80, text: "Formación de nuevas incorporaciones en las herramientas internas del equipo" },
          O("Solvane Digital"),
          O("Zaragoza"),
          "July 2012 – March 2013",
          O("Coordinador de proyectos"),
          { x: 80, text: "Rediseño de la tienda en línea con React y Node.js para el mercado europeo" },
        ]),
      ),
    ]);
    expect(cv.work.map((w) => [w.position, w.name, w.location, w.startDate])).toEqual([
      ["Responsable de operaciones", "Nimbly Sistemas", "Madrid", "2021-03"],
      ["Consultor autónomo", "Autónomo", "Bilbao", "2016-08"],
      ["Coordinador de proyectos", "Solvane Digital", "Zaragoza", "2012-07"],
    ]);
  });
});

describe("grouped projects", () => {
  it("reads a label set left of its dated projects as their group, not as a project swallowing them", () => {
    const cv = parseResume([
      page(
        ...header,
        ...stack(120, 14, [
          H("Projects"),
          { x: 50, text: "🔑 Security" },
          [{ x: 70, text: "vaultline.js" }, { x: 160, text: "Author (open source)" }, { x: 430, text: "2022 – Present" }],
          { x: 90, text: "Post-quantum key exchange for browsers, built with WebAssembly." },
          [{ x: 70, text: "Bug Bounties" }, { x: 160, text: "Researcher" }, { x: 430, text: "2016" }],
          { x: 90, text: "Reported two browser vulnerabilities." },
          { x: 50, text: "🕸 Web" },
          [{ x: 70, text: "Tidepool.fm" }, { x: 160, text: "Author" }, { x: 430, text: "2013 – 2014" }],
          { x: 90, text: "Shared listening rooms for music streams." },
        ]),
      ),
    ]);
    expect(cv.projects.map((p) => [p.name, p.keywords, p.startDate, p.description])).toEqual([
      ["vaultline.js", ["Security"], "2022", "Post-quantum key exchange for browsers, built with WebAssembly."],
      ["Bug Bounties", ["Security"], "2016", "Reported two browser vulnerabilities."],
      ["Tidepool.fm", ["Web"], "2013", "Shared listening rooms for music streams."],
    ]);
    expect(cv.projects[0]!.highlights).toEqual(["Author (open source)"]);
  });
});

describe("list sections", () => {
  it("reads items all set large and bold as items, not as group headings, and a sentence per project", () => {
    const item = (text: string) => ({ x: 50, text, size: 12, bold: true });
    const cv = parseResume([
      page(
        ...header,
        ...stack(120, 16, [
          { x: 50, text: "LANGUES", size: 16, bold: true },
          item("Arabe : Courant"),
          item("Anglais : Niveau avancé"),
          item("Français : Bon niveau"),
          { x: 50, text: "Projets", size: 16, bold: true },
          "Développement d'un script Bash pour l'automatisation des",
          "sauvegardes de données, avec la gestion des erreurs.",
          "Création d'un programme de gestion des notes en C.",
          "Conception d'un programme Arduino qui avertit des obstacles.",
          { x: 50, text: "Certificats", size: 16, bold: true },
          "The Unix Workbench",
          "Plateforme : Coursera",
        ]),
      ),
    ]);
    expect(cv.languages.map((l) => [l.language, l.fluency])).toEqual([
      ["Arabe", "Courant"],
      ["Anglais", "Niveau avancé"],
      ["Français", "Bon niveau"],
    ]);
    expect(cv.projects.map((p) => p.name)).toEqual([
      "Développement d'un script Bash pour l'automatisation des sauvegardes de données, avec la gestion des erreurs.",
      "Création d'un programme de gestion des notes en C.",
      "Conception d'un programme Arduino qui avertit des obstacles.",
    ]);
    expect(cv.certificates).toEqual([{ name: "The Unix Workbench", issuer: "Coursera" }]);
  });
});

describe("lines that look like headings", () => {
  it("never takes a paragraph's wrapped last word for a heading, and reads a qualified compound heading", () => {
    const cv = parseResume([
      page(
        ...header,
        ...stack(120, 13, [
          H("Etudes"),
          [B("2015 - 2016"), { x: 150, text: "programme Erasmus; Université Technique de Prague", bold: true }],
          { x: 150, text: "1 semestre : cours de Master enseigné en anglais à la Faculty of Information" },
          { x: 150, text: "Technologies" },
          [B("2011 - 2013"), { x: 150, text: "Cycle Initial; Télécom Saint-Étienne", bold: true }],
          { x: 150, text: "Double diplôme en électronique et informatique industrielle" },
          H("Pubblicazioni e risultati scientifici"),
          "X. Y. Zed. How to write a curriculum vitae. Some Press, 2014",
        ]),
      ),
    ]);
    expect(sectionOf("Technologies")).toBe("skills");
    expect(cv.education.map((e) => [e.studyType, e.startDate])).toEqual([
      ["programme Erasmus", "2015"],
      ["Cycle Initial", "2011"],
    ]);
    expect(cv.skills).toEqual([]);
    expect(sectionOf("Pubblicazioni e risultati scientifici")).toBe("publications");
    expect(cv.publications).toHaveLength(1);
  });

  it("reads a line that opens with a lower-case month as a new entry, not as the description above", () => {
    const cv = parseResume([
      page(
        ...header,
        ...stack(120, 13, [
          H("Istruzione e formazione"),
          ["settembre 1988 - luglio 1993", { x: 230, text: "Diploma magistrale" }],
          { x: 230, text: "Istituto Magistrale Maria Montessori" },
          { x: 230, text: "espressione italiana, matematica, scienze naturali, lingua straniera e storia contemporanea" },
          ["settembre 2000 - febbraio 2002", { x: 230, text: "Attestato di frequenza del corso di informatica di base" }],
          { x: 230, text: "Centro di Formazione Professionale Marconi" },
        ]),
      ),
    ]);
    expect(cv.education.map((e) => [e.studyType, e.startDate])).toEqual([
      ["Diploma magistrale", "1988-09"],
      ["Attestato di frequenza del corso di informatica di base", "2000-09"],
    ]);
  });
});

describe("headings and dated list items", () => {
  it("joins a heading broken over two lines, names an unknown heading's section by its items, and reads date-first items", () => {
    const HH = (text: string) => ({ x: 50, text, size: 16, bold: true });
    const I = (text: string) => ({ x: 50, text, bold: true });
    const cv = parseResume([
      page(
        ...header,
        ...stack(120, 16, [
          HH("Sprachen"),
          "Deutsch: Muttersprache",
          HH("EHRENAMTLICHER"),
          HH("TÄTIGKEITEN"),
          I("ab 01/2017"),
          I("Nachhilfelehrer bei Lernbrücke e. V."),
          HH("Aufzeichnungen"),
          I("09/2021 – 03/2022"),
          I("Deutschlandstipendium"),
          I("Harwick Systeme GmbH"),
          I("03/2020 – 09/2020"),
          I("Stipendium der Karl-Ludwig-Bremer-"),
          I("Stiftung"),
        ]),
      ),
    ]);
    expect(cv.volunteer.map((v) => v.startDateText)).toEqual(["01/2017"]);
    expect(cv.awards.map((a) => [a.title, a.awarder, a.dateText])).toEqual([
      ["Deutschlandstipendium", "Harwick Systeme GmbH", "09/2021"],
      ["Stipendium der Karl-Ludwig-Bremer-Stiftung", undefined, "03/2020"],
    ]);
  });
});

describe("education entries", () => {
  it("reads a grade or honours line under a degree as its score, and 'Degree, School' after a missing field's comma", () => {
    const cv = parseResume([
      page(
        ...header,
        ...stack(120, 12, [
          H("Education"),
          [B("MSc Mechanical Engineering"), "09/20 – 06/24"],
          "Kingsreach Institute of Technology",
          "First Class Honours",
          [B("Bachelor of Science in Physics"), "09/16 – 06/20"],
          "Wrenfield College",
          "Note 1,7",
          B(", DUT Génie électrique, École Harlow"),
          "Sep, 2011 - Jun, 2013",
          B(", Licence professionnelle Métiers du numérique, IUT de Nantes"),
          "Sep, 2009 - Jun, 2011",
        ]),
      ),
    ]);
    // ("MSc Mechanical Engineering": an abbreviated degree, then its field, as JSON Resume keeps them.)
    expect(cv.education.map((e) => [e.studyType, e.area, e.institution, e.score])).toEqual([
      ["MSc", "Mechanical Engineering", "Kingsreach Institute of Technology", "First Class Honours"],
      ["Bachelor of Science in Physics", "Physics", "Wrenfield College", "Note 1,7"],
      ["DUT Génie électrique", undefined, "École Harlow", undefined],
      ["Licence professionnelle Métiers du numérique", undefined, "IUT de Nantes", undefined],
    ]);
  });

  it("separates a field before the degree, a bracketed grade, and a place or address after the school", () => {
    const cv = parseResume([
      page(
        ...header,
        ...stack(120, 14, [
          H("Education"),
          [B("Hochschule Auental"), "10/2014 – 09/2016"],
          "Biologie, Master of Science (1,3)",
          [B("Colegio Santa Brígida, Vilanova (Spain)"), "2008 – 2012"],
          "Bachillerato",
        ]),
      ),
    ]);
    expect(cv.education.map((e) => [e.institution, e.studyType, e.area, e.score, e.location])).toEqual([
      ["Hochschule Auental", "Master of Science", "Biologie", "1,3", undefined],
      ["Colegio Santa Brígida", "Bachillerato", undefined, undefined, "Vilanova (Spain)"],
    ]);
  });
});

describe("phones", () => {
  it("reads numbers written without separators, with or without a country code", () => {
    expect(findPhone("Tél. 0612345678")).toBe("0612345678");
    expect(findPhone("+33612345678")).toBe("+33612345678");
    expect(findPhone("Mobil: +49 1736127906")).toBe("+49 1736127906");
    expect(findPhone("0049/333 5647380")).toBe("0049/333 5647380");
  });

  it("never takes a DOI, an ISBN, an arXiv id, a date, a date range or a postcode for a phone", () => {
    expect(findPhone("doi: 10.1109/5.771073")).toBeUndefined();
    expect(findPhone("https://doi.org/10.1145/3357713.3384290")).toBeUndefined();
    expect(findPhone("ISBN 978-3-16-148410-0")).toBeUndefined();
    expect(findPhone("arXiv:2101.00001")).toBeUndefined();
    expect(findPhone("Born 24.11.1993 in Ulm")).toBeUndefined();
    expect(findPhone("2011 - 2013")).toBeUndefined();
    expect(findPhone("04/09/2015 – 30/07/2016")).toBeUndefined();
    expect(findPhone("75012 Paris")).toBeUndefined();
  });

  it("prefers the labelled number to a date printed before it", () => {
    expect(findPhone("Geboren 24.11.1993  Telefon +49 176 1234 5678")).toBe("+49 176 1234 5678");
  });
});

describe("two-digit years", () => {
  it("never puts a year after next year", () => {
    const now = new Date("2026-06-01T00:00:00Z");
    expect(resolveTwoDigitYear(98, undefined, now)).toBe(1998);
    expect(resolveTwoDigitYear(15, undefined, now)).toBe(2015);
    expect(resolveTwoDigitYear(27, undefined, now)).toBe(2027);
    expect(resolveTwoDigitYear(28, undefined, now)).toBe(1928);
    expect(parseDate("Sep 98").iso).toBe("1998-09");
  });

  it("reads 'Sep 98 – Jun 02' in a CV of the 1990s as 1998 to 2002", () => {
    const cv = parseResume([
      page(
        ...header,
        ...stack(120, 16, [
          H("Experience"),
          [B("Field Technician, Norrland Telecom AB"), "Sep 98 – Jun 02"],
          "• Installed exchanges in 40 towns",
          [B("Apprentice Electrician, Vasstrand Elektro AB"), "1995 – 1998"],
          "• Wired houses built in 1996 and 1997",
        ]),
      ),
    ]);
    expect(cv.work[0]).toMatchObject({ startDate: "1998-09", endDate: "2002-06" });
  });
});

describe("date formats", () => {
  it("reads day-first dates, 'year Month', Italian and Portuguese months, and ranges that lost their dash", () => {
    expect(findDateRange("04/09/2015 – 30/07/2016")).toMatchObject({ start: { iso: "2015-09-04" }, end: { iso: "2016-07-30" } });
    expect(findDateRange("2023 Mar. - 2024 Jul.")).toMatchObject({ start: { iso: "2023-03" }, end: { iso: "2024-07" } });
    expect(findDateRange("settembre 2001 - agosto 2004")).toMatchObject({ start: { iso: "2001-09" }, end: { iso: "2004-08" } });
    expect(findDateRange("[ 10/2024 – Atual ]")).toMatchObject({ start: { iso: "2024-10" }, current: true });
    expect(findDateRange("2021 2023")).toMatchObject({ start: { iso: "2021" }, end: { iso: "2023" } });
    expect(findDateRange("2023 Present")).toMatchObject({ start: { iso: "2023" }, current: true });
    expect(findDateRange("ESNE, desde 2024 (Sep 2019 - Sep 2023)")).toMatchObject({ start: { iso: "2019-09" }, end: { iso: "2023-09" } });
    expect(findDateRange("2023 1998")?.end).toBeUndefined(); // not a range: it runs backwards
  });
});

describe("contact details in page footers", () => {
  it("reads the phone and e-mail printed only in a running footer", () => {
    const footer = line(810, { x: 50, text: "Tel. 0612345678 · theo.vannier@example.fr", size: 8 });
    const body = (title: string) => stack(120, 16, [H("Experience"), [B(title), "2019 – 2022"], "• Planned the routes of 30 drivers"]);
    const cv = parseResume([
      page(line(40, { x: 50, text: "Théo Vannier", size: 24, bold: true }), ...body("Logistics Planner, Garonne Transports SA"), footer),
      page(...body("Dispatcher, Lisière Fret SARL"), footer),
    ]);
    expect(cv.basics).toMatchObject({ name: "Théo Vannier", phone: "0612345678", email: "theo.vannier@example.fr" });
  });
});

describe("wrapped e-mail addresses", () => {
  it("joins an address wrapped at a narrow sidebar's edge", () => {
    const cv = parseResume([
      page(
        line(40, { x: 50, text: "Wren Castellane", size: 24, bold: true }),
        ...stack(90, 12, ["WREN.CASTELLANE@EXAMPL", "E.NET", H("Experience"), [B("Cellar Master, Vinhos Altamar Lda"), "2015 – 2020"], "• Ran the cellar"]),
      ),
    ]);
    expect(cv.basics.email).toBe("WREN.CASTELLANE@EXAMPLE.NET");
  });
});

describe("vanity profile addresses", () => {
  it("reads 'github.jdoe.io' as a GitHub profile, never 'spacex.com' as X, and joins a letter-spaced address", () => {
    expect(findLinks("github.ilsemarwick.io  spacex.com").profiles).toEqual([{ network: "GitHub", url: "https://github.ilsemarwick.io" }]);
    const item = (str: string, x: number) => ({ str, x, y: 100, w: str.length * 5, h: 10, size: 10, bold: false });
    const [row] = readingOrder([{ width: 595, height: 842, items: [item("l i n k e d i n . m a r w i c k. i o", 300)] }]);
    expect(row!.text).toBe("linkedin.marwick.io");
  });
});

describe("profiles without links", () => {
  it("keeps handles printed beside icons in the contact row, and names the network printed next to a handle", () => {
    const cv = parseResume([
      page(
        line(40, { x: 50, text: "Wren Castellane", size: 24, bold: true }),
        line(80, { x: 50, text: "wren@example.net" }, { x: 200, text: "wrencast" }, { x: 300, text: "@wren_c" }, { x: 400, text: "Lisbon" }),
        line(95, { x: 50, text: "cellar-wren" }),
        line(107, { x: 50, text: "GitHub", size: 8 }),
        ...stack(140, 14, [H("Experience"), [B("Cellar Master, Vinhos Altamar Lda"), "2015 – 2020"], "• Ran the cellar"]),
      ),
    ]);
    expect(cv.basics.profiles).toEqual([{ network: "GitHub", username: "cellar-wren" }, { username: "wrencast" }, { username: "@wren_c" }]);
  });
});

describe("layout", () => {
  it("splits skill chips set apart by a space wider than an em, and keeps ordinary word spaces", () => {
    const chip = (str: string, x: number, w: number) => ({ str, x, y: 100, w, h: 7.6, size: 7.6, bold: false });
    const [row] = readingOrder([
      { width: 595, height: 842, items: [chip("Threat Detection", 400, 60.6), chip(" ", 460.6, 10), chip("Risk Management", 467, 64), chip(" ", 531, 2), chip("Audits", 533.5, 24)] },
    ]);
    expect(row!.cells.map((c) => c.text)).toEqual(["Threat Detection", "Risk Management Audits"]);
  });

  it("finds two columns under a name set large across both, and parts headings set side by side a word space apart", () => {
    const item = (str: string, x: number, y: number, size = 10, bold = false) => ({ str, x, y, w: str.length * size * 0.5, h: size, size, bold });
    const left = Array.from({ length: 14 }, (_, i) => item(["2019 – 2020", "IUT Créteil - Vitry - Vitry-sur-Seine", "LP Administration des Réseaux"][i % 3]!, 40, 300 + i * 14));
    const right = Array.from({ length: 14 }, (_, i) => item(i % 2 ? "Conception et maintenance de l'infrastructure ;" : "Ingénieur Infrastructure • Efficity", 240, 300 + i * 14));
    const lines = readingOrder([
      {
        width: 595,
        height: 842,
        items: [item("Hassan Oulmira", 74, 40, 40), item("Formations", 148, 270, 14, true), item("Expériences", 232, 270, 14, true), ...left, ...right],
      },
    ]);
    const heading = lines.filter((l) => l.y < 300 && l.y > 100);
    expect(heading.map((l) => [l.text, l.column])).toEqual([
      ["Formations", "left"],
      ["Expériences", "right"],
    ]);
    expect(lines.filter((l) => l.column === "left").length).toBe(15);
  });

  it("gives a bullet glyph set off its item's baseline back to the item it stands beside", () => {
    const item = (str: string, x: number, y: number, size = 10) => ({ str, x, y, w: str.length * size * 0.5, h: size, size, bold: false });
    const lines = readingOrder([
      {
        width: 595,
        height: 842,
        items: [item("L. T. Wong, “A paper,” Journal of", 48, 160), item("•", 35, 165, 9), item("Carrying On, vol. 12, 2011.", 48, 171), item("• O. Other, “Another paper,” 2008.", 35, 191)],
      },
    ]);
    expect(lines.map((l) => l.text)).toEqual(["•  L. T. Wong, “A paper,” Journal of", "Carrying On, vol. 12, 2011.", "• O. Other, “Another paper,” 2008."]);
  });
});

describe("rating glyphs", () => {
  it("never makes a language or a skill of '● ● ● ○ ○' or '○ ○ ○ ●'", () => {
    const cv = parseResume([
      page(
        ...header,
        ...stack(120, 16, [
          H("Languages"),
          ["English", "● ● ● ● ●"],
          ["Portuguese", "● ● ● ○ ○"],
          "○ ○ ○ ●",
          H("Skills"),
          ["Welding", "●●●○○"],
          ["Forklift", "★★★☆☆"],
        ]),
      ),
    ]);
    expect(cv.languages.map((l) => l.language)).toEqual(["English", "Portuguese"]);
    const skillNames = cv.skills.flatMap((s) => [s.name, ...(s.keywords ?? [])]);
    expect(skillNames).toEqual(expect.arrayContaining(["Welding", "Forklift"]));
    expect(skillNames.every((n) => /\p{L}/u.test(n))).toBe(true);
  });
});

describe("Europass languages", () => {
  it("reads the mother tongue and the rows of a CEFR grid wherever they are printed", () => {
    const cv = parseResume([
      page(
        ...header,
        ...stack(120, 16, [
          H("Personal skills"),
          ["Mother tongue(s)", "Galician"],
          "Foreign language(s)",
          [{ x: 50, text: "Portuguese" }, { x: 200, text: "B2" }, { x: 240, text: "B2" }, { x: 280, text: "B1" }, { x: 320, text: "B1" }],
        ]),
      ),
    ]);
    expect(cv.languages).toEqual([
      { language: "Galician", fluency: "Mother tongue(s)" },
      { language: "Portuguese", fluency: "B2 B2 B1 B1" },
    ]);
  });
});

describe("nothing lost silently", () => {
  it("never takes text too small to read for skills, and lists it as unplaced", () => {
    const cv = parseResume([
      page(
        ...header,
        ...stack(120, 14, [H("Skills"), "Pottery, Glazing, Kiln firing", { x: 50, text: "Kubernetes, Terraform, Rust, Haskell", size: 3.7 }]),
      ),
    ]);
    const skillNames = cv.skills.flatMap((s) => [s.name, ...(s.keywords ?? [])]);
    expect(skillNames).toEqual(expect.arrayContaining(["Pottery", "Glazing", "Kiln firing"]));
    expect(skillNames).not.toContain("Kubernetes");
    expect(cv.unplaced).toEqual(["Kubernetes, Terraform, Rust, Haskell"]);
  });

  it("returns the lines no field took, and only those", () => {
    const cv = parseResume([
      page(
        ...header,
        ...stack(120, 16, [
          H("Experience"),
          [B("Beekeeper, Hollowmere Apiaries Ltd"), "2018 – 2023"],
          "• Kept 120 hives and sold the honey at markets",
          H("Publications"),
          "[1] I. Marwick. Winter losses of mountain colonies. Journal of Apiculture, 2021.",
          "[2] I. Marwick. Queen rearing at altitude. Bee World, 2019.",
          H("Miscellany"),
          "Quixotic zebra fjord vexes nymphs",
        ]),
      ),
    ]);
    expect(cv.publications?.map((p) => p.name)).toEqual([
      "I. Marwick. Winter losses of mountain colonies. Journal of Apiculture, 2021.",
      "I. Marwick. Queen rearing at altitude. Bee World, 2019.",
    ]);
    expect(cv.unplaced).toEqual(["Quixotic zebra fjord vexes nymphs"]);
  });
});
