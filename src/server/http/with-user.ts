import { getApp, type App } from "../app";
import type { SessionUser } from "../auth/auth";
import { unauthorized } from "../errors";
import { checkHost, checkMutation, type OriginPolicy } from "./guard";
import { errorResponse } from "./respond";

export interface UserRequest {
  request: Request;
  user: SessionUser;
  /** The session the request came with (push streams end with it). */
  session: { id: string; expiresAt: Date };
  app: App;
}

export function originPolicy(app: App): OriginPolicy {
  return { publicUrl: app.config.authUrl, allowedHosts: app.config.authAllowedHosts };
}

/** The checks every API request passes first: a known Host (400), then for writes a same-origin JSON or multipart request (403/415). */
export function guardApiRequest(request: Request, app: App): void {
  const policy = originPolicy(app);
  checkHost(request.headers, policy);
  checkMutation(request, policy);
}

/** The current session and user of a request (kept in memory: see session-cache.ts), or an AppError(401). */
export async function requireSession(request: Request, app: App) {
  const h = request.headers;
  const session = await app.sessions.get(h.get("cookie"), h.get("host"), h.get("x-forwarded-proto"), () => h);
  if (!session) throw unauthorized();
  return session;
}

/**
 * Wraps an /api route: refuses unknown hosts and cross-site writes, answers 401 JSON without a session, and
 * turns thrown errors into JSON responses.
 */
export function withUser<P = unknown>(handler: (req: UserRequest, params: P) => Promise<Response>) {
  return async (request: Request, context: { params: Promise<P> }): Promise<Response> => {
    try {
      const app = await getApp();
      guardApiRequest(request, app);
      const { user, session } = await requireSession(request, app);
      return await handler({ request, user, session, app }, await context?.params);
    } catch (err) {
      return errorResponse(err);
    }
  };
}
