import { io as connect } from "socket.io-client";
import { describe, expect, inject, it, onTestFinished } from "vitest";
import * as session from "@/app/api/session/route";
import { signSessionId } from "@/lib/sessions";
import { SECURE_SESSION_COOKIE, SESSION_COOKIE } from "@/server/request/auth";
import { startTestApp } from "./support/app";
import { redisFixture } from "./support/context";
import { anotherSession, signedIn, withContext } from "./support/session";

const none = { params: Promise.resolve({}) };

/** A request as it reaches a route, over HTTPS behind a proxy when `https`. */
function call(
  handler: typeof session.GET | typeof session.POST | typeof session.DELETE,
  init: { method?: string; body?: unknown; cookie?: string; https?: boolean },
) {
  const headers: Record<string, string> = { host: "desk", "x-streamdesk-remote-address": "10.8.0.1" };
  if (init.cookie) headers.cookie = init.cookie;
  if (init.https) headers["x-forwarded-proto"] = "https";
  if (init.body !== undefined) headers["content-type"] = "application/json";
  return handler(
    new Request("http://desk/api/session", {
      method: init.method ?? "GET",
      headers,
      body: init.body === undefined ? undefined : JSON.stringify(init.body),
    }),
    none,
  );
}

/** The value (`<id>.<hmac>`) inside a Cookie header made by signedIn. */
const valueOf = (cookie: string) => decodeURIComponent(cookie.slice(cookie.indexOf("=") + 1));

describe("the session cookie", () => {
  it("is __Host-streamdesk_session over HTTPS (Secure, Path=/, no Domain) and keeps its name over plain HTTP", async () => {
    const { redis, keys } = await redisFixture();
    withContext(redis, keys);
    await signedIn(redis, keys, "ann", "seller");
    const overHttps = await call(session.POST, { method: "POST", body: { username: "ann", password: "ann-password-1" }, https: true });
    expect(overHttps.status).toBe(204);
    const secure = overHttps.headers.get("set-cookie")!;
    expect(secure).toMatch(/^__Host-streamdesk_session=[^;]+; Path=\/; HttpOnly; SameSite=Lax; Max-Age=\d+; Secure$/);
    expect(secure).not.toMatch(/Domain=/i);
    const cookie = secure.split(";")[0]!;
    expect((await call(session.GET, { cookie, https: true })).status).toBe(200);
    // Over HTTPS the unprefixed name is not read: any subdomain could have set it.
    expect((await call(session.GET, { cookie: `${SESSION_COOKIE}=${cookie.split("=")[1]}`, https: true })).status).toBe(401);
    const out = await call(session.DELETE, { method: "DELETE", cookie, https: true });
    expect(out.headers.get("set-cookie")).toMatch(/^__Host-streamdesk_session=; Path=\/; HttpOnly; SameSite=Lax; Max-Age=0; Secure$/);

    const overHttp = await call(session.POST, { method: "POST", body: { username: "ann", password: "ann-password-1" } });
    expect(overHttp.headers.get("set-cookie")).toMatch(/^streamdesk_session=[^;]+; Path=\/; HttpOnly; SameSite=Lax; Max-Age=\d+$/);
    expect((await call(session.GET, { cookie: overHttp.headers.get("set-cookie")!.split(";")[0]! })).status).toBe(200);
  });

  it("tries every cookie of the name whose signature holds: a junk, forged or ended one sent first does not hide the real one", async () => {
    const { redis, keys } = await redisFixture();
    withContext(redis, keys);
    const real = valueOf(await signedIn(redis, keys, "ann", "seller"));
    const ended = valueOf(await anotherSession(redis, keys, "ann"));
    await redis.del(keys.session(ended.split(".")[0]!));
    const forged = signSessionId(real.split(".")[0]!, "someone-elses-secret-000");
    for (const first of ["junk", "made-up.signature", forged, ended, "%E0%A4%A"]) {
      const cookie = `${SESSION_COOKIE}=${encodeURIComponent(first)}; ${SESSION_COOKIE}=${encodeURIComponent(real)}`;
      expect((await call(session.GET, { cookie })).status, first).toBe(200);
    }
    // The same over HTTPS with the prefixed name.
    expect(
      (
        await call(session.GET, {
          cookie: `${SECURE_SESSION_COOKIE}=junk; ${SECURE_SESSION_COOKIE}=${encodeURIComponent(real)}`,
          https: true,
        })
      ).status,
    ).toBe(200);
    // Only junk: signed out.
    expect((await call(session.GET, { cookie: `${SESSION_COOKIE}=junk; ${SESSION_COOKIE}=${encodeURIComponent(forged)}` })).status).toBe(
      401,
    );
  });

  it("trusts none when cookies of the name name live sessions of different people, and either order", async () => {
    const { redis, keys } = await redisFixture();
    withContext(redis, keys);
    const ann = valueOf(await signedIn(redis, keys, "ann", "seller"));
    const planted = valueOf(await signedIn(redis, keys, "mallory", "supervisor"));
    for (const [first, second] of [
      [planted, ann],
      [ann, planted],
    ]) {
      const response = await call(session.GET, {
        cookie: `${SESSION_COOKIE}=${encodeURIComponent(first!)}; ${SESSION_COOKIE}=${encodeURIComponent(second!)}`,
      });
      expect(response.status).toBe(401);
    }
    // Two live sessions of one person are not a conflict.
    const annAgain = valueOf(await anotherSession(redis, keys, "ann"));
    const both = await call(session.GET, {
      cookie: `${SESSION_COOKIE}=${encodeURIComponent(annAgain)}; ${SESSION_COOKIE}=${encodeURIComponent(ann)}`,
    });
    expect(await both.json()).toMatchObject({ user: { username: "ann" } });
  });

  it("applies the same rules to the live link's handshake", async () => {
    const { url, cookie } = await startTestApp(inject("redisUrl"));
    const value = cookie.slice(cookie.indexOf("=") + 1);
    const handshake = (headers: Record<string, string>) =>
      new Promise<string>((resolve) => {
        const socket = connect(url, { transports: ["websocket"], reconnection: false, extraHeaders: headers });
        onTestFinished(() => void socket.disconnect());
        socket.once("connect", () => resolve("connected"));
        socket.once("connect_error", (error) => resolve(error.message));
      });
    expect(await handshake({ cookie: `${SESSION_COOKIE}=junk; ${cookie}` })).toBe("connected");
    // Behind a proxy that says HTTPS, only the prefixed name counts.
    expect(await handshake({ cookie, "x-forwarded-proto": "https" })).toMatch(/Sign in first/);
    expect(await handshake({ cookie: `${SECURE_SESSION_COOKIE}=${value}`, "x-forwarded-proto": "https" })).toBe("connected");
  });
});
