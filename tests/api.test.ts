import { describe, expect, inject, it, onTestFinished } from "vitest";
import { streamKeys, type StreamKeys } from "@/lib/keys";
import { createRedisClient, whenReady, type RedisClient } from "@/lib/redis";
import * as health from "@/app/api/health/route";
import * as tickets from "@/app/api/tickets/route";
import * as seats from "@/app/api/screenings/[movieId]/[sessionId]/route";
import { redisFixture, uniqueStream } from "./support/context";
import { freePort } from "@/harness/ports";
import { startRedisServer } from "@/harness/redis-server";
import { request, signedIn, withContext } from "./support/session";
import { startStallProxy } from "./support/stall-proxy";
import { until } from "./support/writer";

const none = { params: Promise.resolve({}) };
const sale = { name: "Beth Harmon", seat: "B11", movieId: 53, sessionId: 832 };

async function withApp() {
  const { redis, keys } = await redisFixture();
  withContext(redis, keys);
  const cookie = await signedIn(redis, keys, "ann", "seller");
  return { redis, keys, cookie };
}

describe("POST /api/tickets", () => {
  it("answers 413 for a body over 16 KB, with or without a Content-Length, and writes nothing", async () => {
    const { redis, keys, cookie } = await withApp();
    const declared = await tickets.POST(
      request("/api/tickets", { rawBody: JSON.stringify({ ...sale, pad: "x".repeat(100_000) }), cookie }),
      none,
    );
    expect(declared.status).toBe(413);
    expect(await declared.json()).toEqual({ error: "The body is larger than 16 KB; send less." });
    // A chunked body that never ends: reading stops at the limit instead of waiting for the end.
    let pulled = 0;
    const endless = new ReadableStream<Uint8Array>({
      pull(controller) {
        pulled++;
        controller.enqueue(new TextEncoder().encode("x".repeat(4096)));
      },
    });
    const chunked = new Request("http://desk/api/tickets", {
      method: "POST",
      headers: { host: "desk", cookie, "content-type": "application/json" },
      body: endless,
      duplex: "half",
    } as RequestInit);
    const refused = await tickets.POST(chunked, none);
    expect(refused.status).toBe(413);
    expect(pulled).toBeLessThan(10);
    expect(await redis.exists(keys.stream)).toBe(0);
  });

  it("answers 201 with the new id carrying soldBy, and 409 for the same seat again", async () => {
    const { redis, keys, cookie } = await withApp();
    const first = await tickets.POST(request("/api/tickets", { body: sale, cookie }), none);
    expect(first.status).toBe(201);
    const { id } = (await first.json()) as { id: string };
    expect(await redis.xrange(keys.stream, "-", "+")).toEqual([
      [id, ["name", "Beth Harmon", "seat", "B11", "movieId", "53", "sessionId", "832", "soldBy", "ann"]],
    ]);

    const second = await tickets.POST(request("/api/tickets", { body: { ...sale, name: "Vasily Borgov" }, cookie }), none);
    expect(second.status).toBe(409);
    expect(await second.json()).toMatchObject({ error: expect.stringMatching(/B11 is already sold/), field: "seat" });
    expect(await redis.xlen(keys.stream)).toBe(1);
  });

  it.each([
    ["malformed JSON", "{name:", "application/json", /not valid JSON/],
    ["a wrong content type", JSON.stringify(sale), "text/plain", /Content-Type: application\/json/],
    ["a missing field", JSON.stringify({ ...sale, seat: undefined }), "application/json", /Seat is required/],
    ["a huge name", JSON.stringify({ ...sale, name: "x".repeat(5000) }), "application/json", /at most 100/],
    ["an array", "[]", "application/json", /JSON object/],
  ])("answers 400 for %s and writes nothing", async (_what, rawBody, contentType, message) => {
    const { redis, keys, cookie } = await withApp();
    const response = await tickets.POST(request("/api/tickets", { rawBody, contentType, cookie }), none);
    expect(response.status).toBe(400);
    expect(await response.json()).toEqual(expect.objectContaining({ error: expect.stringMatching(message) }));
    expect(await redis.exists(keys.stream)).toBe(0);
  });

  it("answers 503 saying nothing was sold when Redis is unreachable", async () => {
    const { redis, keys, cookie } = await withApp();
    const dead = createRedisClient({ mode: "single", url: `redis://127.0.0.1:${await freePort()}` }, { name: "test:dead" });
    withContext(dead, keys);
    const response = await tickets.POST(request("/api/tickets", { body: sale, cookie }), none);
    expect(response.status).toBe(503);
    expect(await response.json()).toEqual({ error: expect.stringMatching(/nothing was sold/) });
    expect((await health.GET()).status).toBe(503);
    expect(await redis.exists(keys.stream)).toBe(0);
    dead.disconnect();
  });
});

