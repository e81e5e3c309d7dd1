import { ForbiddenError } from "@/lib/errors";
import type { IncomingMessage } from "node:http";
import type { TLSSocket } from "node:tls";
import type { Config } from "@/lib/config";
import type { StreamKeys } from "@/lib/keys";
import type { RedisClient } from "@/lib/redis";
import { touchSession, unsignSessionId, type Session } from "@/lib/sessions";
import type { Role } from "@/lib/staff";
import { log } from "../log";

/** The session cookie's name over plain HTTP. */
export const SESSION_COOKIE = "streamdesk_session";
/**
 * Its name over HTTPS. Browsers keep a `__Host-` cookie only when it is Secure, has Path=/ and no Domain,
 * so a sibling subdomain or a plain-HTTP page on the way cannot plant one of this name.
 */
export const SECURE_SESSION_COOKIE = `__Host-${SESSION_COOKIE}`;

export function sessionCookieName(secure: boolean): string {
  return secure ? SECURE_SESSION_COOKIE : SESSION_COOKIE;
}

/** Most session cookies of one name that are looked up in Redis for one request. */
const MAX_SESSION_CANDIDATES = 4;

/**
 * Every value of one cookie in a Cookie header, in the order sent. A browser sends several of one name
 * when they were set for different paths or domains, and some other site of the same domain can set one.
 */
export function readCookies(header: string | null | undefined, name: string): string[] {
  if (!header) return [];
  const values: string[] = [];
  for (const part of header.split(";")) {
    const eq = part.indexOf("=");
    if (eq > 0 && part.slice(0, eq).trim() === name) {
      try {
        values.push(decodeURIComponent(part.slice(eq + 1).trim()));
      } catch {
        // A malformed value is no session; the others may be.
      }
    }
  }
  return values;
}

export interface AuthDeps {
  redis: RedisClient;
  keys: StreamKeys;
  config: Config;
  secret: string;
}

/**
 * The session named by a Cookie header (the cookie named for `secure`, see {@link sessionCookieName}), or
 * null: unsigned, forged, expired and ended sessions all give null. When several cookies share the name,
 * each whose signature holds is tried, so a junk or stale one sent first does not hide the real one; when
 * they name live sessions of different people, none is trusted (someone planted theirs). A request by the
 * person slides the expiry; a background re-check (`slide: false`) does not.
 */
export async function sessionFromCookie(
  deps: AuthDeps,
  cookieHeader: string | null | undefined,
  secure: boolean,
  slide = true,
): Promise<Session | null> {
  const ids = [
    ...new Set(
      readCookies(cookieHeader, sessionCookieName(secure))
        .map((value) => unsignSessionId(value, deps.secret))
        .filter((id): id is string => id !== null),
    ),
  ];
  const limits = { idleSeconds: deps.config.sessionIdleSeconds, maxSeconds: deps.config.sessionMaxSeconds };
  if (ids.length === 0) return null;
  if (ids.length === 1) return touchSession(deps.redis, deps.keys, ids[0]!, limits, slide);
  if (ids.length > MAX_SESSION_CANDIDATES) return null;
  const live = (await Promise.all(ids.map((id) => touchSession(deps.redis, deps.keys, id, limits, false)))).filter(
    (session) => session !== null,
  );
  if (live.length === 0) return null;
  if (new Set(live.map((session) => session.user.username)).size > 1) {
    log.warn("a request carried session cookies of different people; trusting none", {
      people: [...new Set(live.map((session) => session.user.username))],
    });
    return null;
  }
  return slide ? touchSession(deps.redis, deps.keys, live[0]!.id, limits, true) : live[0]!;
}

/** `Set-Cookie` for a new session: HttpOnly, SameSite=Lax, Secure when the app is served over HTTPS. */
export function sessionCookie(value: string, maxAgeSeconds: number, secure: boolean): string {
  return [
    `${sessionCookieName(secure)}=${encodeURIComponent(value)}`,
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
export function isHttps(url: string, forwardedProto: string | string[] | null | undefined): boolean {
  const proto = Array.isArray(forwardedProto) ? forwardedProto[0] : forwardedProto;
  return url.startsWith("https:") || proto?.split(",")[0]?.trim() === "https";
}

/** {@link isHttps} for a request the Node server (or Socket.IO's handshake) holds. */
export function isHttpsRequest(req: IncomingMessage): boolean {
  return (req.socket as TLSSocket | undefined)?.encrypted === true || isHttps("", req.headers["x-forwarded-proto"]);
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
