import { json, parseWith, queryOf } from "@/server/http/respond";
import { withUser } from "@/server/http/with-user";
import { cursorSchema } from "@/shared/tasks";

export const dynamic = "force-dynamic";

/**
 * The push channel: the user's task changes as they happen (resumes from Last-Event-ID or ?since=cursor).
 * 503 with Retry-After when the process holds as many streams as it may.
 */
export const GET = withUser(async ({ request, user, session, app }) => {
  const resumeFrom = request.headers.get("last-event-id") ?? queryOf(request).since ?? null;
  const since = resumeFrom === null || resumeFrom === "" ? null : Number(parseWith(cursorSchema, resumeFrom));
  const stream = app.push.open({ userId: user.id, sessionId: session.id, sessionExpiresAt: session.expiresAt.getTime(), since, signal: request.signal });
  if (!stream) {
    const res = json({ error: { code: "too_many_streams", message: "The server has too many live connections right now. The app keeps syncing and reconnects by itself." } }, 503);
    res.headers.set("Retry-After", String(app.push.retryAfterSeconds()));
    return res;
  }
  return new Response(stream, {
    headers: {
      "Content-Type": "text/event-stream; charset=utf-8",
      "Cache-Control": "no-cache, no-transform",
      Connection: "keep-alive",
      "X-Accel-Buffering": "no",
    },
  });
});
