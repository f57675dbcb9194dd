import { listCvs } from "@/server/cv/repository";
import { json } from "@/server/http/respond";
import { withUser } from "@/server/http/with-user";

export const dynamic = "force-dynamic";

/** The user's CVs, newest first. */
export const GET = withUser(async ({ user, app }) => json({ cvs: await listCvs(app.database.db, user.id) }));
