import { deleteCv, getCv, updateCv } from "@/server/cv/repository";
import { json, parseFields, parseWith, readJson } from "@/server/http/respond";
import { withUser } from "@/server/http/with-user";
import { cvIdSchema, cvPatchSchema } from "@/shared/cv";

export const dynamic = "force-dynamic";

type Params = { id: string };

export const GET = withUser<Params>(async ({ user, app }, { id }) =>
  json({ cv: await getCv(app.database.db, user.id, parseWith(cvIdSchema, id)) }),
);

/**
 * Edits the title and/or the content (validated as a whole CV: a 400 `invalid_fields` lists every problem
 * with its field's path), and marks the CV as the main one (`main`).
 */
export const PATCH = withUser<Params>(async ({ request, user, app }, { id }) => {
  const cvId = parseWith(cvIdSchema, id);
  const patch = parseFields(cvPatchSchema, await readJson(request));
  return json({ cv: await updateCv(app.database.db, user.id, cvId, patch) });
});

export const DELETE = withUser<Params>(async ({ user, app }, { id }) => {
  await deleteCv(app.database.db, user.id, parseWith(cvIdSchema, id));
  return json({ deleted: true, cvId: id });
});
