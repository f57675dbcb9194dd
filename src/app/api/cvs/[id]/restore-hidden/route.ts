import { restoreHidden } from "@/server/cv/repository";
import { json, parseWith, readJson } from "@/server/http/respond";
import { withUser } from "@/server/http/with-user";
import { cvIdSchema, restoreHiddenSchema } from "@/shared/cv";

export const dynamic = "force-dynamic";

/** Puts an entry the tailoring hid (`{section: "work", index}` from the match report) back into the CV. */
export const POST = withUser<{ id: string }>(async ({ request, user, app }, { id }) => {
  const cvId = parseWith(cvIdSchema, id);
  const { index } = parseWith(restoreHiddenSchema, await readJson(request));
  return json({ cv: await restoreHidden(app.database.db, user.id, cvId, index) });
});
