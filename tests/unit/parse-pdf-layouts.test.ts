/**
 * Layouts the parser reads from real PDFs the test draws with pdfkit (fictional people), read back by pdf.js:
 * a sidebar set in step with the main column, dates wrapped at a tab stop or in a narrow left rail,
 * "MM/YY" ranges, one order of title and organisation per section, dated certificate lines.
 */
import PDFDocument from "pdfkit";
import { afterAll, describe, expect, it } from "vitest";
import { extractPdfText } from "@/server/cv/pdf/extract";
import { pdfPool } from "@/server/cv/pdf/pool";
import { parseResume } from "@/server/cv/parse/resume";

afterAll(() => pdfPool().close());

type Draw = (doc: PDFKit.PDFDocument) => void;
async function parsePdf(draw: Draw) {
  const doc = new PDFDocument({ size: "A4", margin: 40 });
  const chunks: Buffer[] = [];
  doc.on("data", (c: Buffer) => chunks.push(c));
  const done = new Promise<Buffer>((r) => doc.on("end", () => r(Buffer.concat(chunks))));
  draw(doc);
  doc.end();
  return parseResume(await extractPdfText(new Uint8Array(await done)));
}
const text = (doc: PDFKit.PDFDocument, s: string, x: number, y: number, size = 10, bold = false) =>
  doc.font(bold ? "Helvetica-Bold" : "Helvetica").fontSize(size).text(s, x, y, { lineBreak: false });
function header(doc: PDFKit.PDFDocument) {
  text(doc, "Noémie Castagnac", 40, 40, 22, true);
  text(doc, "noemie.castagnac@example.org", 40, 70);
}