describe("when Redis dies while a sale awaits its reply", () => {
  async function pausedThenKilled<T>(work: (redis: RedisClient, keys: StreamKeys, cookie: string) => Promise<T>): Promise<T> {
    const server = await startRedisServer();
    onTestFinished(() => server.dispose());
    const redis = createRedisClient({ mode: "single", url: server.url }, { name: "test:mid-sale" });
    onTestFinished(() => redis.disconnect());
    await whenReady(redis, 5000);
    const keys = streamKeys(uniqueStream());
    withContext(redis, keys);
    const cookie = await signedIn(redis, keys, "ann", "seller");
    // Writes wait while Redis is paused: the next write is sent and awaits its reply when Redis is killed.
    await redis.call("CLIENT", "PAUSE", "10000", "WRITE");
    const pending = work(redis, keys, cookie);
    await new Promise((resolve) => setTimeout(resolve, 200));
    await server.kill();
    return pending;
  }

  it("answers that the sale may have gone through when the connection drops after the sale was sent, and it did", async () => {
    const { redis, keys } = await redisFixture();
    const cookie = await signedIn(redis, keys, "ann", "seller");
    const proxy = await startStallProxy(Number(new URL(inject("redisUrl")).port));
    const routed = createRedisClient({ mode: "single", url: proxy.url }, { name: "test:through-proxy" });
    onTestFinished(() => routed.disconnect());
    await whenReady(routed, 5000);
    withContext(routed, keys);
    // A first sale loads the script, so the one that matters runs at once instead of answering NOSCRIPT.
    expect((await tickets.POST(request("/api/tickets", { body: { ...sale, seat: "B1" }, cookie }), none)).status).toBe(201);

    // The session check and the programme read get their replies; the sale's script reaches Redis, and
    // the connection is cut before its reply comes back.
    proxy.stallRepliesFrom("Vasily Borgov");
    const answer = tickets.POST(request("/api/tickets", { body: { ...sale, name: "Vasily Borgov" }, cookie }), none);
    await until(async () => (await redis.hget(keys.seats("53", "832"), "B11")) !== null, 5000, "the sale to reach Redis");
    proxy.cut();
    const response = await answer;

    expect(response.status).toBe(503);
    expect(response.headers.get("retry-after")).toBe("1");
    expect(await response.json()).toEqual({
      error: expect.stringMatching(/^The connection to Redis dropped while the sale was being written, so it may have gone through\./),
      outcome: "unknown",
    });
    const sold = (await redis.xrange(keys.stream, "-", "+")) as [string, string[]][];
    expect(sold.map(([, fields]) => fields.slice(0, 4))).toEqual([
      ["name", "Beth Harmon", "seat", "B1"],
      ["name", "Vasily Borgov", "seat", "B11"],
    ]);
  });

  it("answers 'nothing was sold' when it was the session check that lost its reply", async () => {
    const response = await pausedThenKilled((_redis, _keys, cookie) => tickets.POST(request("/api/tickets", { body: sale, cookie }), none));
    expect(response.status).toBe(503);
    expect(await response.json()).toEqual({ error: expect.stringMatching(/nothing was sold/) });
  });
});

describe("GET /api/tickets", () => {
  it("pages history newest first with before", async () => {
    const { redis, keys, cookie } = await withApp();
    const ids = [];
    for (let i = 0; i < 5; i++) ids.push(await redis.xadd(keys.stream, "*", "name", `n${i}`));
    const first = await tickets.GET(request("/api/tickets?count=3", { cookie }), none);
    const page = (await first.json()) as { entries: { id: string }[]; next: string };
    expect(page.entries.map((entry) => entry.id)).toEqual([ids[4], ids[3], ids[2]]);
    const second = await tickets.GET(request(`/api/tickets?before=${page.next}&count=3`, { cookie }), none);
    expect(await second.json()).toEqual({
      entries: [
        { id: ids[1], fields: { name: "n1" } },
        { id: ids[0], fields: { name: "n0" } },
      ],
      next: null,
    });
  });

  it.each([
    ["?count=0", /count must be a whole number from 1 to 1000/],
    ["?count=abc", /count/],
    ["?before=nope", /before must be a stream id/],
    ["?before=1-0&after=1-0", /either before or after/],
  ])("answers 400 for %s", async (query, message) => {
    const { cookie } = await withApp();
    const response = await tickets.GET(request(`/api/tickets${query}`, { cookie }), none);
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ error: expect.stringMatching(message) });
  });
});

describe("GET /api/health and the seat map", () => {
  it("reports Redis ok, and the seats sold for a screening", async () => {
    const { cookie } = await withApp();
    expect(await (await health.GET()).json()).toEqual({ status: "ok", redis: "ok" });
    await tickets.POST(request("/api/tickets", { body: sale, cookie }), none);
    const response = await seats.GET(request("/", { cookie }), { params: Promise.resolve({ movieId: "53", sessionId: "832" }) });
    expect(await response.json()).toMatchObject({ rows: 10, seatsPerRow: 20, sold: { B11: expect.any(String) } });
    const bad = await seats.GET(request("/", { cookie }), { params: Promise.resolve({ movieId: "x", sessionId: "1" }) });
    expect(bad.status).toBe(400);
  });
});
