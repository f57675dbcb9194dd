import { deleteCv, getCv, updateCv } from "@/server/cv/repository";
import { json, parseWith, readJson } from "@/server/http/respond";
import { withUser } from "@/server/http/with-user";
import { cvIdSchema, cvPatchSchema } from "@/shared/cv";

export const dynamic = "force-dynamic";

type Params = { id: string };

export const GET = withUser<Params>(async ({ user, app }, { id }) =>
  json({ cv: await getCv(app.database.db, user.id, parseWith(cvIdSchema, id)) }),
);

/** Edits the title and/or the content; the content is validated as a whole CV. */
export const PATCH = withUser<Params>(async ({ request, user, app }, { id }) => {
  const patch = parseWith(cvPatchSchema, await readJson(request));
  return json({ cv: await updateCv(app.database.db, user.id, parseWith(cvIdSchema, id), patch) });
});

export const DELETE = withUser<Params>(async ({ user, app }, { id }) => {
  await deleteCv(app.database.db, user.id, parseWith(cvIdSchema, id));
  return json({ deleted: true, cvId: id });
});
