import { beforeAll, describe, expect, it, onTestFinished } from "vitest";
import { startRedisServer } from "@/harness/redis-server";
import { BUILD_LIMIT_MS, ensureFreshBuild, signInTo, startRealServer } from "./support/real-server";

beforeAll(ensureFreshBuild, BUILD_LIMIT_MS);

const PRINTED = /one-time password: (\S+)/;

describe("the first start without STREAMDESK_ADMIN_PASSWORD", () => {
  it("prints a one-time password once, which signs in only to choose a new one and then works no more", { timeout: 60_000 }, async () => {
    const redisServer = await startRedisServer();
    onTestFinished(() => redisServer.dispose());
    const first = await startRealServer(redisServer.url, { env: { STREAMDESK_ADMIN_PASSWORD: undefined } });
    const printed = [...first.stdout().matchAll(new RegExp(PRINTED, "g"))].map((match) => match[1]!);
    expect(printed).toHaveLength(1);
    const oneTime = printed[0]!;
    expect(first.stdout()).toContain('created the supervisor account "admin"');
    // Printed for the person at the console, never logged: no JSON line and nothing on stderr carries it.
    expect(first.logLines().filter((line) => JSON.stringify(line).includes(oneTime))).toEqual([]);
    expect(first.stderr()).not.toContain(oneTime);
    expect((await first.stop()).code).toBe(0);

    // Started again before anyone used it: nothing new is printed, and the printed one still works.
    const again = await startRealServer(redisServer.url, { stream: first.stream, env: { STREAMDESK_ADMIN_PASSWORD: undefined } });
    expect(again.stdout()).not.toMatch(PRINTED);
    const url = again.url;
    const signedIn = await signInTo(url, "admin", oneTime);
    expect(signedIn).toMatchObject({ status: 204, mustChange: true });
    const cookie = signedIn.cookie;

    // Nothing but the change: the API refuses, pages send you to the change form.
    const tickets = await fetch(`${url}/api/tickets?count=1`, { headers: { cookie } });
    expect(tickets.status).toBe(403);
    expect(await tickets.json()).toEqual({ error: "Change your password first: open /account/password." });
    const desk = await fetch(`${url}/`, { headers: { cookie }, redirect: "manual" });
    expect(desk.status).toBe(302);
    expect(desk.headers.get("location")).toBe("/account/password");

    const change = await fetch(`${url}/api/session/password`, {
      method: "POST",
      headers: { cookie, origin: url, "content-type": "application/json" },
      body: JSON.stringify({ currentPassword: oneTime, newPassword: "admins-own-password" }),
    });
    expect(change.status).toBe(204);
    expect((await fetch(`${url}/api/tickets?count=1`, { headers: { cookie } })).status).toBe(200);
    expect((await signInTo(url, "admin", oneTime)).status).toBe(401);
    expect(await signInTo(url, "admin", "admins-own-password")).toMatchObject({ status: 204, mustChange: false });
    expect(again.stdout()).not.toMatch(PRINTED);
  });
});
