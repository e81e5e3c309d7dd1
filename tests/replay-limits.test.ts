import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { streamKeys } from "@/lib/keys";
import { createRedisClient, whenReady } from "@/lib/redis";
import type { StreamId } from "@/lib/stream-id";
import { openSocket, startTestApp, type Client } from "./support/app";
import { startChildApp } from "./support/child-app";
import { uniqueStream } from "./support/context";
import { startRedisServer } from "@/harness/redis-server";
import { signedIn } from "./support/session";
import { until } from "./support/writer";

/** Appends `count` small entries, 10,000 per round trip; returns the ids, oldest first. */
async function append(redis: ReturnType<typeof createRedisClient>, stream: string, count: number): Promise<StreamId[]> {
  const ids: StreamId[] = [];
  for (let first = 0; first < count; first += 10_000) {
    const pipeline = redis.pipeline();
    for (let i = first; i < Math.min(count, first + 10_000); i++)
      pipeline.xadd(stream, "*", "name", `Guest ${i}`, "seat", "A1", "movieId", "1", "sessionId", String(i));
    for (const [error, id] of (await pipeline.exec()) ?? []) {
      if (error) throw error;
      ids.push(id as string);
    }
  }
  return ids;
}

function resume(socket: Client, afterId: StreamId): Promise<{ upTo: string } | { error: string; reload?: true }> {
  return new Promise((resolve) => socket.emit("feed:resume", { afterId }, resolve));
}

function rssMiB(pid: number): number {
  const line = readFileSync(`/proc/${pid}/status`, "utf8")
    .split("\n")
    .find((l) => l.startsWith("VmRSS:"))!;
  return Number(/(\d+)/.exec(line)![1]) / 1024;
}

describe("feed:resume limits", () => {
  it("replays at most FEED_REPLAY_MAX entries, then tells the tab to reload; a tab less far behind is replayed", async () => {
    const redisServer = await startRedisServer();
    const { redis, keys, url, cookie } = await startTestApp(redisServer.url, { replayMax: 1000 });
    const ids = await append(redis, keys.stream, 5000);
    await until(async () => (await redis.get(keys.statsCursor)) === ids.at(-1), 10_000, "the loop to read the stream");

    const far = openSocket(url, cookie);
    let received = 0;
    far.on("feed:entries", (entries) => (received += entries.length));
    await until(() => far.connected, 5000, "the tab to connect");
    expect(await resume(far, "0-0")).toEqual({
      error: expect.stringMatching(/missed more than 1,000 entries; it reloads the feed/),
      reload: true,
    });
    expect(received).toBeLessThanOrEqual(1000);

    const near = openSocket(url, cookie);
    const got: string[] = [];
    near.on("feed:entries", (entries) => got.push(...entries.map((e) => e.id)));
    await until(() => near.connected, 5000, "the second tab to connect");
    expect(await resume(near, ids[4199]!)).toEqual({ upTo: ids.at(-1) });
    expect(got).toEqual(ids.slice(4200));
    await redisServer.dispose();
  });

  it("runs one replay per tab at a time", async () => {
    const redisServer = await startRedisServer();
    const { redis, keys, url, cookie } = await startTestApp(redisServer.url);
    await append(redis, keys.stream, 3000);
    const tab = openSocket(url, cookie);
    await until(() => tab.connected, 5000, "the tab to connect");
    const [first, second] = await Promise.all([resume(tab, "0-0"), resume(tab, "0-0")]);
    expect(first).toMatchObject({ upTo: expect.any(String) });
    expect(second).toEqual({ error: "This tab is already catching up; wait for it to finish." });
    await redisServer.dispose();
  });

  it("keeps the server's memory bounded and other tabs live while a tab that never reads asks to replay 1,000,000 entries", async () => {
    const redisServer = await startRedisServer();
    const redis = createRedisClient({ mode: "single", url: redisServer.url }, { name: "test:writer" });
    await whenReady(redis, 5000);
    const stream = uniqueStream();
    const keys = streamKeys(stream);
    const last = (await append(redis, stream, 1_000_000)).at(-1);
    const app = await startChildApp({ redisUrl: redisServer.url, stream, port: 0, replayMax: 2_000_000 });
    const cookie = await signedIn(redis, keys, "ann", "seller");
    // The start-up catch-up indexes the million entries first; measure from a settled server.
    await until(async () => (await redis.get(keys.statsCursor)) === last, 90_000, "the server to index the stream");
    const before = rssMiB(app.pid);

    const live = openSocket(app.url, cookie);
    const liveIds: string[] = [];
    live.on("feed:entries", (entries) => liveIds.push(...entries.map((e) => e.id)));
    await until(() => live.connected, 5000, "the live tab to connect");
    expect(await resume(live, (await redis.xrevrange(stream, "+", "-", "COUNT", 1))[0]![0])).toMatchObject({ upTo: expect.any(String) });

    const stalled = openSocket(app.url, cookie);
    await until(() => stalled.connected, 5000, "the stalled tab to connect");
    // Stop reading from the network: the server's writes to this tab pile up until the kernel's buffers are full.
    const tcp = (stalled.io.engine.transport as unknown as { ws: { _socket: { pause(): void } } }).ws._socket;
    tcp.pause();
    stalled.emit("feed:resume", { afterId: "0-0" });
    let peak = before;
    let dropped = false;
    const watch = setInterval(() => (peak = Math.max(peak, rssMiB(app.pid))), 100);
    try {
      // While it stalls, a sale written now reaches the live tab at once.
      await new Promise((resolve) => setTimeout(resolve, 2000));
      const sale = (await redis.xadd(stream, "*", "name", "Ada", "seat", "B2", "movieId", "2", "sessionId", "2"))!;
      await until(() => liveIds.includes(sale), 2000, "a new sale to reach the live tab during the attack");
      // The server gives up on the stalled tab instead of queueing the stream for it.
      await until(async () => (dropped = (await connectedTabs(app.url)) === 1), 20_000, "the server to drop the tab that never reads");
    } finally {
      clearInterval(watch);
    }
    expect(dropped).toBe(true);
    expect(peak - before).toBeLessThan(100);
    redis.disconnect();
    await app.kill();
    await redisServer.dispose();
  }, 120_000);
});

/** Connected tabs, as `/metrics` reports them. */
async function connectedTabs(url: string): Promise<number> {
  const text = await (await fetch(`${url}/metrics`)).text();
  const line = text.split("\n").find((l) => l.startsWith("streamdesk_connected_tabs "));
  return Number(line?.split(" ")[1] ?? NaN);
}
