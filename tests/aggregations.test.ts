import { describe, expect, inject, it } from "vitest";
import * as screeningsRoute from "@/app/api/screenings/route";
import * as statsRoute from "@/app/api/stats/sales/route";
import type { StreamKeys } from "@/lib/keys";
import { createRedisClient, whenReady, type RedisClient } from "@/lib/redis";
import { refundTicket } from "@/lib/refunds";
import { listScreenings } from "@/lib/screenings";
import { readSalesStats, type SalesBucket } from "@/lib/stats";
import { indexEntries } from "@/lib/indexer";
import { lastEntryId, sellTicket } from "@/lib/tickets";
import { toEntries, type RawEntry } from "@/lib/entries";
import { FeedLoop } from "@/server/feed/loop";
import { redisFixture } from "./support/context";
import { request, signedIn, withContext } from "./support/session";
import { until } from "./support/writer";

const none = { params: Promise.resolve({}) };

/** A feed loop as one app instance runs it, on its own connection; stopped when the test ends. */
async function startInstance(keys: StreamKeys, stops: (() => Promise<void>)[]) {
  const feedRedis = createRedisClient({ mode: "single", url: inject("redisUrl") }, { name: "test:feed", blocking: true });
  const indexRedis = createRedisClient({ mode: "single", url: inject("redisUrl") }, { name: "test:index" });
  await Promise.all([whenReady(feedRedis, 5000), whenReady(indexRedis, 5000)]);
  const loop = new FeedLoop({ redis: feedRedis, indexRedis, keys, batch: 50, blockMs: 200 });
  const stop = async () => {
    await loop.stop();
    indexRedis.disconnect();
  };
  stops.push(stop);
  loop.start();
  await until(() => loop.lastId !== undefined, 5000, "the loop to start");
  return { loop, stop };
}

async function countedUpTo(redis: RedisClient, keys: StreamKeys, id: string) {
  await until(async () => (await redis.get(keys.statsCursor)) === id, 10_000, `the counters to reach ${id}`);
}

const total = (buckets: SalesBucket[]) =>
  buckets.reduce((sum, b) => ({ sales: sum.sales + b.sales, refunds: sum.refunds + b.refunds }), { sales: 0, refunds: 0 });

/** Appends sales the way redis-cli would: name, seat, movieId, sessionId, no script. */
async function appendRaw(redis: RedisClient, stream: string, n: number, session: number, offset = 0) {
  const pipeline = redis.pipeline();
  for (let i = 0; i < n; i++)
    pipeline.xadd(stream, "*", "name", `Guest ${i}`, "seat", `C${i + 1 + offset}`, "movieId", "7", "sessionId", String(session));
  await pipeline.exec();
}

describe("screenings", () => {
  it("lists every screening sold through the app or appended by other programs, numerically, with seats held", async () => {
    const { redis, keys } = await redisFixture();
    withContext(redis, keys);
    const cookie = await signedIn(redis, keys, "ann", "seller");
    await sellTicket(redis, keys, { name: "A", seat: "A1", movieId: 10, sessionId: 2 });
    await sellTicket(redis, keys, { name: "B", seat: "A2", movieId: 10, sessionId: 2 });
    const refunded = await sellTicket(redis, keys, { name: "C", seat: "A3", movieId: 10, sessionId: 2 });
    await sellTicket(redis, keys, { name: "D", seat: "A1", movieId: 9, sessionId: 100 });
    await sellTicket(redis, keys, { name: "E", seat: "A1", movieId: 10, sessionId: 10 });
    await refundTicket(redis, keys, "sam", refunded);
    // A redis-cli sale is listed once the feed indexer has seen it.
    const stops: (() => Promise<void>)[] = [];
    try {
      await startInstance(keys, stops);
      await redis.xadd(keys.stream, "*", "name", "F", "seat", "B4", "movieId", "53", "sessionId", "832");
      await until(async () => (await redis.sismember(keys.screenings, "53:832")) === 1, 5000, "the indexer");
    } finally {
      for (const stop of stops) await stop();
    }
    const response = await screeningsRoute.GET(request("/api/screenings", { cookie }), none);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({
      screenings: [
        { movieId: "9", sessionId: "100", sold: 1, capacity: 200 },
        { movieId: "10", sessionId: "2", sold: 2, capacity: 200 },
        { movieId: "10", sessionId: "10", sold: 1, capacity: 200 },
        { movieId: "53", sessionId: "832", sold: 1, capacity: 200 },
      ],
    });
  });

  it("indexes one batch that names 9,000 screenings (FEED_BATCH may be 10,000)", async () => {
    const { redis, keys } = await redisFixture();
    const pipeline = redis.pipeline();
    for (let i = 0; i < 9000; i++) pipeline.xadd(keys.stream, "*", "name", "x", "seat", "A1", "movieId", "1", "sessionId", String(i + 1));
    await pipeline.exec();
    await indexEntries(redis, keys, toEntries((await redis.xrange(keys.stream, "-", "+")) as RawEntry[]));
    expect(await redis.scard(keys.screenings)).toBe(9000);
  });

  it("answers an empty list for a stream with no sales", async () => {
    const { redis, keys } = await redisFixture();
    expect(await listScreenings(redis, keys, () => 200)).toEqual([]);
  });
});

