import { randomBytes } from "node:crypto";
import { betterAuth } from "better-auth";
import { drizzleAdapter } from "better-auth/adapters/drizzle";
import { eq } from "drizzle-orm";
import type { Database } from "../db/client";
import { account, appSetting, session, user, verification } from "../db/schema";
import { clientIpHeaderName } from "../http/client-ip";
import type { SessionEndedEvent } from "../tasks/events";
import { MAX_PASSWORD_LENGTH, MIN_PASSWORD_LENGTH } from "./password";

export interface AuthOptions {
  secret: string;
  /** Public URL of the app; when unset, each request's own origin is used if its host is allowed. */
  baseURL?: string;
  allowedHosts: string[];
  /** Unused by better-auth itself: see ./http.ts. */
  rateLimit: boolean;
  /** Called once a session is deleted (sign-out, revocation) or a user with all their sessions. */
  onSessionEnded?: (event: SessionEndedEvent) => void;
}

export function createAuth(db: Database, options: AuthOptions) {
  const ipHeader = clientIpHeaderName();
  return betterAuth({
    database: drizzleAdapter(db, { provider: "pg", schema: { user, session, account, verification } }),
    secret: options.secret,
    baseURL: options.baseURL ?? { allowedHosts: options.allowedHosts },
    emailAndPassword: { enabled: true, minPasswordLength: MIN_PASSWORD_LENGTH, maxPasswordLength: MAX_PASSWORD_LENGTH, autoSignIn: true },
    // Read with the session (the page's language is chosen from it); written only by PUT /api/account/locale.
    user: { additionalFields: { locale: { type: "string", required: false, input: false } } },
    session: { expiresIn: 60 * 60 * 24 * 30, updateAge: 60 * 60 * 24 },
    // Sign-in and sign-up are limited per account and per client address in ./http.ts (AUTH_RATE_LIMIT):
    // better-auth's own limiter keys on an address alone, and shares one bucket when it has none.
    rateLimit: { enabled: false },
    advanced: {
      // The address the app's server read from the socket (or a trusted proxy), in a header no client can
      // set; none known: nothing is recorded, rather than whatever X-Forwarded-For a client sent.
      ipAddress: ipHeader ? { ipAddressHeaders: [ipHeader] } : { disableIpTracking: true },
    },
    telemetry: { enabled: false },
    // Every way a session ends goes through these (after the deleting transaction): processes that keep
    // sessions in memory (./session-cache.ts) are told through the event bus.
    databaseHooks: {
      session: { delete: { after: async (s) => options.onSessionEnded?.({ userId: s.userId, sessionId: s.id }) } },
      user: { delete: { after: async (u) => options.onSessionEnded?.({ userId: u.id }) } },
    },
  });
}

export type Auth = ReturnType<typeof createAuth>;
export type SessionUser = NonNullable<Awaited<ReturnType<Auth["api"]["getSession"]>>>["user"];

/**
 * The signing secret: from the environment, or else generated once and kept in the database, so that
 * zero-setup runs work and every process on the same database signs alike.
 */
export async function resolveAuthSecret(db: Database, fromEnv?: string): Promise<string> {
  if (fromEnv) return fromEnv;
  await db
    .insert(appSetting)
    .values({ key: "auth_secret", value: randomBytes(48).toString("base64url") })
    .onConflictDoNothing();
  const [row] = await db.select().from(appSetting).where(eq(appSetting.key, "auth_secret"));
  return row!.value;
}
