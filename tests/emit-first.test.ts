import { describe, expect, it, onTestFinished } from "vitest";
import type { StreamKeys } from "@/lib/keys";
import type { RedisClient } from "@/lib/redis";
import { readSalesStats } from "@/lib/stats";
import { openSocket, startTestApp } from "./support/app";
import { startRedisServer } from "@/harness/redis-server";
import { startStallProxy } from "./support/stall-proxy";
import { until } from "./support/writer";

async function ownRedis() {
  const server = await startRedisServer({ appendonly: true });
  onTestFinished(() => server.dispose());
  return server;
}

/** A live tab that notes when each entry arrived, and every `feed:marks` it is sent. */
async function liveTab(url: string, cookie: string) {
  const socket = openSocket(url, cookie);
  const arrived = new Map<string, number>();
  const doubleBookedOnArrival: string[] = [];
  const marks: string[][] = [];
  socket.on("feed:entries", (entries) => {
    const now = performance.now();
    for (const entry of entries) {
      arrived.set(entry.id, now);
      if (entry.doubleBooked) doubleBookedOnArrival.push(entry.id);
    }
  });
  socket.on("feed:marks", ({ doubleBooked }) => marks.push(doubleBooked));
  const reply = await new Promise((resolve) => socket.emit("feed:resume", { afterId: "0-0" }, resolve));
  expect(reply).toEqual({ upTo: expect.any(String) });
  return { arrived, doubleBookedOnArrival, marks };
}

/** As other programs append (redis-cli, scripts): no seat is claimed until the feed's indexer runs. */
const append = (redis: RedisClient, keys: StreamKeys, name: string, seat: string, sessionId = "1") =>
  redis.xadd(keys.stream, "*", "name", name, "seat", seat, "movieId", "7", "sessionId", sessionId) as Promise<string>;

const totalSales = async (redis: RedisClient, keys: StreamKeys) =>
  (await readSalesStats(redis, keys)).minutes.reduce((sum, bucket) => sum + bucket.sales, 0);

describe("the live path broadcasts first", () => {
  it("sends an entry that follows another at once, however long FEED_COALESCE_MS allows the loop to wait", async () => {
    const server = await ownRedis();
    const { redis, keys, url, cookie } = await startTestApp(server.url, { coalesceMs: 200 });
    const tab = await liveTab(url, cookie);
    // Each entry is written the moment the one before reached the tab: a fixed wait after every short
    // batch (200 ms here) would hold each of them back for nearly all of it.
    const latencies: number[] = [];
    for (let i = 0; i < 10; i++) {
      const sentAt = performance.now();
      const id = await append(redis, keys, `Guest ${i}`, `A${i + 1}`);
      await until(() => tab.arrived.has(id), 5000, `entry ${i} to reach the tab`);
      latencies.push(tab.arrived.get(id)! - sentAt);
    }
    latencies.sort((a, b) => a - b);
    expect(latencies[5]).toBeLessThan(50);
    expect(latencies.at(-1)).toBeLessThan(150);
  });

  it("reaches tabs while the indexer's connection is stalled; the double booking follows as feed:marks once it runs", async () => {
    const server = await ownRedis();
    const proxy = await startStallProxy(server.port);
    const { redis, keys, url, cookie } = await startTestApp(server.url, { indexRedisUrl: proxy.url });
    const tab = await liveTab(url, cookie);

    proxy.stall();
    const first = await append(redis, keys, "Ann First", "B4");
    const second = await append(redis, keys, "Bob Second", "B4");
    await until(() => tab.arrived.has(first) && tab.arrived.has(second), 5000, "both entries to reach the tab while indexing is stalled");
    // Nothing was indexed: the seat is unclaimed, the counters untouched, no mark sent.
    expect(await redis.hget(keys.seats("7", "1"), "B4")).toBeNull();
    expect(await redis.get(keys.statsCursor)).not.toBe(second);
    expect(tab.doubleBookedOnArrival).toEqual([]);
    expect(tab.marks).toEqual([]);

    proxy.resume();
    await until(() => tab.marks.length > 0, 5000, "the marks to follow");
    expect(tab.marks).toEqual([[second]]);
    expect(await redis.hget(keys.seats("7", "1"), "B4")).toBe(first);
    expect(await redis.get(keys.statsCursor)).toBe(second);
    expect(await totalSales(redis, keys)).toBe(2);
  });

  it("indexes again from where it stopped when a script's reply is lost or the script never ran: counted once, seats right, marks sent", async () => {
    const server = await ownRedis();
    const proxy = await startStallProxy(server.port);
    const { redis, keys, url, cookie } = await startTestApp(server.url, { indexRedisUrl: proxy.url });
    const tab = await liveTab(url, cookie);

    // The script runs in Redis, but its reply never reaches the indexer.
    proxy.stallReplies();
    const held = await append(redis, keys, "Cat Holder", "C1");
    const doubled = await append(redis, keys, "Dan Double", "C1");
    await until(() => tab.arrived.has(doubled), 5000, "the entries to reach the tab");
    // A script ran (a later one waits behind its reply, which never comes).
    await until(async () => (await redis.get(keys.statsCursor)) !== null, 5000, "the script to have run in Redis");
    proxy.cut();
    proxy.resume();
    await until(() => tab.marks.flat().includes(doubled), 10_000, "the mark, from the script run again");
    expect(await totalSales(redis, keys)).toBe(2);
    expect(await redis.hget(keys.seats("7", "1"), "C1")).toBe(held);

    // The script never reaches Redis: the connection is lost with it.
    proxy.stall();
    const forwarded = proxy.forwarded;
    const lone = await append(redis, keys, "Eve Lone", "C2");
    const late = await append(redis, keys, "Fay Late", "C2");
    await until(() => tab.arrived.has(late), 5000, "the entries to reach the tab");
    expect(proxy.forwarded).toBe(forwarded);
    proxy.cut();
    proxy.resume();
    await until(async () => (await redis.get(keys.statsCursor)) === late, 10_000, "the entries to be indexed after all");
    await until(() => tab.marks.flat().includes(late), 5000, "the second mark");
    expect(await totalSales(redis, keys)).toBe(4);
    expect(await redis.hget(keys.seats("7", "1"), "C2")).toBe(lone);
    expect(tab.doubleBookedOnArrival).toEqual([]);
  });

  it("still marks double bookings in what is read back over HTTP and replayed", async () => {
    const server = await ownRedis();
    const { redis, keys, url, cookie } = await startTestApp(server.url);
    const tab = await liveTab(url, cookie);
    await append(redis, keys, "Gus Holder", "D9");
    const doubled = await append(redis, keys, "Hal Double", "D9");
    await until(() => tab.marks.flat().includes(doubled), 5000, "the mark");
    // A tab that starts from the beginning replays both, the second marked in the replay itself.
    const late = await liveTab(url, cookie);
    await until(() => late.arrived.has(doubled), 5000, "the replay");
    expect(late.doubleBookedOnArrival).toEqual([doubled]);
  });
});