describe("sales per minute and per hour", () => {
  it("counts sales and refunds from every writer once the feed loop has read them", async () => {
    const { redis, keys } = await redisFixture();
    withContext(redis, keys);
    const cookie = await signedIn(redis, keys, "ann", "seller");
    const stops: (() => Promise<void>)[] = [];
    try {
      await startInstance(keys, stops);
      const first = await sellTicket(redis, keys, { name: "A", seat: "A1", movieId: 1, sessionId: 1 });
      await sellTicket(redis, keys, { name: "B", seat: "A2", movieId: 1, sessionId: 1 });
      await appendRaw(redis, keys.stream, 5, 3);
      await redis.xadd(keys.stream, "*", "hello", "world");
      await refundTicket(redis, keys, "sam", first);
      await countedUpTo(redis, keys, await lastEntryId(redis, keys));
    } finally {
      for (const stop of stops) await stop();
    }
    const response = await statsRoute.GET(request("/api/stats/sales", { cookie }), none);
    expect(response.status).toBe(200);
    const stats = (await response.json()) as Awaited<ReturnType<typeof readSalesStats>>;
    expect(stats.minutes).toHaveLength(60);
    expect(stats.hours).toHaveLength(24);
    expect(stats.minutes[1]!.start - stats.minutes[0]!.start).toBe(60_000);
    expect(stats.hours[1]!.start - stats.hours[0]!.start).toBe(3_600_000);
    expect(total(stats.minutes)).toEqual({ sales: 7, refunds: 1 });
    expect(total(stats.hours)).toEqual({ sales: 7, refunds: 1 });
    expect(stats.countedUpTo).toBe(await lastEntryId(redis, keys));
  });

  it("buckets by the time in the entry id, and skips minutes already past their two hours", async () => {
    const { redis, keys } = await redisFixture();
    const minute = 60_000;
    const hour = 60 * minute;
    // Times fixed relative to the current hour's start, so no run lands on an hour or minute boundary, and
    // all in the past: the indexer judges expiry on Redis's clock, which has moved on since. Taken a minute
    // ahead, so an hour that begins while the test runs changes nothing.
    const thisHour = Math.floor((Date.now() + minute) / hour) * hour;
    const at = {
      // Its minute counters expired an hour ago (kept for two hours after their hour ended).
      expired: thisHour - 4 * hour + 30 * minute + 15_000,
      // Older than the last 60 minutes, but its minute counters are kept until the end of this hour.
      kept: thisHour - 2 * hour + 10 * minute + 15_000,
      late: thisHour - 30 * minute - 15_000,
    };
    for (const [i, [name, ms]] of Object.entries(at).entries()) {
      await redis.xadd(keys.stream, `${ms}-0`, "name", name, "seat", "A1", "movieId", "1", "sessionId", String(i + 1));
    }
    const stops: (() => Promise<void>)[] = [];
    try {
      await startInstance(keys, stops);
      await countedUpTo(redis, keys, `${at.late}-0`);
    } finally {
      for (const stop of stops) await stop();
    }
    const bucketOf = (buckets: SalesBucket[], ms: number, size: number) => buckets.find((b) => b.start <= ms && ms < b.start + size);
    // Seen from a minute after each sale, so the 60-minute window would show its minute if it was counted.
    const whenExpired = await readSalesStats(redis, keys, at.expired + minute);
    expect(total(whenExpired.minutes)).toEqual({ sales: 0, refunds: 0 });
    expect(bucketOf(whenExpired.hours, at.expired, hour)).toMatchObject({ sales: 1 });
    const whenKept = await readSalesStats(redis, keys, at.kept + minute);
    expect(bucketOf(whenKept.minutes, at.kept, minute)).toMatchObject({ sales: 1 });
    expect(total(whenKept.minutes)).toEqual({ sales: 1, refunds: 0 });
    const whenLate = await readSalesStats(redis, keys, at.late + 1000);
    expect(whenLate.minutes.at(-1)).toMatchObject({ start: Math.floor(at.late / minute) * minute, sales: 1 });
    expect(total(whenLate.minutes)).toEqual({ sales: 1, refunds: 0 });
    expect(whenLate.hours.at(-1)).toMatchObject({ start: thisHour - hour, sales: 1 });
    expect(total(whenLate.hours)).toEqual({ sales: 3, refunds: 0 });
  });
});

