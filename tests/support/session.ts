import { loadConfig } from "@/lib/config";
import { ProgramCache } from "@/lib/program";
import type { StreamKeys } from "@/lib/keys";
import type { RedisClient } from "@/lib/redis";
import { createSession, signSessionId } from "@/lib/sessions";
import { createStaff, getStaffForSession, type Role } from "@/lib/staff";
import { SESSION_COOKIE } from "@/server/request/auth";
import { setContext, type AppContext } from "@/server/request/context";

export const TEST_SECRET = "test-secret-0123456789abcdef";
export const config = loadConfig({});

/** Creates a staff account and signs it in; returns the Cookie header a browser would send. */
export async function signedIn(redis: RedisClient, keys: StreamKeys, username: string, role: Role): Promise<string> {
  await createStaff(redis, keys, "test", { username, password: `${username}-password-1`, role, mustChangePassword: false });
  return anotherSession(redis, keys, username);
}

/** Signs an existing account in once more (another browser); returns that session's Cookie header. */
export async function anotherSession(redis: RedisClient, keys: StreamKeys, username: string): Promise<string> {
  const account = await getStaffForSession(redis, keys, username);
  if (!account) throw new Error(`no staff account ${username}`);
  const id = await createSession(redis, keys, username, 3600, account.sessionEpoch);
  return `${SESSION_COOKIE}=${encodeURIComponent(signSessionId(id, TEST_SECRET))}`;
}

/** Points route handlers at this test's Redis and keys. */
export function withContext(redis: RedisClient, keys: StreamKeys, overrides: Partial<AppContext> = {}): AppContext {
  const context: AppContext = {
    config,
    redis,
    keys,
    secret: TEST_SECRET,
    feedStatus: () => ({ redis: "up", since: 0 }),
    groupsChanged: () => {},
    program: new ProgramCache(redis, keys),
    programChanged: () => {},
    endSessions: async () => {},
    ...overrides,
  };
  setContext(context);
  return context;
}

/** A JSON request as the browser sends it: same-origin, with the session cookie. */
export function request(
  url: string,
  init: { method?: string; body?: unknown; cookie?: string; contentType?: string; rawBody?: string; origin?: string } = {},
): Request {
  const headers: Record<string, string> = { host: "desk" };
  if (init.cookie) headers.cookie = init.cookie;
  if (init.origin) headers.origin = init.origin;
  const hasBody = init.body !== undefined || init.rawBody !== undefined;
  if (hasBody) headers["content-type"] = init.contentType ?? "application/json";
  return new Request(`http://desk${url}`, {
    method: init.method ?? (hasBody ? "POST" : "GET"),
    headers,
    body: init.rawBody ?? (init.body === undefined ? undefined : JSON.stringify(init.body)),
  });
}
