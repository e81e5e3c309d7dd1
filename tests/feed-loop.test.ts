import { afterEach, describe, expect, it, onTestFinished } from "vitest";
import { streamKeys } from "@/lib/keys";
import { createRedisClient, whenReady } from "@/lib/redis";
import { coalesceWait, FeedLoop } from "@/server/feed/loop";
import { uniqueStream } from "./support/context";
import { startRedisServer, type RedisServer } from "@/harness/redis-server";
import { startWriter, until } from "./support/writer";
import { AWKWARD } from "./support/awkward-entries";
import { toEntries, type RawEntry, type TicketEntry } from "@/lib/entries";

let server: RedisServer | undefined;
afterEach(async () => {
  await server?.dispose();
  server = undefined;
});

async function setup(blockMs = 500, coalesceMs = 5) {
  server = await startRedisServer({ appendonly: true });
  const target = { mode: "single" as const, url: server.url };
  const redis = createRedisClient(target, { name: "test:writer" });
  const feedRedis = createRedisClient(target, { name: "test:feed", blocking: true });
  const indexRedis = createRedisClient(target, { name: "test:index" });
  onTestFinished(() => indexRedis.disconnect());
  await whenReady(redis, 5000);
  const keys = streamKeys(uniqueStream());
  const loop = new FeedLoop({ redis: feedRedis, indexRedis, keys, batch: 200, blockMs, coalesceMs });
  const delivered: string[] = [];
  const batchSizes: number[] = [];
  loop.on("batch", (entries) => {
    batchSizes.push(entries.length);
    for (const entry of entries) delivered.push(entry.id);
  });
  return { redis, keys, loop, delivered, batchSizes };
}

