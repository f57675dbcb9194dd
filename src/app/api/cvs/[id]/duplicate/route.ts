import { duplicateCv } from "@/server/cv/repository";
import { json, parseFields, parseWith, readJson } from "@/server/http/respond";
import { withUser } from "@/server/http/with-user";
import { cvDuplicateSchema, cvIdSchema } from "@/shared/cv";

export const dynamic = "force-dynamic";

/** Copies the CV (`title`: the copy's, else "<title> (copy)"); 201 with the copy. */
export const POST = withUser<{ id: string }>(async ({ request, user, app }, { id }) => {
  const cvId = parseWith(cvIdSchema, id);
  const { title } = parseFields(cvDuplicateSchema, (await readJson(request, { optional: true })) ?? {});
  return json({ cv: await duplicateCv(app.database.db, user.id, cvId, title) }, 201);
});
