import { z } from "zod";
import { assertRoomForCvs, getCv } from "@/server/cv/repository";
import { badRequest } from "@/server/errors";
import { deviceIdOf, json, parseWith, readJson } from "@/server/http/respond";
import { withUser } from "@/server/http/with-user";
import { createTasks } from "@/server/tasks/service";
import { generateCvRequestSchema } from "@/shared/cv";
import { taskIdSchema, type TasksResponse } from "@/shared/tasks";

export const dynamic = "force-dynamic";

const requestSchema = generateCvRequestSchema.extend({
  /** Client-chosen task ids, one per offer (idempotent like POST sync). */
  ids: z.array(taskIdSchema).max(10).optional(),
});

/** One tailoring task per job offer, created together. 202 with the tasks. */
export const POST = withUser(async ({ request, user, app }) => {
  const body = parseWith(requestSchema, await readJson(request));
  if (body.ids && body.ids.length !== body.offers.length) throw badRequest("ids must give one task id per offer.");
  await getCv(app.database.db, user.id, body.cvId); // 404 for a CV that is not the user's
  await assertRoomForCvs(app.database.db, user.id, body.offers.length);
  const results = await createTasks(
    app.store,
    app.types,
    user.id,
    body.offers.map((offer, i) => ({ input: { id: body.ids?.[i], type: "generate-cv", payload: { cvId: body.cvId, offer } } })),
    deviceIdOf(request),
  );
  return json({ tasks: results.map((r) => r.task) } satisfies TasksResponse, 202);
});
