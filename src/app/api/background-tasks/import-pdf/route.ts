import { assertRoomForCvs } from "@/server/cv/repository";
import { MAX_PDF_BYTES, validatePdfUpload } from "@/server/cv/upload";
import { badRequest } from "@/server/errors";
import { isSafeText, unsafeTextError } from "@/server/http/body";
import { readMultipartBounded } from "@/server/http/multipart";
import { deviceIdOf, json, parseWith } from "@/server/http/respond";
import { withUser } from "@/server/http/with-user";
import { createTask } from "@/server/tasks/service";
import { taskIdSchema, type TaskResponse } from "@/shared/tasks";

export const dynamic = "force-dynamic";

/** Starts a PDF import: multipart `file` (and optional `id`, a client-chosen task id). 202 with the task. */
export const POST = withUser(async ({ request, user, app }) => {
  await assertRoomForCvs(app.database.db, user.id);
  // Parsed while it streams, and counted: a body past the cap (declared or chunked) is refused at once. The
  // file goes to disk as it arrives; the task takes it over from there (nothing of it is kept in memory here).
  const filePath = await app.uploads.stagingPath();
  try {
    const form = await readMultipartBounded(request, {
      fileField: "file",
      filePath,
      maxFileBytes: MAX_PDF_BYTES,
      tooLargeMessage: "The file is larger than 10 MB; the limit is 10 MB. Export a lighter PDF (fewer or smaller images) and try again.",
      tooLargeCode: "file_too_large",
    });
    if (!form.file) throw badRequest("Attach your CV's PDF in a form field named 'file'.", "file_missing");
    if (!isSafeText(form.file.fileName)) throw unsafeTextError("file name");
    const rawId = form.fields.id;
    const id = rawId === undefined || rawId === "" ? undefined : parseWith(taskIdSchema, rawId);

    const pdf = await validatePdfUpload(form.file);
    const { task } = await createTask(
      app.store,
      app.types,
      user.id,
      { id, type: "import-pdf", payload: { fileName: pdf.fileName, sizeBytes: pdf.sizeBytes, pages: pdf.pages } },
      deviceIdOf(request),
      { fileName: pdf.fileName, contentType: "application/pdf", path: pdf.path, sizeBytes: pdf.sizeBytes },
    );
    return json({ task } satisfies TaskResponse, 202);
  } finally {
    await app.uploads.discard(filePath); // gone already when the task took it over
  }
});
