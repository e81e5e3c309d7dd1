import { describe, expect, inject, it, onTestFinished } from "vitest";
import * as session from "@/app/api/session/route";
import * as password from "@/app/api/session/password/route";
import * as staffMember from "@/app/api/staff/[username]/route";
import { loadConfig } from "@/lib/config";
import type { RedisTarget } from "@/lib/redis";
import { SIGN_IN_LIMITS } from "@/lib/rate-limit";
import { createSession, signSessionId } from "@/lib/sessions";
import { getStaffForSession, verifyPassword } from "@/lib/staff";
import { openSocket, startTestApp, type Client } from "./support/app";
import { startRedisCluster } from "./support/redis-cluster";
import { startRedisServer } from "@/harness/redis-server";
import { SESSION_COOKIE } from "@/server/request/auth";
import { anotherSession, signedIn, TEST_SECRET, withContext } from "./support/session";
import { until } from "./support/writer";

type Handler = (request: Request, extra: { params: Promise<Record<string, string>> }) => Promise<Response>;

/** A request as the custom server hands it to a route: same-origin, with the client address it worked out. */
function call(
  handler: Handler,
  init: { method?: string; body?: unknown; cookie?: string; address?: string; params?: Record<string, string> } = {},
) {
  const headers: Record<string, string> = { host: "desk", "x-streamdesk-remote-address": init.address ?? "10.9.0.1" };
  if (init.cookie) headers.cookie = init.cookie;
  if (init.body !== undefined) headers["content-type"] = "application/json";
  const request = new Request("http://desk/api/x", {
    method: init.method ?? (init.body === undefined ? "GET" : "POST"),
    headers,
    body: init.body === undefined ? undefined : JSON.stringify(init.body),
  });
  return handler(request, { params: Promise.resolve(init.params ?? {}) });
}

const me = async (cookie: string) => (await call(session.GET as Handler, { cookie })).status;

/** Two instances on one Redis and one stream, route handlers running on A; ann signed in on both. */
async function twoInstances(redisAt: string | RedisTarget = inject("redisUrl")) {
  const a = await startTestApp(redisAt);
  const b = await startTestApp(redisAt, { stream: a.keys.stream });
  withContext(a.redis, a.keys, { endSessions: (ended) => a.app.endSessions(ended) });
  const supervisor = await signedIn(a.redis, a.keys, "sam", "supervisor");
  return { a, b, redis: a.redis, keys: a.keys, supervisor };
}

async function connected(url: string, cookie: string): Promise<Client> {
  const socket = openSocket(url, cookie);
  await until(() => socket.connected, 5000, "a socket to connect");
  return socket;
}

/** Resolves with how the socket was closed and after how many ms, or "still open" after `ms`. */
function closedWithin(socket: Client, ms: number): Promise<{ reason: string; ms: number }> {
  const began = performance.now();
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve({ reason: "still open", ms }), ms);
    socket.once("disconnect", (reason) => {
      clearTimeout(timer);
      resolve({ reason, ms: performance.now() - began });
    });
  });
}

// Sockets are also re-checked every 15 s; everything here must happen long before that.
const AT_ONCE_MS = 2000;

