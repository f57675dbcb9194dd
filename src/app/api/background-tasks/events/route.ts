import { parseWith, queryOf } from "@/server/http/respond";
import { withUser } from "@/server/http/with-user";
import { taskEventStream } from "@/server/tasks/event-stream";
import { cursorSchema } from "@/shared/tasks";

export const dynamic = "force-dynamic";

/** The push channel: the user's task changes as they happen (resumes from Last-Event-ID or ?since=cursor). */
export const GET = withUser(async ({ request, user, app }) => {
  const resumeFrom = request.headers.get("last-event-id") ?? queryOf(request).since ?? null;
  const since = resumeFrom === null || resumeFrom === "" ? null : Number(parseWith(cursorSchema, resumeFrom));
  const stream = taskEventStream({ feed: app.feed, store: app.store, userId: user.id, since, signal: request.signal });
  return new Response(stream, {
    headers: {
      "Content-Type": "text/event-stream; charset=utf-8",
      "Cache-Control": "no-cache, no-transform",
      Connection: "keep-alive",
      "X-Accel-Buffering": "no",
    },
  });
});