describe("after a restart", () => {
  it("counts, seats and lists what was appended while no instance ran, once, even with two instances starting together", async () => {
    const { redis, keys } = await redisFixture();
    const stops: (() => Promise<void>)[] = [];
    try {
      // Sales before any instance ever ran: the first start indexes the whole stream.
      await appendRaw(redis, keys.stream, 30, 1);
      const first = await startInstance(keys, stops);
      await countedUpTo(redis, keys, await lastEntryId(redis, keys));
      await appendRaw(redis, keys.stream, 20, 2);
      await countedUpTo(redis, keys, await lastEntryId(redis, keys));
      await first.stop();

      // Written while nothing runs: no cursor moves, no seat is recorded.
      const cursorBefore = await redis.get(keys.statsCursor);
      await appendRaw(redis, keys.stream, 120, 3);
      await redis.xadd(keys.stream, "*", "name", "Dup", "seat", "C1", "movieId", "7", "sessionId", "3");
      expect(await redis.get(keys.statsCursor)).toBe(cursorBefore);
      expect(await redis.sismember(keys.screenings, "7:3")).toBe(0);

      // Two instances start at once and both catch up, then both index the same live batches.
      await Promise.all([startInstance(keys, stops), startInstance(keys, stops)]);
      await appendRaw(redis, keys.stream, 40, 4);
      await countedUpTo(redis, keys, await lastEntryId(redis, keys));
    } finally {
      for (const stop of stops) await stop();
    }
    const stats = await readSalesStats(redis, keys);
    expect(total(stats.minutes)).toEqual({ sales: 30 + 20 + 121 + 40, refunds: 0 });
    expect(total(stats.hours)).toEqual({ sales: 211, refunds: 0 });
    expect(await listScreenings(redis, keys, () => 200)).toEqual(
      [1, 2, 3, 4].map((session) => ({
        movieId: "7",
        sessionId: String(session),
        sold: session === 1 ? 30 : session === 2 ? 20 : session === 3 ? 120 : 40,
        capacity: 200,
      })),
    );
    // The seat written while down went to the first entry; the duplicate did not take it.
    const holder = await redis.hget(keys.seats("7", "3"), "C1");
    const [firstOfSession3] = ((await redis.xrange(keys.stream, "-", "+")) as [string, string[]][]).filter(([, f]) => f[7] === "3");
    expect(holder).toBe(firstOfSession3![0]);
  });
});
