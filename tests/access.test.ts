import { describe, expect, it } from "vitest";
import type { RedisClient } from "@/lib/redis";
import { apiRoutes, routeHandlers } from "./support/api-routes";
import { redisFixture } from "./support/context";
import { request, signedIn, withContext } from "./support/session";

/** The only handlers a signed-out caller may reach: signing in and out, and the health check. */
const PUBLIC = new Set(["GET /api/health", "POST /api/session", "DELETE /api/session"]);

/** Every key of this test's stream (they all carry its name) with its serialized value. */
async function snapshot(redis: RedisClient, stream: string): Promise<Record<string, string>> {
  const found: string[] = [];
  let cursor = "0";
  do {
    const [next, batch] = await redis.scan(cursor, "MATCH", `*${stream}*`, "COUNT", 1000);
    found.push(...batch);
    cursor = next;
  } while (cursor !== "0");
  const values = await Promise.all(found.sort().map(async (key) => [key, (await redis.dumpBuffer(key))?.toString("base64") ?? ""]));
  return Object.fromEntries(values);
}

describe("signed out", () => {
  it("every handler under app/api but sign-in, sign-out and health answers 401 with a sentence, and writes nothing", async () => {
    const { redis, keys } = await redisFixture();
    withContext(redis, keys);
    // Something for a write that slipped through to change: staff, a sale, a group with a pending entry.
    await signedIn(redis, keys, "ann", "seller");
    await signedIn(redis, keys, "sam", "supervisor");
    await redis.xgroup("CREATE", keys.stream, "g", "0", "MKSTREAM");
    await redis.xadd(keys.stream, "*", "name", "Jim Crews", "seat", "B12", "movieId", "1", "sessionId", "1");
    await redis.xreadgroup("GROUP", "g", "c", "STREAMS", keys.stream, ">");
    const before = await snapshot(redis, keys.stream);

    const routes = apiRoutes();
    // The folder walk found the routes the README lists, so an empty or wrong walk cannot pass.
    expect(routes.map((r) => r.pattern)).toEqual(
      expect.arrayContaining([
        "/api/tickets/export.csv",
        "/api/screenings",
        "/api/stats/sales",
        "/api/retention",
        "/api/groups/[group]/ack",
      ]),
    );
    const tried: string[] = [];
    const answers: Record<string, string> = {};
    for (const route of routes) {
      const handlers = await routeHandlers(route);
      expect(handlers, `${route.file} exports no handler`).not.toEqual([]);
      for (const [method, handler] of handlers) {
        const name = `${method} ${route.pattern}`;
        tried.push(name);
        if (PUBLIC.has(name)) continue;
        const body = method === "GET" || method === "HEAD" ? undefined : {};
        const response = await handler(request(`${route.path}?count=1`, { method, body }), { params: Promise.resolve(route.params) });
        const text = await response.text();
        answers[name] = `${response.status} ${text}`;
      }
    }
    for (const [name, answer] of Object.entries(answers)) {
      expect(answer, name).toMatch(/^401 \{"error":"Sign in first[^"]*"\}$/);
    }
    // The public list names handlers that exist: a renamed or removed one must be looked at again.
    expect(tried).toEqual(expect.arrayContaining([...PUBLIC]));
    expect(Object.keys(answers).length).toBe(tried.length - PUBLIC.size);
    expect(await snapshot(redis, keys.stream)).toEqual(before);
  });
});
