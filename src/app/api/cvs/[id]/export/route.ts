import { z } from "zod";
import { renderCvPdf, toJsonResume } from "@/server/cv/export/pdf";
import { getCv } from "@/server/cv/repository";
import { parseWith, queryOf } from "@/server/http/respond";
import { withUser } from "@/server/http/with-user";
import { cvIdSchema } from "@/shared/cv";

export const dynamic = "force-dynamic";

const querySchema = z.object({
  format: z.enum(["json", "pdf"], { message: "format must be json or pdf" }).default("json"),
  layout: z.enum(["one-column", "two-column"], { message: "layout must be one-column or two-column" }).default("one-column"),
});

/** Downloads the CV as JSON Resume or as a PDF. */
export const GET = withUser<{ id: string }>(async ({ request, user, app }, { id }) => {
  const { format, layout } = parseWith(querySchema, queryOf(request));
  const cv = await getCv(app.database.db, user.id, parseWith(cvIdSchema, id));
  const base = (cv.title || "cv").replace(/[^\p{L}\p{N} ._-]+/gu, "").trim().slice(0, 80) || "cv";
  const disposition = (ext: string) => `attachment; filename="${base.replace(/[^\x20-\x7e]/g, "_")}.${ext}"; filename*=UTF-8''${encodeURIComponent(`${base}.${ext}`)}`;
  if (format === "json") {
    return new Response(JSON.stringify(toJsonResume(cv.content), null, 2), {
      headers: { "Content-Type": "application/json; charset=utf-8", "Content-Disposition": disposition("json"), "Cache-Control": "no-store" },
    });
  }
  const pdf = await renderCvPdf(cv.content, layout);
  return new Response(new Uint8Array(pdf), {
    headers: { "Content-Type": "application/pdf", "Content-Disposition": disposition("pdf"), "Cache-Control": "no-store" },
  });
});