describe("PDF layouts", () => {
  it("reads a sidebar set in step with the main column as a column of its own", async () => {
    const side = ["Contact", "+33 6 12 34 56 78", "Lyon, FR", "", "Compétences", "TypeScript", "PostgreSQL", "Kubernetes", "Figma", "", "Langues", "Français", "Anglais", "Espagnol"];
    const main: [string, boolean][] = [
      ["Expérience professionnelle", true],
      ["Cheffe de projet – Quillon Conseil    mars 2021 – aujourd’hui", true],
      ["• Pilotage de trois équipes de développement réparties entre Lyon et Genève", false],
      ["• Mise en place du suivi budgétaire mensuel pour la direction financière", false],
      ["Développeuse – Norvale Numérique    janv. 2017 – févr. 2021", true],
      ["• Refonte du site de réservation en ligne et de son tunnel de paiement", false],
      ["• Migration de 40 services vers des conteneurs sans interruption de service", false],
      ["Stagiaire développeuse – Brackwater SAS    juin 2016 – déc. 2016", true],
      ["• Tests automatisés de l’application mobile et de son interface d’administration", false],
      ["Formation", true],
      ["Université de Grenoble    2014 – 2016", true],
      ["Master Informatique", false],
    ];
    const cv = await parsePdf((doc) => {
      header(doc);
      // Both columns at the same leading, so most rows share a baseline across the gutter.
      side.forEach((s, i) => s && text(doc, s, 40, 110 + i * 14, 10, i === 0 || s === "Compétences" || s === "Langues"));
      main.forEach(([s, bold], i) => text(doc, s, 200, 110 + i * 14, bold && i === 0 ? 12 : 10, bold));
    });
    expect(cv.work.map((w) => [w.position, w.name, w.startDate, w.endDate])).toEqual([
      ["Cheffe de projet", "Quillon Conseil", "2021-03", undefined],
      ["Développeuse", "Norvale Numérique", "2017-01", "2021-02"],
      ["Stagiaire développeuse", "Brackwater SAS", "2016-06", "2016-12"],
    ]);
    expect(cv.basics.phone).toBe("+33 6 12 34 56 78");
    expect(cv.skills.flatMap((s) => s.keywords ?? [s.name])).toEqual(expect.arrayContaining(["TypeScript", "PostgreSQL", "Kubernetes", "Figma"]));
    expect(cv.languages.map((l) => l.language)).toEqual(["Français", "Anglais", "Espagnol"]);
  });

  it("joins date ranges wrapped at a tab stop or in a narrow left rail, and reads 'MM/YY' ranges", async () => {
    const cv = await parsePdf((doc) => {
      header(doc);
      text(doc, "Berufserfahrung", 40, 110, 13, true);
      // Wrapped past the right tab stop: "Okt. 2022 –" / "Feb. 2025".
      text(doc, "Teamleiterin Vertrieb – Kestrel Technik", 40, 135, 10, true);
      text(doc, "Okt. 2022 –", 470, 135);
      text(doc, "Feb. 2025", 40, 147);
      text(doc, "• Aufbau des Vertriebs in Österreich", 50, 161);
      // Wrapped in a left rail: "06/19 –" / "heute" is not this entry; it is the next one's "03/17 – 09/22".
      text(doc, "03/17 –", 40, 185, 10, true);
      text(doc, "Softwareentwicklerin – Aldercrest GmbH", 120, 185, 10, true);
      text(doc, "09/22", 40, 197);
      text(doc, "• Betreuung von Werkstudierenden", 120, 199);
      text(doc, "11/14 – 02/17", 40, 223, 10, true);
      text(doc, "Werkstudentin – Pyxara Medien GmbH", 120, 223, 10, true);
      text(doc, "• Pflege des Redaktionssystems", 120, 237);
    });
    expect(cv.work.map((w) => [w.position, w.name, w.startDate, w.endDate])).toEqual([
      ["Teamleiterin Vertrieb", "Kestrel Technik", "2022-10", "2025-02"],
      ["Softwareentwicklerin", "Aldercrest GmbH", "2017-03", "2022-09"],
      ["Werkstudentin", "Pyxara Medien GmbH", "2014-11", "2017-02"],
    ]);
  });

  it("joins a present-word hyphenated in a left rail, and keeps a town named after a preposition in the school's name", async () => {
    const cv = await parsePdf((doc) => {
      header(doc);
      text(doc, "Expériences", 132, 110, 13, true);
      // "Au-" / "jourd’hui": the rail wraps the word itself.
      text(doc, "Mars 21 - Au-", 40, 135, 10, true);
      text(doc, "Ingénieure données; Ravelle Conseil Nantes (FR)", 132, 135, 10, true);
      text(doc, "jourd’hui", 40, 147, 10, true);
      text(doc, "• Modèles de prévision des ventes", 132, 149);
      text(doc, "Janv. 19 - Fév. 21", 40, 171, 10, true);
      text(doc, "Analyste; Quillon Études Rennes (FR)", 132, 171, 10, true);
      text(doc, "• Tableaux de bord régionaux", 132, 185);
      text(doc, "Formation", 132, 215, 13, true);
      text(doc, "2016 - 2018", 40, 240, 10, true);
      text(doc, "Master de statistique; Université technique de Brno (CZ)", 132, 240, 10, true);
      text(doc, "• Semestre d’échange", 132, 254);
    });
    expect(cv.work.map((w) => [w.position, w.name, w.location, w.startDate, w.endDate ?? "current"])).toEqual([
      ["Ingénieure données", "Ravelle Conseil", "Nantes (FR)", "2021-03", "current"],
      ["Analyste", "Quillon Études", "Rennes (FR)", "2019-01", "2021-02"],
    ]);
    expect(cv.education.map((e) => [e.institution, e.studyType, e.location])).toEqual([["Université technique de Brno", "Master de statistique", "CZ"]]);
  });

  it("reads a place set above the dates as the location, and a later role without employer as at the same one", async () => {
    // Right-aligned at the page's right margin, as a word processor's right tab stop sets them.
    const right = (doc: PDFKit.PDFDocument, s: string, y: number, bold = false) => {
      doc.font(bold ? "Helvetica-Bold" : "Helvetica").fontSize(10);
      text(doc, s, 555 - doc.widthOfString(s), y, 10, bold);
    };
    const cv = await parsePdf((doc) => {
      header(doc);
      text(doc, "Experiência", 40, 110, 13, true);
      text(doc, "Tarvix", 40, 135, 10, true);
      right(doc, "Portugal", 135);
      text(doc, "Engenheira de Dados", 40, 149);
      right(doc, "2022 – Presente", 149);
      text(doc, "Responsável pela plataforma de dados de clientes.", 40, 163);
      text(doc, "Estagiária em Engenharia de Dados", 40, 185);
      right(doc, "2021 – 2022", 185);
      text(doc, "Relatórios semanais automatizados.", 40, 199);
      text(doc, "Lumeira Seguros", 40, 225, 10, true);
      right(doc, "Brasil", 225);
      text(doc, "Analista Júnior", 40, 239);
      right(doc, "2019 – 2021", 239);
      text(doc, "Modelos de risco para apólices residenciais.", 40, 253);
    });
    expect(cv.work.map((w) => [w.position, w.name, w.location, w.startDate, w.endDate ?? "current"])).toEqual([
      ["Engenheira de Dados", "Tarvix", "Portugal", "2022", "current"],
      ["Estagiária em Engenharia de Dados", "Tarvix", undefined, "2021", "2022"],
      ["Analista Júnior", "Lumeira Seguros", "Brasil", "2019", "2021"],
    ]);
  });

  it("reads an education section as one layout: the school's column, and degrees grouped under one school", async () => {
    const cv = await parsePdf((doc) => {
      header(doc);
      text(doc, "Education", 40, 110, 13, true);
      // A table: degree, field, school and country, dates. Only the first school's name says it is a school.
      const row = (y: number, cells: string[]) => cells.forEach((c, i) => text(doc, c, [40, 90, 210, 480][i]!, y));
      row(135, ["M.Sc.", "Data Science", "Kestrel Institute of Technology, Portugal", "2020 – 2022"]);
      row(150, ["B.Sc.", "Statistics", "Politeknik Negeri Madiun, Indonesia", "2016 – 2020"]);
    });
    expect(cv.education.map((e) => [e.institution, e.studyType, e.location, e.startDate])).toEqual([
      ["Kestrel Institute of Technology", "M.Sc.", "Portugal", "2020"],
      ["Politeknik Negeri Madiun", "B.Sc.", "Indonesia", "2016"],
    ]);
    // One head per entry, the degree indented below: the school is that head, whatever its words.
    const oneHead = await parsePdf((doc) => {
      header(doc);
      text(doc, "Formation", 40, 110, 13, true);
      text(doc, "IUT de Lannion", 40, 135, 10, true);
      text(doc, "2018-09 — 2021-06", 460, 135, 10, true);
      text(doc, "DUT Réseaux et Télécoms", 58, 149);
      text(doc, "Université de Nantes", 40, 171, 10, true);
      text(doc, "2016-09 — 2018-06", 460, 171, 10, true);
      text(doc, "Licence de Mathématiques", 58, 185);
    });
    expect(oneHead.education.map((e) => [e.institution, e.studyType])).toEqual([
      ["IUT de Lannion", "DUT Réseaux et Télécoms"],
      ["Université de Nantes", "Licence de Mathématiques"],
    ]);
    // Schools named by their kind in other languages ("Escuela …", "IUT de …", "Liceo …").
    const kinds = await parsePdf((doc) => {
      header(doc);
      text(doc, "Education", 40, 110, 13, true);
      [["IUT de Lille", "Diplôme d’ingénieur en génie logiciel"], ["Escuela Kingsreach de Negocios", "Grado en Administración de Empresas"], ["Liceo Scientifico Galilei", "Diploma di maturità"]].forEach(([school, degree], i) => {
        text(doc, school!, 40, 135 + i * 36, 10, true);
        text(doc, `201${i} – 201${i + 2}`, 460, 135 + i * 36, 10);
        text(doc, degree!, 58, 149 + i * 36);
      });
    });
    expect(kinds.education.map((e) => [e.institution, e.studyType])).toEqual([
      ["IUT de Lille", "Diplôme d’ingénieur en génie logiciel"],
      ["Escuela Kingsreach de Negocios", "Grado en Administración de Empresas"],
      ["Liceo Scientifico Galilei", "Diploma di maturità"],
    ]);
    // What a degree earned, after a separator, is its score ("· First Class Honours").
    const honours = await parsePdf((doc) => {
      header(doc);
      text(doc, "Education", 40, 110, 13, true);
      text(doc, "Harlow University", 40, 135, 10, true);
      text(doc, "Sep 2015 – Jun 2018", 460, 135);
      text(doc, "BSc Physics · First Class Honours", 40, 149);
    });
    expect(honours.education.map((e) => [e.institution, e.studyType, e.area, e.score])).toEqual([["Harlow University", "BSc", "Physics", "First Class Honours"]]);
    const grouped = await parsePdf((doc) => {
      header(doc);
      text(doc, "Education", 40, 110, 13, true);
      text(doc, "Ardent Business School", 40, 135, 10, true);
      text(doc, "•  M.B.A.", 50, 149);
      text(doc, "Nov 2012 – Jun 2013", 460, 149);
      text(doc, "–  Thesis: pricing of weather derivatives", 62, 163);
      text(doc, "•  M.S. in Applied Physics", 50, 177);
      text(doc, "Aug 2010 – Aug 2012", 460, 177);
      text(doc, "Harlow College", 40, 199, 10, true);
      text(doc, "•  B.S. in Physics", 50, 213);
      text(doc, "Sep 2006 – Jun 2010", 460, 213);
      text(doc, "–  Graduated with honours", 62, 227);
    });
    expect(grouped.education.map((e) => [e.institution, e.studyType, e.startDate])).toEqual([
      ["Ardent Business School", "M.B.A.", "2012-11"],
      ["Ardent Business School", "M.S. in Applied Physics", "2010-08"],
      ["Harlow College", "B.S. in Physics", "2006-09"],
    ]);
  });

  it("reads profiles whose address is only in a link, and keeps a bounded number of a page's links", async () => {
    const cv = await parsePdf((doc) => {
      header(doc);
      doc.font("Helvetica").fontSize(10).text("LinkedIn", 40, 85, { lineBreak: false, link: "https://www.linkedin.com/in/noemie-castagnac/" });
      doc.text("GitHub", 100, 85, { lineBreak: false, link: "https://github.com/ncastagnac" });
      text(doc, "Experience", 40, 120, 13, true);
      text(doc, "Data Engineer – Tarvix", 40, 145, 10, true);
      text(doc, "2021 – 2023", 470, 145);
    });
    expect(cv.basics.profiles?.map((p) => [p.network, p.username, p.url])).toEqual([
      ["LinkedIn", "noemie-castagnac", "https://www.linkedin.com/in/noemie-castagnac/"],
      ["GitHub", "ncastagnac", "https://github.com/ncastagnac"],
    ]);
    // A page of 400 links (a hostile or broken file) yields at most 50, each address bounded in length.
    const doc = new PDFDocument({ size: "A4", margin: 40 });
    const chunks: Buffer[] = [];
    doc.on("data", (c: Buffer) => chunks.push(c));
    const done = new Promise<Buffer>((r) => doc.on("end", () => r(Buffer.concat(chunks))));
    for (let i = 0; i < 400; i++) doc.link(40 + (i % 20) * 25, 40 + Math.floor(i / 20) * 30, 20, 20, `https://example.org/${"x".repeat(i % 2 ? 10 : 900)}/${i}`);
    text(doc, "Links", 40, 700);
    doc.end();
    const [page] = await extractPdfText(new Uint8Array(await done));
    expect(page!.links!.length).toBe(50);
    expect(page!.links!.every((l) => l.url.length <= 500)).toBe(true);
  });

  it("names a section from the first words of a line set as the headings are", async () => {
    const cv = await parsePdf((doc) => {
      header(doc);
      text(doc, "Experience", 40, 110, 14, true);
      text(doc, "Data Engineer – Tarvix", 40, 135, 10, true);
      text(doc, "2021 – 2023", 470, 135);
      text(doc, "Projects I built during my studies", 40, 170, 14, true);
      text(doc, "Tidepool", 40, 195, 10, true);
      text(doc, "A tide-table app for sailing clubs.", 40, 209);
      text(doc, "Skills", 40, 240, 14, true);
      text(doc, "Python, SQL, Airflow", 40, 265);
    });
    expect(cv.projects?.map((p) => p.name)).toEqual(["Tidepool"]);
    expect(cv.work).toHaveLength(1);
    expect(cv.skills?.map((s) => s.name)).toEqual(["Python", "SQL", "Airflow"]);
  });

  it("joins an email address wrapped inside its top-level domain at a narrow column's edge", async () => {
    for (const [first, rest, whole] of [
      ["alba.molina@example.o", "rg", "alba.molina@example.org"],
      ["marie.zimmermann@example.co", "m", "marie.zimmermann@example.com"],
    ]) {
      const cv = await parsePdf((doc) => {
        text(doc, "Alba Molina", 40, 40, 22, true);
        text(doc, "Contact", 40, 80, 13, true);
        text(doc, first!, 40, 100, 9);
        text(doc, rest!, 40, 111, 9);
        text(doc, "+34 635 630 685", 40, 122, 9);
      });
      expect(cv.basics.email).toBe(whole);
    }
  });

  it("keeps a team named after the title out of the title and the employer", async () => {
    const cv = await parsePdf((doc) => {
      header(doc);
      text(doc, "Employment", 40, 110, 13, true);
      text(doc, "Staff Engineer, Payments Team", 40, 135, 10, true);
      text(doc, "Quillbyte", 300, 135, 10, true);
      text(doc, "Jul 2021 – Present", 470, 135);
      text(doc, "• Moved settlement to an event queue.", 43, 149);
      text(doc, "Technical Lead, Payments and Billing teams", 40, 171, 10, true);
      text(doc, "Jan 2020 – Jul 2021", 470, 171);
      text(doc, "• Led four engineers through the ledger rewrite.", 43, 185);
    });
    expect(cv.work.map((w) => [w.position, w.name, w.startDate])).toEqual([
      ["Staff Engineer", "Quillbyte", "2021-07"],
      ["Technical Lead", "Quillbyte", "2020-01"],
    ]);
    expect(cv.work.map((w) => w.summary)).toEqual(["Payments Team", "Payments and Billing teams"]);
  });

  it("keeps an acronym and the name it stands for together, and still splits 'Title - Organisation'", async () => {
    const cv = await parsePdf((doc) => {
      header(doc);
      text(doc, "Experience", 40, 110, 13, true);
      text(doc, "ARC - Associação de Robótica de Coimbra", 40, 135, 10, true);
      text(doc, "Software collaborator", 40, 149);
      text(doc, "03/2024 – 09/2025", 40, 163);
      text(doc, "Built the club's booking site.", 40, 177);
    });
    expect(cv.work.map((w) => [w.position, w.name])).toEqual([["Software collaborator", "ARC - Associação de Robótica de Coimbra"]]);
    // Letters that are not the name's initials are a title: "SRE - Quillbyte Systems" splits.
    const split = await parsePdf((doc) => {
      header(doc);
      text(doc, "Experience", 40, 110, 13, true);
      text(doc, "SRE - Quillbyte Systems", 40, 135, 10, true);
      text(doc, "01/2023 – 02/2024", 470, 135);
      text(doc, "• Backups and restore drills.", 43, 149);
    });
    expect(split.work.map((w) => [w.position, w.name])).toEqual([["SRE", "Quillbyte Systems"]]);
  });

  it("reads a superscript with its text, and a smaller heading inside a section as a group of its entries", async () => {
    const cv = await parsePdf((doc) => {
      text(doc, "Noémie Castagnac", 40, 40, 22, true);
      text(doc, "Contact", 40, 80, 13, true);
      text(doc, "noemie.castagnac@example.org", 40, 100);
      text(doc, "Experience", 40, 130, 17, true);
      // "Full Time" is set as the section headings of the sidebar are, smaller than this section's.
      text(doc, "Full Time", 40, 155, 13, true);
      text(doc, "2012–2014 KESTREL TRADING", 40, 175, 10, true);
      text(doc, "1", 100, 189);
      doc.font("Helvetica").fontSize(7);
      text(doc, "st", 100 + doc.font("Helvetica").fontSize(10).widthOfString("1"), 186, 7);
      text(doc, "Year Analyst", 115, 189);
      text(doc, "Risk reports for the trading desk.", 100, 203);
    });
    expect(cv.work.map((w) => [w.position, w.name, w.startDate])).toEqual([["1st Year Analyst", "KESTREL TRADING", "2012"]]);
  });

  it("reads a region code after a town as the place, and a degree after the school in one comma list", async () => {
    const cv = await parsePdf((doc) => {
      header(doc);
      text(doc, "Education", 40, 110, 13, true);
      text(doc, "Harlow Institute of Technology", 40, 135, 10, true);
      text(doc, "Harlow, MA", 330, 135, 10, true);
      text(doc, "May 2017", 480, 135, 10, true);
      text(doc, "• Bachelor of Science in Physics, GPA: 3.4 / 4.0", 43, 149, 10, true);
    });
    expect(cv.education.map((e) => [e.institution, e.studyType, e.location])).toEqual([["Harlow Institute of Technology", "Bachelor of Science in Physics", "Harlow, MA"]]);
    const listed = await parsePdf((doc) => {
      header(doc);
      text(doc, "Educação", 40, 110, 13, true);
      text(doc, "Centro Universitário Lumen, Tecnólogo, Análise de Sistemas, (Dezembro 2023)", 40, 135);
      text(doc, "Adicional", 40, 165, 13, true);
      text(doc, "Voluntária em oficinas de programação para iniciantes.", 40, 190);
    });
    expect(listed.education.map((e) => [e.institution, e.studyType, e.area])).toEqual([["Centro Universitário Lumen", "Tecnólogo", "Análise de Sistemas"]]);
    // A faculty after the school's name is its field, not part of the name.
    const faculty = await parsePdf((doc) => {
      header(doc);
      text(doc, "Istruzione e formazione", 40, 110, 13, true);
      text(doc, "settembre 1993 – giugno 2001", 40, 135);
      text(doc, "Laurea in Lettere Moderne", 200, 135, 10, true);
      text(doc, "Alma Mater Studiorum, Università di Padova, facoltà di Lettere Moderne", 200, 149);
    });
    expect(faculty.education.map((e) => [e.institution, e.studyType])).toEqual([["Alma Mater Studiorum, Università di Padova", "Laurea in Lettere Moderne"]]);
  });

  it("reads a labelled line of languages among the contact details", async () => {
    const cv = await parsePdf((doc) => {
      text(doc, "Noémie Castagnac", 40, 40, 22, true);
      text(doc, "COORDONNÉES :", 40, 80, 12);
      text(doc, "Téléphone : 06 33 49 07 40", 50, 98);
      text(doc, "Langues : français, anglais (courant)", 50, 110);
      text(doc, "Mail : noemie.castagnac@example.org", 50, 122);
    });
    expect(cv.languages?.map((l) => [l.language, l.fluency])).toEqual([
      ["français", undefined],
      ["anglais", "courant"],
    ]);
  });

  it("drops a page count but keeps a month written as '02/2025'", async () => {
    const cv = await parsePdf((doc) => {
      header(doc);
      text(doc, "Experience", 120, 110, 13, true);
      text(doc, "02/2024 –", 40, 135, 10, true);
      text(doc, "Analyst | Tarvix", 120, 135, 10, true);
      text(doc, "02/2025", 40, 147, 9);
      text(doc, "• Weekly reporting for the sales team", 120, 163);
      text(doc, "1 / 2", 290, 800, 9);
      doc.addPage();
      text(doc, "Skills", 120, 60, 13, true);
      text(doc, "SQL, Python", 120, 85);
      text(doc, "2 / 2", 290, 800, 9);
    });
    expect(cv.work.map((w) => [w.position, w.name, w.startDate, w.endDate])).toEqual([["Analyst", "Tarvix", "2024-02", "2025-02"]]);
    expect(cv.unplaced ?? []).not.toContain("1 / 2");
  });

  it("joins a header wrapped beside dates in a left rail", async () => {
    const cv = await parsePdf((doc) => {
      header(doc);
      text(doc, "Experience", 120, 110, 13, true);
      text(doc, "07/2019 – 07/2021", 40, 135, 9, true);
      text(doc, "Aldercrest Ltd | Senior Manager, Regional Supply Chain and Inventory", 140, 135, 10, true);
      text(doc, "Planning Optimisation", 140, 147, 10, true);
      text(doc, "• Cut stock-outs by a third", 140, 163);
      text(doc, "03/2017 – 06/2019", 40, 185, 9, true);
      text(doc, "Halcyon Energy | Analyst", 140, 185, 10, true);
      text(doc, "• Forecasts for the regional depots", 140, 199);
    });
    expect(cv.work.map((w) => [w.position, w.name, w.endDate])).toEqual([
      ["Senior Manager, Regional Supply Chain and Inventory Planning Optimisation", "Aldercrest Ltd", "2021-07"],
      ["Analyst", "Halcyon Energy", "2019-06"],
    ]);
  });

  it("keeps the commas of a job title set under its organisation", async () => {
    const cv = await parsePdf((doc) => {
      header(doc);
      text(doc, "Experience", 40, 110, 13, true);
      text(doc, "Veridian Labs", 40, 135, 10);
      text(doc, "02/2022 - 04/2023", 470, 135, 10);
      text(doc, "Senior Manager, Global Supply Chain Planning and Logistics Optimisation", 40, 149, 8);
      text(doc, "Migrated 120 services to containers.", 60, 161, 8);
    });
    expect(cv.work.map((w) => [w.position, w.name])).toEqual([["Senior Manager, Global Supply Chain Planning and Logistics Optimisation", "Veridian Labs"]]);
  });

  it("joins a job title wrapped onto a line of its own in the same style", async () => {
    const cv = await parsePdf((doc) => {
      header(doc);
      text(doc, "Work Experience", 40, 110, 15, true);
      text(doc, "Ostara Group", 60, 135, 13, true);
      text(doc, "Manchester", 60, 151, 13, true);
      text(doc, "February 2023 – May 2025", 60, 167, 10);
      text(doc, "Lead Engineer for Distributed Payment", 60, 185, 13, true);
      text(doc, "Infrastructure and Reliability", 60, 201, 13, true);
      text(doc, "Migrated 120 services to containers without downtime, and cut the release cycle from two weeks to two days.", 60, 217, 10);
      text(doc, "Meridel Labs", 60, 245, 13, true);
      text(doc, "Leeds", 60, 261, 13, true);
      text(doc, "June 2019 – January 2023", 60, 277, 10);
      text(doc, "Financial Analyst", 60, 295, 13, true);
      text(doc, "Monthly forecasts for the board.", 60, 311, 10);
    });
    expect(cv.work.map((w) => [w.position, w.name, w.location])).toEqual([
      ["Lead Engineer for Distributed Payment Infrastructure and Reliability", "Ostara Group", "Manchester"],
      ["Financial Analyst", "Meridel Labs", "Leeds"],
    ]);
  });

  it("reads a sidebar of short items beside the main column, and skills printed over their levels", async () => {
    const cv = await parsePdf((doc) => {
      text(doc, "Louise Aubrac", 40, 40, 26, true);
      text(doc, "About", 40, 90, 11);
      text(doc, "Nantes FR", 44, 108, 9);
      text(doc, "louise.aubrac@example.org", 44, 122, 8);
      const skills = ["Sketch", "Figma", "Kotlin", "Python", "Go", "Rust", "SQL"];
      skills.forEach((name, i) => {
        text(doc, name, 40, 150 + i * 30, 10);
        text(doc, i % 2 ? "Advanced" : "Intermediate", 40, 163 + i * 30, 9, true);
      });
      text(doc, "Experience", 190, 90, 11);
      for (let j = 0; j < 4; j++) {
        const y = 110 + j * 90;
        text(doc, `${["Calloway Industries", "Zephyrine Media", "Elmbridge Labs", "Norvale Systems"][j]}  ${String(10 - j).padStart(2, "0")}/202${4 - j} - 0${j + 1}/202${5 - j}`, 190, y, 10, true);
        text(doc, ["Financial Director", "Operations Manager", "Data Analyst", "Software Engineer"][j]!, 190, y + 14, 9);
        for (let k = 0; k < 3; k++) text(doc, `Delivered the quarterly plan number ${k + 1} with the regional teams`, 215, y + 28 + k * 12, 8);
      }
    });
    expect(cv.work.map((w) => [w.position, w.name])).toEqual([
      ["Financial Director", "Calloway Industries"],
      ["Operations Manager", "Zephyrine Media"],
      ["Data Analyst", "Elmbridge Labs"],
      ["Software Engineer", "Norvale Systems"],
    ]);
    expect(cv.skills?.map((s) => [s.name, s.level])).toEqual([
      ["Sketch", "Intermediate"],
      ["Figma", "Advanced"],
      ["Kotlin", "Intermediate"],
      ["Python", "Advanced"],
      ["Go", "Intermediate"],
      ["Rust", "Advanced"],
      ["SQL", "Intermediate"],
    ]);
  });

  it("joins a rail date whose end's year wrapped below its month", async () => {
    const cv = await parsePdf((doc) => {
      header(doc);
      text(doc, "Experiencia laboral", 130, 110, 12, true);
      text(doc, "ago. 2022 – jun.", 40, 135, 9);
      text(doc, "Jefa de proyecto", 130, 135, 10, true);
      text(doc, "2023", 40, 147, 9);
      text(doc, "Granvik Sistemas", 130, 147, 10);
      text(doc, "• Coordinación de un equipo de 5 personas", 150, 163);
      text(doc, "abr. 2021 – mar.", 40, 185, 9);
      text(doc, "Gerente de producto", 130, 185, 10, true);
      text(doc, "2022", 40, 197, 9);
      text(doc, "Calloway Energía S.A.", 130, 197, 10);
      text(doc, "• Rediseño de la tienda en línea", 150, 213);
    });
    expect(cv.work.map((w) => [w.position, w.name, w.startDate, w.endDate])).toEqual([
      ["Jefa de proyecto", "Granvik Sistemas", "2022-08", "2023-06"],
      ["Gerente de producto", "Calloway Energía S.A.", "2021-04", "2022-03"],
    ]);
  });

  it("reads a range printed as two stacked dates, a degree wrapped onto a line, and a grade under it", async () => {
    const cv = await parsePdf((doc) => {
      header(doc);
      text(doc, "EDUCATION", 40, 110, 16, true);
      const entry = (y: number, from: string, to: string, school: string[], degree: string[], grade?: string) => {
        text(doc, from, 45, y, 10, true);
        text(doc, to, 45, y + 12, 10, true);
        school.forEach((s, i) => text(doc, s, 46, y + 28 + i * 16, 13, true));
        const at = y + 28 + school.length * 16;
        degree.forEach((d, i) => text(doc, d, 46, at + i * 12, 10));
        if (grade) text(doc, grade, 46, at + degree.length * 12, 10);
      };
      entry(135, "2014", "2016", ["Belmora College"], ["High School Diploma"]);
      entry(215, "2009", "2014", ["Stonegate Institute of", "Technology"], ["Bachelor of Science in Computer", "Science"], "Grade: First Class");
      entry(335, "2005", "2009", ["Harlow Institute of Technology"], ["Master of Business Administration"]);
    });
    expect(cv.education.map((e) => [e.institution, e.studyType, e.startDate, e.endDate, e.score])).toEqual([
      ["Belmora College", "High School Diploma", "2014", "2016", undefined],
      // (The grade line under the degree is its score.)
      ["Stonegate Institute of Technology", "Bachelor of Science in Computer Science", "2009", "2014", "First Class"],
      ["Harlow Institute of Technology", "Master of Business Administration", "2005", "2009", undefined],
    ]);
  });

  it("reads one entry per 'Degree at School' line in a section without dates", async () => {
    const cv = await parsePdf((doc) => {
      header(doc);
      text(doc, "E D U C A T I O N", 40, 110, 9, true);
      text(doc, "Bachelor of Science Informatik at Hochschule Dresden", 40, 128, 12, true);
      text(doc, "Abitur at Kingsreach-Gymnasium", 40, 144, 12);
      text(doc, "Ausbildung zum Fachinformatiker at Universität Zürich", 40, 160, 12, true);
    });
    expect(cv.education.map((e) => [e.institution, e.studyType])).toEqual([
      ["Hochschule Dresden", "Bachelor of Science Informatik"],
      ["Kingsreach-Gymnasium", "Abitur"],
      ["Universität Zürich", "Ausbildung zum Fachinformatiker"],
    ]);
  });

  it("joins a degree wrapped after a word that cannot end it, beside its dates", async () => {
    const cv = await parsePdf((doc) => {
      header(doc);
      text(doc, "Formation", 40, 110, 13, true);
      text(doc, "Licence professionnelle Métiers du", 40, 135, 10, true);
      text(doc, "septembre 2003 – juin 2006", 420, 135, 10, true);
      text(doc, "numérique", 40, 147, 10, true);
      text(doc, "Institut Wrenfield de Commerce", 40, 159, 10);
      text(doc, "Master Informatique", 40, 181, 10, true);
      text(doc, "septembre 1998 – juin 2003", 420, 181, 10, true);
      text(doc, "IUT de Lille", 40, 193, 10);
    });
    expect(cv.education.map((e) => [e.institution, e.studyType])).toEqual([
      ["Institut Wrenfield de Commerce", "Licence professionnelle Métiers du numérique"],
      ["IUT de Lille", "Master Informatique"],
    ]);
  });

  it("reads job titles set large, in the style of smaller headings, as entry lines when they recur", async () => {
    const cv = await parsePdf((doc) => {
      header(doc);
      text(doc, "Work", 40, 110, 21, true);
      const jobs = [["Teamleiter Vertrieb", "Solvane Logistik GmbH", "Aug 2023 – Oct 2026", "Leipzig"], ["Senior Projektmanagerin", "Brackwater GmbH", "May 2022 – Jan 2023", "Zürich"], ["Systemadministrator", "Granvik Software AG", "Apr 2014 – Dec 2014", "Stuttgart"]];
      jobs.forEach(([title, org, dates, place], i) => {
        const y = 140 + i * 80;
        text(doc, title!, 60, y, 16, true);
        text(doc, org!, 60, y + 20, 10, true);
        text(doc, dates!, 60, y + 32, 10);
        text(doc, place!, 60, y + 44, 10);
        text(doc, "Aufbau des monatlichen Reportings für die Geschäftsführung", 70, y + 56, 10);
      });
      text(doc, "Skills", 40, 390, 16, true);
      text(doc, "SQL, Python, SAP", 60, 412, 10);
    });
    expect(cv.work.map((w) => [w.position, w.name, w.location])).toEqual([
      ["Teamleiter Vertrieb", "Solvane Logistik GmbH", "Leipzig"],
      ["Senior Projektmanagerin", "Brackwater GmbH", "Zürich"],
      ["Systemadministrator", "Granvik Software AG", "Stuttgart"],
    ]);
  });

  it("reads one order of title and organisation for a whole section, and dates certificates from a line below", async () => {
    const cv = await parsePdf((doc) => {
      header(doc);
      text(doc, "Experiencia profesional", 40, 110, 13, true);
      const rows = [
        ["Arquitecto de software | Tidewell S.L.", "2021 – 2024"],
        ["Jefa de proyecto | Granvik Consultores", "2018 – 2021"],
        // Neither side names a job or an organisation the lexicons know: the section's order decides.
        ["Sumiller | Casa Lumbre", "2015 – 2018"],
      ];
      rows.forEach(([head, dates], i) => {
        text(doc, head!, 40, 135 + i * 30, 10, true);
        text(doc, dates!, 470, 135 + i * 30);
        text(doc, "• Coordinación de un equipo de 5 personas", 50, 149 + i * 30);
      });
      text(doc, "Certifications", 40, 240, 13, true);
      text(doc, "Professional Scrum Master I, Scrum.org", 40, 262, 10, true);
      text(doc, "Issued on: Jul 01, 2021", 40, 276);
      text(doc, "Certified Kubernetes Administrator, CNCF", 40, 296, 10, true);
      text(doc, "Issued on: Mar 15, 2023", 40, 310);
    });
    expect(cv.work.map((w) => [w.position, w.name])).toEqual([
      ["Arquitecto de software", "Tidewell S.L."],
      ["Jefa de proyecto", "Granvik Consultores"],
      ["Sumiller", "Casa Lumbre"],
    ]);
    expect(cv.certificates.map((c) => [c.name, c.date])).toEqual([
      ["Professional Scrum Master I, Scrum.org", "2021-07-01"],
      ["Certified Kubernetes Administrator, CNCF", "2023-03-15"],
    ]);
    // Nothing invented: no "Issued on" certificate, and every printed line is placed or listed.
    expect(cv.unplaced ?? []).not.toContainEqual(expect.stringContaining("Issued on"));
  });

  it("puts each date of a rail read as a column of its own back beside its entry, wrapped or justified", async () => {
    const cv = await parsePdf((doc) => {
      text(doc, "Mateo Ferrand", 148, 40, 20, true);
      text(doc, "mateo.ferrand@example.net | +33 6 12 34 56 78 | Nantes", 48, 70, 9.5);
      text(doc, "Expériences professionnelles", 48, 100, 12, true);
      const rail = (s: string, y: number) => text(doc, s, 48, y, 8.5);
      rail("octobre 2024 – avril", 120);
      rail("2026", 130);
      text(doc, "Responsable des opérations, Elmbridge Numérique", 148, 120, 9.5, true);
      text(doc, "• Mise en place du suivi budgétaire mensuel", 148, 132, 9.5);
      text(doc, "• Encadrement d’une équipe de cinq personnes", 148, 144, 9.5);
      rail("décembre  2020  –", 165);
      rail("février 2023", 175);
      text(doc, "Chef de projet junior, Ferrowind Énergie", 148, 165, 9.5, true);
      text(doc, "Nantes", 148, 177, 9.5);
      text(doc, "• Migration de 80 applications vers le cloud", 148, 189, 9.5);
      rail("2016-01 – 2017-08", 210);
      text(doc, "Stagiaire développeur, Halcyon Systèmes", 148, 210, 9.5, true);
      text(doc, "• Refonte du site de commerce en ligne (React, Node.js)", 148, 222, 9.5);
      text(doc, "Compétences", 48, 250, 12, true);
      text(doc, "Salesforce (Expert)", 48, 270, 9.5);
    });
    expect(cv.work.map((w) => [w.position, w.name, w.startDate, w.endDate])).toEqual([
      ["Responsable des opérations", "Elmbridge Numérique", "2024-10", "2026-04"],
      ["Chef de projet junior", "Ferrowind Énergie", "2020-12", "2023-02"],
      ["Stagiaire développeur", "Halcyon Systèmes", "2016-01", "2017-08"],
    ]);
  });

  it("reads two columns under a large name, headings side by side, a school's dashes and a title • contract • employer line", async () => {
    const cv = await parsePdf((doc) => {
      text(doc, "Hassan Oulmira", 74, 40, 40);
      text(doc, "Coordonnées", 137, 120, 14, true);
      text(doc, "Objectif", 247, 120, 14, true);
      ["Montreuil, France", "06 50 37 76 08", "hassan@example.com", "Disponibilité : Immédiat"].forEach((t, i) => text(doc, t, 120, 140 + i * 14, 11));
      const aim = ["J'ai une grande motivation pour mon domaine qui évolue vite, et", "j'aime les défis que ce domaine présente. Je suis rigoureux et je", "prends mes tâches très au sérieux. Le partage du savoir et l'entraide", "sont des piliers importants, surtout avec les nouvelles technologies."];
      aim.forEach((t, i) => text(doc, t, 247, 140 + i * 14, 10));
      text(doc, "Formations", 148, 270, 14, true);
      text(doc, "Expériences", 247, 270, 14, true);
      const school = (y: number, years: string, name: string, degree: string) => {
        text(doc, years, 32, y, 11, true);
        text(doc, name, 46, y + 14, 10, true);
        text(doc, degree, 60, y + 27, 10);
      };
      school(290, "2021 – 2023", "Sup De Vinci - La Défense", "Mastère DevOps/Cloud");
      school(345, "2019 – 2020", "IUT Créteil - Vitry - Vitry-sur-Seine", "LP Administration des Réseaux");
      school(400, "2014 – 2016", "Institut ISTA – Maroc", "DTS Télécommunications");
      const job = (y: number, dates: string, head: string, tasks: string[]) => {
        text(doc, dates, 247, y, 11, true);
        text(doc, head, 247, y + 14, 11);
        tasks.forEach((t, i) => text(doc, t, 283, y + 28 + i * 10, 8));
      };
      job(290, "Nov. 2021 – Oct. 2023", "Ingénieur Infrastructure • Apprenti • Efficity", ["Conception et maintenance de l'infrastructure ;", "Supervision et alertes ;", "Pilotage des tickets ;"]);
      job(355, "Mai 2019 – Sep. 2020", "Technicien Service Client • Apprenti • Orange Business Service", ["Suivi du bon fonctionnement du service clients ;", "Diagnostic et résolution des incidents ;", "Reporting des incidents ;"]);
    });
    expect(cv.education.map((e) => [e.institution, e.studyType])).toEqual([
      ["Sup De Vinci - La Défense", "Mastère DevOps/Cloud"],
      ["IUT Créteil - Vitry - Vitry-sur-Seine", "LP Administration des Réseaux"],
      ["Institut ISTA – Maroc", "DTS Télécommunications"],
    ]);
    expect(cv.work.map((w) => [w.position, w.name, w.startDate])).toEqual([
      ["Ingénieur Infrastructure", "Efficity", "2021-11"],
      ["Technicien Service Client", "Orange Business Service", "2019-05"],
    ]);
  });

  it("reads a country in brackets as the school's place, a school named after its town, dashed project names and a school under its header", async () => {
    const cv = await parsePdf((doc) => {
      header(doc);
      text(doc, "Education", 40, 110, 13, true);
      const entry = (y: number, years: string, head: string, below?: string) => {
        text(doc, years, 40, y, 10, true);
        text(doc, head, 160, y, 10, true);
        if (below) text(doc, below, 160, y + 13, 9);
      };
      entry(135, "2019 – 2021", "Master of Science; Hochschule Talbrück Ostvale (DE)");
      entry(170, "2018 – 2019", "Exchange semester; Kestrel University (CA)");
      entry(205, "2016 – 2018", "Bachelor Project - Lumen - University of Harwick");
      entry(240, "2015 – 2016", "Certificate of attendance - Office, Excel, Access", "Centro di Formazione Valdarno");
      entry(285, "2012 – 2015", "Bachelor of Arts - Quillmoor Institute of Technology (QIT)");
    });
    expect(cv.education.map((e) => [e.institution, e.studyType, e.location])).toEqual([
      ["Hochschule Talbrück Ostvale", "Master of Science", "DE"],
      ["Kestrel University", "Exchange semester", "CA"],
      ["University of Harwick", "Bachelor Project - Lumen", undefined],
      ["Centro di Formazione Valdarno", "Certificate of attendance - Office, Excel, Access", undefined],
      ["Quillmoor Institute of Technology (QIT)", "Bachelor of Arts", undefined],
    ]);
  });

  it("reads a short unbulleted line under a complete entry as its description when the dates are set smaller than the names", async () => {
    const cv = await parsePdf((doc) => {
      header(doc);
      text(doc, "EDUCATION AND TRAINING", 40, 110, 9);
      const entry = (y: number, years: string, degree: string, school: string, note: string) => {
        text(doc, years, 90, y, 9);
        text(doc, degree, 180, y, 11);
        text(doc, school, 180, y + 15, 10);
        text(doc, note, 180, y + 31, 9);
      };
      entry(135, "2010–2012", "Técnico en gestión administrativa", "IES Valmira, Toledo (Spain)", "Accounting and office software");
      entry(195, "2012–2014", "Bachillerato", "IES Valmira, Toledo (Spain)", "Science and technology track");
    });
    expect(cv.education.map((e) => [e.institution, e.studyType])).toEqual([
      ["IES Valmira", "Técnico en gestión administrativa"],
      ["IES Valmira", "Bachillerato"],
    ]);
  });

  it("drops a running header that adds the holder's name on later pages", async () => {
    const cv = await parsePdf((doc) => {
      text(doc, "Curriculum vitae", 180, 40, 10);
      text(doc, "PERSONAL INFORMATION", 40, 80, 9);
      text(doc, "Lucía Arbeloa Sanz", 180, 80, 14);
      text(doc, "lucia.arbeloa@example.org", 180, 100);
      text(doc, "EDUCATION", 40, 140, 12);
      text(doc, "2014–2018", 90, 165, 9);
      text(doc, "Grado en Ingeniería Informática", 180, 165, 11);
      text(doc, "Universidad de Valmira", 180, 180, 10);
      doc.addPage();
      text(doc, "Curriculum vitae", 180, 40, 10);
      text(doc, "Lucía Arbeloa Sanz", 330, 40, 10);
      text(doc, "2018–2020", 90, 80, 9);
      text(doc, "Máster en Ciencia de Datos", 180, 80, 11);
      text(doc, "Universidad de Orvieda", 180, 95, 10);
    });
    expect(cv.basics.name).toBe("Lucía Arbeloa Sanz");
    expect(cv.education.map((e) => [e.institution, e.studyType])).toEqual([
      ["Universidad de Valmira", "Grado en Ingeniería Informática"],
      ["Universidad de Orvieda", "Máster en Ciencia de Datos"],
    ]);
  });

  it("reads a heading whose letter spacing broke it mid-word, and an abbreviated degree followed by its field", async () => {
    const cv = await parsePdf((doc) => {
      header(doc);
      text(doc, "EXPERIENC E", 40, 110, 14);
      text(doc, "ORVIKA LABS  03/2019 - PRESENT", 40, 132, 13);
      text(doc, "SOFTWARE ENGINEER", 40, 150, 11);
      text(doc, "Built the billing service and its reconciliation jobs for three markets.", 40, 166, 10);
      text(doc, "EDUC ATION", 40, 200, 14);
      text(doc, "KESTREL UNIVERSITY  09/2014 - 06/2018", 40, 222, 13);
      text(doc, "B.S Applied Mathematics", 40, 240, 11);
      text(doc, "GPA 3.9", 40, 256, 10);
    });
    expect(cv.education.map((e) => [e.institution, e.studyType, e.area, e.startDate])).toEqual([["KESTREL UNIVERSITY", "B.S", "Applied Mathematics", "2014-09"]]);
    expect(cv.work.map((w) => [w.name, w.position])).toEqual([["ORVIKA LABS", "SOFTWARE ENGINEER"]]);
  });

  it("keeps the campus after a school named after a region, and parts the town from a school named otherwise", async () => {
    const cv = await parsePdf((doc) => {
      header(doc);
      text(doc, "Education", 40, 110, 14, true);
      text(doc, "2011–2013 Master of Finance", 40, 135);
      text(doc, "The University of Westmarch, Dunmore", 300, 135);
      text(doc, "2007–2011 Bachelor of Arts", 40, 160);
      text(doc, "Harrowgate University, Dunmore", 300, 160);
    });
    expect(cv.education.map((e) => [e.institution, e.studyType])).toEqual([
      ["The University of Westmarch, Dunmore", "Master of Finance"],
      ["Harrowgate University", "Bachelor of Arts"],
    ]);
  });

  it("reads the right-hand one of two place-shaped cells as the place, the other as the organisation", async () => {
    const cv = await parsePdf((doc) => {
      header(doc);
      text(doc, "Experience", 40, 110, 14, true);
      text(doc, "Harwick Signal Command, MND", 40, 135, 10, true);
      text(doc, "Dunmore, S.Korea", 450, 135, 10);
      text(doc, "Security Researcher", 40, 149, 9);
      text(doc, "Aug. 2014 – Apr. 2016", 450, 149, 9);
      text(doc, "• Built a backtracking system for the network operations team.", 40, 163, 9);
    });
    expect(cv.work.map((w) => [w.position, w.name, w.location, w.startDate])).toEqual([["Security Researcher", "Harwick Signal Command, MND", "Dunmore, S.Korea", "2014-08"]]);
  });
});
