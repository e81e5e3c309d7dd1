import { afterEach, describe, expect, it } from "vitest";
import { streamKeys } from "@/lib/keys";
import { createRedisClient, whenReady } from "@/lib/redis";
import { readSalesStats } from "@/lib/stats";
import { FeedLoop } from "@/server/feed/loop";
import { uniqueStream } from "./support/context";
import { startRedisServer, type RedisServer } from "@/harness/redis-server";
import { until } from "./support/writer";

let server: RedisServer | undefined;
afterEach(async () => {
  await server?.dispose();
  server = undefined;
});

describe("the feed loop's start-up catch-up", () => {
  it("counts every entry once when Redis is killed in the middle of it, and emits none of them", async () => {
    server = await startRedisServer({ appendonly: true });
    const target = { mode: "single" as const, url: server.url };
    const redis = createRedisClient(target, { name: "test:writer" });
    const feedRedis = createRedisClient(target, { name: "test:feed", blocking: true });
    const indexRedis = createRedisClient(target, { name: "test:index" });
    await whenReady(redis, 5000);
    const keys = streamKeys(uniqueStream());
    const n = 20_000;
    for (let start = 0; start < n; start += 5000) {
      const pipeline = redis.pipeline();
      for (let i = start; i < start + 5000; i++)
        pipeline.xadd(keys.stream, "*", "name", `Guest ${i}`, "seat", `A${(i % 20) + 1}`, "movieId", "1", "sessionId", String(i + 1));
      await pipeline.exec();
    }
    // Pages of 1,000 (the loop's minimum), so the catch-up takes many steps.
    const caughtUp: number[] = [];
    const loop = new FeedLoop({
      redis: feedRedis,
      indexRedis,
      keys,
      batch: 100,
      blockMs: 200,
      onCaughtUp: (count) => caughtUp.push(count),
    });
    const emitted: string[] = [];
    loop.on("batch", (entries) => emitted.push(...entries.map((entry) => entry.id)));
    loop.start();
    // Killed once the first page is counted, with the rest still to go.
    await until(async () => (await redis.exists(keys.statsCursor)) === 1, 10_000, "the catch-up to begin");
    await server.kill();
    await new Promise((resolve) => setTimeout(resolve, 200));
    await server.start();
    await until(() => caughtUp.length > 0, 30_000, "the catch-up to finish");
    const live = (await redis.xadd(keys.stream, "*", "name", "Live", "seat", "B1", "movieId", "2", "sessionId", "1"))!;
    await until(() => emitted.includes(live), 10_000, "the live entry");
    await until(async () => (await redis.get(keys.statsCursor)) === live, 10_000, "the live entry to be counted");
    await loop.stop();

    const stats = await readSalesStats(redis, keys);
    const total = stats.minutes.reduce((sum, bucket) => sum + bucket.sales, 0);
    expect(total).toBe(n + 1);
    expect(emitted).toEqual([live]);
    // The catch-up that finished began after the first pages, from the stored cursor.
    expect(caughtUp).toHaveLength(1);
    expect(caughtUp[0]).toBeLessThan(n);
    expect(await redis.hlen(keys.seats("1", "7"))).toBe(1);
    expect(await redis.scard(keys.screenings)).toBe(n + 1);
    redis.disconnect();
    indexRedis.disconnect();
  }, 60_000);
});
