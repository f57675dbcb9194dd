import { z } from "zod";
import { renderCvDocx } from "@/server/cv/export/docx";
import { contentDisposition, EXPORT_LANGUAGES, exportFileName } from "@/shared/cv-sections";
import { PAPERS, renderCvPdf, TEMPLATES, toJsonResume } from "@/server/cv/export/pdf";
import { getCv } from "@/server/cv/repository";
import { parseWith, queryOf } from "@/server/http/respond";
import { withUser } from "@/server/http/with-user";
import { cvIdSchema } from "@/shared/cv";

export const dynamic = "force-dynamic";

const querySchema = z.object({
  format: z.enum(["json", "pdf", "docx"], { message: "format must be json, pdf or docx" }).default("json"),
  template: z.enum(TEMPLATES, { message: `template must be one of ${TEMPLATES.join(", ")}` }).optional(),
  paper: z.enum(PAPERS, { message: "paper must be a4 or letter" }).default("a4"),
  lang: z.enum(EXPORT_LANGUAGES, { message: `lang must be one of ${EXPORT_LANGUAGES.join(", ")}` }).optional(),
  /** Earlier name of the template choice: one-column is classic, two-column is modern. */
  layout: z.enum(["one-column", "two-column"], { message: "layout must be one-column or two-column" }).optional(),
});

const TYPES = { json: "application/json; charset=utf-8", pdf: "application/pdf", docx: "application/vnd.openxmlformats-officedocument.wordprocessingml.document" };

/** Downloads the CV as JSON Resume, PDF or DOCX, named `<Name> - <CV title>.<ext>`. */
export const GET = withUser<{ id: string }>(async ({ request, user, app }, { id }) => {
  const query = parseWith(querySchema, queryOf(request));
  const cv = await getCv(app.database.db, user.id, parseWith(cvIdSchema, id));
  const headers = (ext: "json" | "pdf" | "docx") => ({
    "Content-Type": TYPES[ext],
    "Content-Disposition": contentDisposition(exportFileName(cv.content.basics.name, cv.title, ext)),
    "Cache-Control": "no-store",
  });
  if (query.format === "json") return new Response(JSON.stringify(toJsonResume(cv.content), null, 2), { headers: headers("json") });
  const options = { template: query.template ?? (query.layout === "two-column" ? "modern" : "classic"), paper: query.paper, lang: query.lang } as const;
  const bytes = query.format === "pdf" ? await renderCvPdf(cv.content, options) : await renderCvDocx(cv.content, options);
  return new Response(new Uint8Array(bytes), { headers: headers(query.format) });
});
