import { listCvs } from "@/server/cv/repository";
import { json, parseWith, queryOf } from "@/server/http/respond";
import { withUser } from "@/server/http/with-user";
import { cvListQuerySchema, type CvListResponse } from "@/shared/cv";

export const dynamic = "force-dynamic";

/** The user's CVs, newest first, a page at a time (`?cursor=&limit=`, 50 by default, 100 at most). */
export const GET = withUser(async ({ request, user, app }) => {
  const query = parseWith(cvListQuerySchema, queryOf(request));
  return json((await listCvs(app.database.db, user.id, query)) satisfies CvListResponse);
});
