import { assertRoomForCvs } from "@/server/cv/repository";
import { MAX_PDF_BYTES, validatePdfUpload } from "@/server/cv/upload";
import { badRequest } from "@/server/errors";
import { isSafeText, readBodyBounded, unsafeTextError } from "@/server/http/body";
import { deviceIdOf, json, parseWith } from "@/server/http/respond";
import { withUser } from "@/server/http/with-user";
import { createTask } from "@/server/tasks/service";
import { taskIdSchema, type TaskResponse } from "@/shared/tasks";

export const dynamic = "force-dynamic";

/** Starts a PDF import: multipart `file` (and optional `id`, a client-chosen task id). 202 with the task. */
export const POST = withUser(async ({ request, user, app }) => {
  await assertRoomForCvs(app.database.db, user.id);
  // Read while counting: a body past the cap (declared or chunked) is refused at once, never buffered whole.
  const body = await readBodyBounded(
    request,
    MAX_PDF_BYTES + 256 * 1024,
    "The upload is larger than 10 MB. Export a lighter PDF and try again.",
    "file_too_large",
  );
  let form: FormData;
  try {
    form = await new Response(body, { headers: { "content-type": request.headers.get("content-type") ?? "" } }).formData();
  } catch {
    throw badRequest("Send the PDF as multipart/form-data, in a field named 'file'.", "invalid_upload");
  }
  const file = form.get("file");
  if (!(file instanceof File)) throw badRequest("Attach your CV's PDF in a form field named 'file'.", "file_missing");
  if (!isSafeText(file.name)) throw unsafeTextError("file name");
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
