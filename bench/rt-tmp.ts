import { renderCvPdf } from "../src/server/cv/export/pdf";
import { extractPdfText } from "../src/server/cv/pdf/extract";
import { parseResume } from "../src/server/cv/parse/resume";
import { runStandaloneWorker } from "../src/server/tasks/standalone";
import { people } from "../tests/fixtures/people";
import fs from "node:fs";
for (const [who, cv] of Object.entries(people)) for (const layout of ["one-column", "two-column"] as const) {
  const pdf = await renderCvPdf(cv, layout);
  fs.writeFileSync(`/tmp/${who}-${layout}.pdf`, pdf);
  const pages = await extractPdfText((s, o) => runStandaloneWorker(s, o), new Uint8Array(pdf));
  const got = parseResume(pages);
  console.log(who, layout, JSON.stringify({ name: got.basics.name, email: got.basics.email, phone: got.basics.phone, label: got.basics.label, work: got.work.map((w) => [w.position, w.name, w.startDate, w.endDate, w.highlights?.length]), edu: got.education.map((e) => [e.institution, e.studyType]), skills: got.skills.flatMap((s) => s.keywords?.length ? s.keywords : [s.name]), langs: got.languages }));
}
