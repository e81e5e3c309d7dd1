import type { Config } from "@/lib/config";
import type { StreamKeys } from "@/lib/keys";
import type { RedisClient } from "@/lib/redis";
import { touchSession, unsignSessionId, type Session } from "@/lib/sessions";
import type { Role } from "@/lib/staff";

export const SESSION_COOKIE = "streamdesk_session";

/** The caller is not signed in (401). */
export class SignInRequiredError extends Error {
  override name = "SignInRequiredError";
  constructor() {
    super("Sign in first: this needs a staff session.");
  }
}

/** The caller is signed in but may not do this (403). */
export class ForbiddenError extends Error {
  override name = "ForbiddenError";
}

/** Reads one cookie from a Cookie header. */
export function readCookie(header: string | null | undefined, name: string): string | undefined {
  if (!header) return undefined;
  for (const part of header.split(";")) {
    const eq = part.indexOf("=");
    if (eq > 0 && part.slice(0, eq).trim() === name) {
      try {
        return decodeURIComponent(part.slice(eq + 1).trim());
      } catch {
        return undefined;
      }
    }
  }
  return undefined;
}

export interface AuthDeps {
  redis: RedisClient;
  keys: StreamKeys;
  config: Config;
  secret: string;
}

/**
 * The session named by a Cookie header, or null: unsigned, forged, expired and ended sessions all give
 * null. A request by the person slides the expiry; a background re-check (`slide: false`) does not.
 */
export async function sessionFromCookie(deps: AuthDeps, cookieHeader: string | null | undefined, slide = true): Promise<Session | null> {
  const value = readCookie(cookieHeader, SESSION_COOKIE);
  if (!value) return null;
  const id = unsignSessionId(value, deps.secret);
  if (!id) return null;
  return touchSession(deps.redis, deps.keys, id, { idleSeconds: deps.config.sessionIdleSeconds, maxSeconds: deps.config.sessionMaxSeconds }, slide);
}

/** `Set-Cookie` for a new session: HttpOnly, SameSite=Lax, Secure when the app is served over HTTPS. */
export function sessionCookie(value: string, maxAgeSeconds: number, secure: boolean): string {
  return [
    `${SESSION_COOKIE}=${encodeURIComponent(value)}`,
    "Path=/",
    "HttpOnly",
    "SameSite=Lax",
    `Max-Age=${maxAgeSeconds}`,
    ...(secure ? ["Secure"] : []),
  ].join("; ");
}

export function clearedSessionCookie(secure: boolean): string {
  return sessionCookie("", 0, secure);
}

/** True when the request reached us over HTTPS, directly or through a proxy that says so. */
export function isHttps(url: string, forwardedProto: string | null | undefined): boolean {
  return url.startsWith("https:") || forwardedProto?.split(",")[0]?.trim() === "https";
}

/**
 * Refuses state-changing requests from other sites (CSRF): a browser always sends Origin on them, and it
 * must name this app's own host. Requests without Origin (curl, scripts) carry no ambient cookie risk.
 */
export function checkOrigin(method: string, origin: string | null, host: string | null): void {
  if (method === "GET" || method === "HEAD" || method === "OPTIONS") return;
  if (origin === null) return;
  let originHost: string;
  try {
    originHost = new URL(origin).host;
  } catch {
    originHost = "";
  }
  if (!host || originHost !== host) {
    throw new ForbiddenError("This request came from another site, so it was refused. Use StreamDesk's own pages.");
  }
}

const RANK: Record<Role, number> = { seller: 1, supervisor: 2 };

/** Throws unless the session's role is at least `role`. */
export function requireRole(session: Session, role: Role): void {
  if (RANK[session.user.role] < RANK[role]) {
    throw new ForbiddenError(role === "supervisor" ? "Only a supervisor can do this. Ask a supervisor." : "Your account may not do this.");
  }
}
