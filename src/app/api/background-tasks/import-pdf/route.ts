import { MAX_PDF_BYTES, validatePdfUpload } from "@/server/cv/upload";
import { AppError, badRequest } from "@/server/errors";
import { deviceIdOf, json, parseWith } from "@/server/http/respond";
import { withUser } from "@/server/http/with-user";
import { createTask } from "@/server/tasks/service";
import { taskIdSchema, type TaskResponse } from "@/shared/tasks";

export const dynamic = "force-dynamic";

/** Starts a PDF import: multipart `file` (and optional `id`, a client-chosen task id). 202 with the task. */
export const POST = withUser(async ({ request, user, app }) => {
  const declared = Number(request.headers.get("content-length") ?? 0);
  if (declared > MAX_PDF_BYTES + 256 * 1024) {
    throw new AppError(413, "file_too_large", "The upload is larger than 10 MB. Export a lighter PDF and try again.");
  }
  let form: FormData;
  try {
    form = await request.formData();
  } catch {
    throw badRequest("Send the PDF as multipart/form-data, in a field named 'file'.", "invalid_upload");
  }
  const file = form.get("file");
  if (!(file instanceof File)) throw badRequest("Attach your CV's PDF in a form field named 'file'.", "file_missing");
  const rawId = form.get("id");
  const id = rawId === null || rawId === "" ? undefined : parseWith(taskIdSchema, rawId);

  const pdf = await validatePdfUpload(file);
  const { task } = await createTask(
    app.store,
    app.types,
    user.id,
    { id, type: "import-pdf", payload: { fileName: pdf.fileName, sizeBytes: pdf.data.byteLength, pages: pdf.pages } },
    deviceIdOf(request),
    { fileName: pdf.fileName, contentType: "application/pdf", data: pdf.data },
  );
  return json({ task } satisfies TaskResponse, 202);
});