describe("ending sessions on every instance at once", () => {
  it("closes the sockets on instance B of an account disabled through instance A, well before the re-check", async () => {
    const { a, b, supervisor } = await twoInstances();
    const onB = await connected(b.url, a.cookie);
    const closed = closedWithin(onB, AT_ONCE_MS);
    const response = await call(staffMember.PATCH as Handler, {
      method: "PATCH",
      body: { disabled: true },
      cookie: supervisor,
      params: { username: "ann" },
    });
    expect(response.status).toBe(200);
    expect((await closed).reason).toBe("io server disconnect");
    expect(await me(b.cookie)).toBe(401);
  });

  it("signing out closes that session's sockets on every instance, and no other session's", async () => {
    const { a, b } = await twoInstances();
    const [mineOnA, mineOnB, otherOnB] = await Promise.all([
      connected(a.url, a.cookie),
      connected(b.url, a.cookie),
      connected(b.url, b.cookie),
    ]);
    const closed = [closedWithin(mineOnA, AT_ONCE_MS), closedWithin(mineOnB, AT_ONCE_MS)];
    expect((await call(session.DELETE as Handler, { method: "DELETE", cookie: a.cookie })).status).toBe(204);
    expect((await Promise.all(closed)).map((c) => c.reason)).toEqual(["io server disconnect", "io server disconnect"]);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(otherOnB.connected).toBe(true);
    expect([await me(a.cookie), await me(b.cookie)]).toEqual([401, 200]);
  });

  it("changing your own password ends every other session of yours, with its sockets everywhere, and keeps this one", async () => {
    const { a, b, redis, keys } = await twoInstances();
    const stolen = b.cookie;
    const [mineOnB, stolenOnA, stolenOnB] = await Promise.all([
      connected(b.url, a.cookie),
      connected(a.url, stolen),
      connected(b.url, stolen),
    ]);
    const before = (await getStaffForSession(redis, keys, "ann"))!.sessionEpoch;
    const closed = [closedWithin(stolenOnA, AT_ONCE_MS), closedWithin(stolenOnB, AT_ONCE_MS)];
    const changed = await call(password.POST as Handler, {
      body: { currentPassword: "ann-password-1", newPassword: "anns-new-password" },
      cookie: a.cookie,
    });
    expect(changed.status).toBe(204);
    expect((await Promise.all(closed)).map((c) => c.reason)).toEqual(["io server disconnect", "io server disconnect"]);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(mineOnB.connected).toBe(true);
    expect([await me(a.cookie), await me(stolen)]).toEqual([200, 401]);
    // A session whose password check read the account before the change (a sign-in racing it) is over too.
    const racing = await createSession(redis, keys, "ann", 3600, before);
    expect(await me(`${SESSION_COOKIE}=${encodeURIComponent(signSessionId(racing, TEST_SECRET))}`)).toBe(401);
    expect(await verifyPassword(redis, keys, "ann", "ann-password-1")).toBeNull();
    expect(await verifyPassword(redis, keys, "ann", "anns-new-password")).not.toBeNull();
  });

  it("a supervisor's reset ends every session of that person, with the sockets on every instance", async () => {
    const { a, b, supervisor } = await twoInstances();
    const onB = await connected(b.url, a.cookie);
    const onA = await connected(a.url, b.cookie);
    const closed = [closedWithin(onA, AT_ONCE_MS), closedWithin(onB, AT_ONCE_MS)];
    const reset = await call(staffMember.PATCH as Handler, {
      method: "PATCH",
      body: { password: "given-by-sam-1" },
      cookie: supervisor,
      params: { username: "ann" },
    });
    expect(reset.status).toBe(200);
    expect(await reset.json()).toMatchObject({ username: "ann", mustChangePassword: true });
    expect((await Promise.all(closed)).map((c) => c.reason)).toEqual(["io server disconnect", "io server disconnect"]);
    expect([await me(a.cookie), await me(b.cookie), await me(supervisor)]).toEqual([401, 401, 200]);
  });

  it(
    "still reaches the other instance after Redis restarts: every instance subscribes again, and nothing goes unhandled",
    { timeout: 60_000 },
    async () => {
      const server = await startRedisServer({ appendonly: true });
      onTestFinished(() => server.dispose());
      const { a, b, supervisor } = await twoInstances(server.url);
      await until(() => b.app.hearsEndedSessions(), 5000, "B to subscribe");
      await server.kill();
      await until(() => !b.app.hearsEndedSessions(), 10_000, "B to see its subscription go");
      await server.start();
      await until(() => b.app.hearsEndedSessions(), 15_000, "B to subscribe again");
      // Both instances' command connections too: B checks the socket's session with its own.
      await until(() => a.redis.status === "ready" && b.redis.status === "ready", 15_000, "A's and B's commands to reconnect");
      const onB = await connected(b.url, a.cookie);
      const closed = closedWithin(onB, AT_ONCE_MS);
      const response = await call(staffMember.PATCH as Handler, {
        method: "PATCH",
        body: { disabled: true },
        cookie: supervisor,
        params: { username: "ann" },
      });
      expect(response.status).toBe(200);
      expect((await closed).reason).toBe("io server disconnect");
    },
  );

  it(
    "works on Redis Cluster too: PUBLISH reaches the other instance's subscriber on whichever node it is",
    { timeout: 60_000 },
    async () => {
      const cluster = await startRedisCluster();
      onTestFinished(() => cluster.dispose());
      const { a, b, supervisor } = await twoInstances({ mode: "cluster", nodes: cluster.nodes });
      const onB = await connected(b.url, a.cookie);
      const closed = closedWithin(onB, AT_ONCE_MS);
      const response = await call(staffMember.PATCH as Handler, {
        method: "PATCH",
        body: { disabled: true },
        cookie: supervisor,
        params: { username: "ann" },
      });
      expect(response.status).toBe(200);
      expect((await closed).reason).toBe("io server disconnect");
    },
  );
});