describe("FeedLoop", () => {
  it("starts at the end of the stream and delivers each new entry once, in batches", async () => {
    const { redis, keys, loop, delivered, batchSizes } = await setup();
    await redis.xadd(keys.stream, "*", "name", "before start");
    loop.start();
    await until(() => loop.lastId !== undefined, 5000, "the loop to reach Redis");
    const ids: string[] = [];
    const pipeline = redis.pipeline();
    for (let i = 0; i < 500; i++) pipeline.xadd(keys.stream, "*", "name", `n${i}`);
    for (const [, id] of (await pipeline.exec()) ?? []) ids.push(id as string);
    await until(() => delivered.length >= 500, 5000, "500 entries");
    expect(delivered).toEqual(ids);
    expect(batchSizes.length).toBeLessThan(500);
    await loop.stop();
    redis.disconnect();
  });

  it("sends a steady trickle in a few broadcasts while broadcasting is costly, and still every entry", async () => {
    const { redis, keys, loop, delivered, batchSizes } = await setup(500, 25);
    // Stands in for a broadcast to many tabs: 5 ms of work per batch, whatever its size.
    loop.on("batch", () => {
      const until = performance.now() + 5;
      while (performance.now() < until);
    });
    loop.start();
    await until(() => loop.lastId !== undefined, 5000, "the loop to reach Redis");
    const ids: string[] = [];
    for (let i = 0; i < 200; i++) {
      ids.push((await redis.xadd(keys.stream, "*", "name", `trickle ${i}`))!);
      await new Promise((resolve) => setTimeout(resolve, 1));
    }
    await until(() => delivered.length >= 200, 5000, "the trickle");
    expect(delivered).toEqual(ids);
    // About one entry a millisecond, and a wait of three times the broadcast's cost after each batch.
    expect(batchSizes.length).toBeLessThan(100);

    await loop.stop();
    redis.disconnect();
  });

  it("sends a lone entry the moment it is read, not when the coalescing window after the last batch ends", async () => {
    // The longest window FEED_COALESCE_MS allows, so waiting for it cannot hide in the noise of busy cores.
    const capMs = 1000;
    const gapMs = 200;
    const { redis, keys, loop, delivered, batchSizes } = await setup(5000, capMs);
    const deliveredAt = new Map<string, number>();
    loop.on("batch", (entries) => {
      for (const entry of entries) deliveredAt.set(entry.id, performance.now());
      // A costly broadcast, as to many tabs: the loop may wait three times this after a batch, not the cap.
      const until = performance.now() + 5;
      while (performance.now() < until);
    });
    loop.start();
    await until(() => loop.lastId !== undefined, 5000, "the loop to reach Redis");
    const latencies: number[] = [];
    for (const name of ["first", "second", "third"]) {
      const sentAt = performance.now();
      const id = (await redis.xadd(keys.stream, "*", "name", name))!;
      await until(() => deliveredAt.has(id), 5000, `the ${name} entry`);
      latencies.push(deliveredAt.get(id)! - sentAt);
      // Each next entry comes well inside the window that a fixed wait of capMs after this batch would make.
      await new Promise((resolve) => setTimeout(resolve, gapMs));
    }
    expect(batchSizes).toEqual([1, 1, 1]);
    expect(delivered).toHaveLength(3);
    // Held for the rest of a window, an entry would arrive about capMs - gapMs late.
    for (const latency of latencies) expect(latency).toBeLessThan((capMs - gapMs) / 2);
    await loop.stop();
    redis.disconnect();
  });

  it("hands out a burst's entries exactly as XRANGE reads them: quotes, control characters, any script, invalid UTF-8", async () => {
    const { redis, keys, loop } = await setup();
    const received: TicketEntry[] = [];
    loop.on("batch", (entries) => received.push(...entries));
    loop.start();
    await until(() => loop.lastId !== undefined, 5000, "the loop to reach Redis");
    // 1,000 entries in one pipeline: the loop's batch is 200, so after the first XREAD it reads on while the
    // stream is busy, the way a burst is read.
    const pipeline = redis.pipeline();
    for (let i = 0; i < AWKWARD.length * 100; i++) pipeline.xadd(keys.stream, "*", ...AWKWARD[i % AWKWARD.length]!, "n", String(i));
    await pipeline.exec();
    await until(() => received.length >= AWKWARD.length * 100, 10_000, "the burst");
    expect(received).toEqual(toEntries((await redis.xrange(keys.stream, "-", "+")) as RawEntry[]));
    await loop.stop();
    redis.disconnect();
  });

  it("resumes after Redis is killed mid-burst and restarted, with no gap and no duplicate", async () => {
    const { redis, keys, loop, delivered } = await setup();
    const statuses: string[] = [];
    loop.on("status", (status) => statuses.push(status.redis));
    loop.start();
    await until(() => loop.lastId !== undefined, 5000, "the loop to reach Redis");
    const writer = startWriter(redis, keys.stream);
    await until(() => delivered.length > 300, 10_000, "entries before the kill");
    await server!.kill();
    await new Promise((resolve) => setTimeout(resolve, 300));
    await server!.start();
    const afterRestart = writer.written;
    await until(() => writer.written > afterRestart + 300, 15_000, "writes after the restart");
    await writer.stop();

    const all = ((await redis.xrange(keys.stream, "-", "+")) as [string, string[]][]).map(([id]) => id);
    await until(() => delivered.length >= all.length, 15_000, "the loop to catch up");
    expect(delivered).toEqual(all);
    expect(new Set(delivered).size).toBe(delivered.length);
    expect(statuses).toContain("down");
    expect(statuses.at(-1)).toBe("up");
    await loop.stop();
    redis.disconnect();
  });

  it("stops while blocked in XREAD without waiting for the block to time out", async () => {
    const { redis, loop } = await setup(20_000);
    loop.start();
    await until(() => loop.lastId !== undefined, 5000, "the loop to reach Redis");
    const started = Date.now();
    await loop.stop();
    expect(Date.now() - started).toBeLessThan(5000);
    redis.disconnect();
  });

  it("waits between reads only while batches follow each other closely, longer the more a broadcast costs, never beyond the cap", () => {
    // A batch that had to be waited for as long as the cap: the stream was quiet.
    expect(coalesceWait(1, 1000, 5, 10, 5)).toBe(0);
    // A full batch: the loop is behind.
    expect(coalesceWait(1000, 1000, 0.1, 10, 5)).toBe(0);
    // FEED_COALESCE_MS=0 never waits.
    expect(coalesceWait(3, 1000, 0.1, 10, 0)).toBe(0);
    // Close together: a wait that grows with the broadcast's cost, up to the cap.
    expect(coalesceWait(3, 1000, 0.1, 0.02, 5)).toBeCloseTo(0.06);
    expect(coalesceWait(3, 1000, 0.1, 1, 5)).toBe(3);
    expect(coalesceWait(3, 1000, 0.1, 4, 5)).toBe(5);
  });
});
