import { getApp, type App } from "../app";
import type { SessionUser } from "../auth/auth";
import { unauthorized } from "../errors";
import { errorResponse } from "./respond";

export interface UserRequest {
  request: Request;
  user: SessionUser;
  /** The session the request came with (push streams end with it). */
  session: { id: string; expiresAt: Date };
  app: App;
}

/** The current user of a request, or an AppError(401). */
export async function requireUser(request: Request, app: App): Promise<SessionUser> {
  return (await requireSession(request, app)).user;
}

/** The current session and user of a request, or an AppError(401). */
export async function requireSession(request: Request, app: App) {
  const session = await app.auth.api.getSession({ headers: request.headers });
  if (!session) throw unauthorized();
  return session;
}

/** Wraps an /api route: answers 401 JSON without a session, and turns thrown errors into JSON responses. */
export function withUser<P = unknown>(handler: (req: UserRequest, params: P) => Promise<Response>) {
  return async (request: Request, context: { params: Promise<P> }): Promise<Response> => {
    try {
      const app = await getApp();
      const { user, session } = await requireSession(request, app);
      return await handler({ request, user, session, app }, await context?.params);
    } catch (err) {
      return errorResponse(err);
    }
  };
}