describe("password changes", () => {
  it("asks supervisors resetting their own password through the staff API for the current one", async () => {
    const { redis, keys, supervisor } = await twoInstances();
    const otherBrowser = await anotherSession(redis, keys, "sam");
    const patch = (body: unknown) =>
      call(staffMember.PATCH as Handler, { method: "PATCH", body, cookie: supervisor, params: { username: "sam" } });
    const missing = await patch({ password: "sams-new-password" });
    expect(missing.status).toBe(400);
    expect(await missing.json()).toEqual({
      error: "To change your own password, also type your current one (currentPassword).",
      field: "currentPassword",
    });
    const wrong = await patch({ password: "sams-new-password", currentPassword: "not-sams-password" });
    expect(wrong.status).toBe(403);
    expect(await wrong.json()).toEqual({ error: "The current password is wrong. Type the password you signed in with." });
    expect(await verifyPassword(redis, keys, "sam", "sam-password-1")).not.toBeNull();
    expect([await me(supervisor), await me(otherBrowser)]).toEqual([200, 200]);

    const right = await patch({ password: "sams-new-password", currentPassword: "sam-password-1" });
    expect(right.status).toBe(200);
    expect(await right.json()).toMatchObject({ username: "sam", mustChangePassword: false });
    expect([await me(supervisor), await me(otherBrowser)]).toEqual([200, 401]);
  });

  it("counts a wrong current password as a failed sign-in and refuses changes from an address over the limit with 429", async () => {
    const { redis, keys, a } = await twoInstances();
    const change = (currentPassword: string, address: string) =>
      call(password.POST as Handler, { body: { currentPassword, newPassword: "anns-new-password" }, cookie: a.cookie, address });
    expect((await change("a-wrong-guess", "10.7.0.1")).status).toBe(403);
    expect(await redis.get(keys.signinAttempts("ip", "10.7.0.1"))).toBe("1");
    expect(await redis.get(keys.signinAttempts("user", "ann"))).toBe("1");
    // The rest of the address's failures come from sign-ins: one limit for both.
    for (let i = 1; i < SIGN_IN_LIMITS.perAddress; i++)
      expect(
        (await call(session.POST as Handler, { body: { username: `nobody-${i}`, password: "whatever-123" }, address: "10.7.0.1" })).status,
      ).toBe(401);
    const refused = await change("ann-password-1", "10.7.0.1");
    expect(refused.status).toBe(429);
    expect(await refused.json()).toMatchObject({
      error: "Too many wrong passwords came from your network address. Wait 15 minutes and try again.",
    });
    expect(await verifyPassword(redis, keys, "ann", "ann-password-1")).not.toBeNull();
    expect((await change("ann-password-1", "10.7.0.2")).status).toBe(204);
  });
});

describe("session lifetime", () => {
  it("ends a session SESSION_MAX_HOURS after sign-in however busy it is, and the cookie lives that long", async () => {
    expect(loadConfig({}).sessionMaxSeconds).toBe(12 * 3600);
    expect(loadConfig({ SESSION_MAX_HOURS: "2" }).sessionMaxSeconds).toBe(7200);
    expect(() => loadConfig({ SESSION_MAX_HOURS: "0" })).toThrow("SESSION_MAX_HOURS must be between 1 and 720.");
    const { redis, keys } = await twoInstances();
    const signIn = await call(session.POST as Handler, { body: { username: "sam", password: "sam-password-1" } });
    expect(signIn.status).toBe(204);
    const setCookie = signIn.headers.get("set-cookie")!;
    expect(setCookie).toContain(`Max-Age=${12 * 3600}`);
    const cookie = setCookie.split(";")[0]!;
    const id = decodeURIComponent(cookie.split("=")[1]!).split(".")[0]!;
    const age = async (ms: number) => redis.hset(keys.session(id), "created", String(Date.now() - ms));
    await age(12 * 3600_000 - 60_000);
    expect(await me(cookie)).toBe(200);
    // Used a moment ago, so the idle expiry alone would keep it.
    await age(12 * 3600_000 + 1000);
    expect(await me(cookie)).toBe(401);
    expect(await redis.exists(keys.session(id))).toBe(0);
  });
});
