import { describe, expect, it, onTestFinished } from "vitest";
import type { Redis } from "ioredis";
import { whenReady, type RedisClient } from "@/lib/redis";
import { compareIds } from "@/lib/stream-id";
import type { TicketEntry } from "@/lib/entries";
import { FeedRing } from "@/server/feed/ring";
import { startTestApp } from "./support/app";
import { uniqueStream } from "./support/context";
import { startRedisServer } from "@/harness/redis-server";
import { signedIn } from "./support/session";
import { openTab, streamIds } from "./support/tab";
import { startWriter, until } from "./support/writer";

/**
 * Counts the XRANGE commands clients send this Redis from now on: the catch-up reads the ring should spare
 * it. The ones Lua scripts run are left out: the feed loop reads a busy stream through a script
 * (RANGE_JSON), which is live reading, not catch-up. `count()` first sends an ECHO of its own and waits for
 * MONITOR to report it, so every command Redis ran before it has been counted.
 */
async function countClientXranges(redis: Redis): Promise<{ count: () => Promise<number> }> {
  // What `redis.monitor()` does, with the listeners in place first: while other clients keep Redis busy,
  // ioredis can read monitor lines that share a packet with MONITOR's OK before it has switched the
  // connection to monitoring, and reports each as a "Command queue state error". Those lines come before
  // the count starts, so they are let go.
  const monitor = redis.duplicate({ monitor: true, lazyConnect: true });
  onTestFinished(() => monitor.disconnect());
  let count = 0;
  const echoed = new Set<string>();
  monitor.on("error", (error: Error) => {
    if (!error.message.startsWith("Command queue state error")) throw error;
  });
  monitor.on("monitor", (_time: string, args: string[], source: string) => {
    const command = args[0]?.toLowerCase();
    if (command === "echo") echoed.add(args[1]!);
    else if (command === "xrange" && source !== "lua") count++;
  });
  // Not `events.once` nor connect()'s promise: both would reject on the error let go above.
  const monitoring = new Promise((resolve) => monitor.once("monitoring", resolve));
  monitor.connect().catch(() => {});
  await monitoring;
  return {
    count: async () => {
      const marker = `counted-${Math.random()}`;
      await redis.echo(marker);
      await until(() => echoed.has(marker), 5000, "MONITOR to report the ECHO");
      return count;
    },
  };
}

/** Appends `count` entries in one round trip; returns their ids, oldest first. */
async function append(redis: RedisClient, stream: string, count: number, label = "Guest"): Promise<string[]> {
  const pipeline = redis.pipeline();
  for (let i = 0; i < count; i++)
    pipeline.xadd(stream, "*", "name", `${label} ${i}`, "seat", `A${(i % 20) + 1}`, "movieId", "1", "sessionId", String(i));
  return ((await pipeline.exec()) ?? []).map(([error, id]) => {
    if (error) throw error;
    return id as string;
  });
}

const FAST_RECONNECT = { reconnectionDelay: 50, reconnectionDelayMax: 200 };

describe("feed:resume from the in-memory ring", () => {
  it("serves a reconnect storm of 40 tabs without a single XRANGE, each tab ending equal to the stream", async () => {
    const redisServer = await startRedisServer();
    onTestFinished(() => redisServer.dispose());
    const stream = uniqueStream();
    const { app, redis, url, cookie } = await startTestApp(redisServer.url, { stream, replayMax: 100_000 });
    const earlier = await append(redis, stream, 50, "Earlier");
    await until(() => app.loop.lastId === earlier.at(-1), 5000, "the loop to read the first entries");
    // The tabs opened after these, and never ask for them.
    const from = earlier.at(-1)!;
    // Slow to come back, so that every tab surely misses entries while it is away.
    const tabs = Array.from({ length: 40 }, () =>
      openTab(url, cookie, from, { reconnectionDelay: 600, reconnectionDelayMax: 800, randomizationFactor: 0.2 }),
    );
    await until(() => tabs.every((tab) => tab.resumed === 1), 15_000, "every tab to go live");
    const writer = startWriter(redis, stream, { perTick: 10 });
    await until(() => writer.written > 300, 10_000, "live entries");

    const xranges = await countClientXranges(redis as Redis);
    // Every connection drops at once, as when a load balancer moves them or a network blips.
    for (const socket of app.io.sockets.sockets.values()) socket.conn.close();
    await until(() => tabs.every((tab) => !tab.socket.connected), 5000, "every tab to notice");
    const missedFrom = tabs.map((tab) => tab.ids.length);
    const missed = await append(redis, stream, 300, "Missed");
    await until(
      () => app.loop.lastId !== undefined && compareIds(app.loop.lastId, missed.at(-1)!) >= 0,
      5000,
      "the loop to read what the tabs miss",
    );
    await until(() => tabs.every((tab) => tab.resumed === 2), 20_000, "every tab to resume");
    await writer.stop();
    const last = (await redis.xrevrange(stream, "+", "-", "COUNT", 1))[0]![0];
    await until(() => tabs.every((tab) => tab.ids.at(-1) === last), 10_000, "every tab to hold the newest entry");

    expect(await xranges.count()).toBe(0);
    const expected = (await streamIds(redis, stream)).slice(earlier.length);
    for (const [i, tab] of tabs.entries()) {
      expect(tab.ids).toEqual(expected);
      // It really was replayed: it was away while the 300 were written.
      expect(tab.ids.indexOf(missed[0]!)).toBeGreaterThanOrEqual(missedFrom[i]!);
    }
  });

  it("falls back to XRANGE for a tab further behind than the ring, and back to memory once it has caught up", async () => {
    const redisServer = await startRedisServer();
    onTestFinished(() => redisServer.dispose());
    const { app, redis, url, cookie, keys } = await startTestApp(redisServer.url, { ringEntries: 100, replayMax: 100_000 });
    const ids = await append(redis, keys.stream, 500);
    await until(() => app.loop.lastId === ids.at(-1), 5000, "the loop to read them");
    expect(app.loop.recent.size).toBe(100);
    expect(app.loop.recent.from).toBe(ids[399]);

    const xranges = await countClientXranges(redis as Redis);
    const behind = openTab(url, cookie, ids[9]!, FAST_RECONNECT);
    await until(() => behind.resumed === 1, 10_000, "the tab far behind to catch up");
    expect(behind.ids).toEqual(ids.slice(10));
    expect(await xranges.count()).toBeGreaterThan(0);

    // At the ring's very edge, and inside it: memory alone.
    const edge = await xranges.count();
    const atEdge = openTab(url, cookie, ids[399]!, FAST_RECONNECT);
    const inside = openTab(url, cookie, ids[450]!, FAST_RECONNECT);
    await until(() => atEdge.resumed === 1 && inside.resumed === 1, 10_000, "the recent tabs to catch up");
    expect(atEdge.ids).toEqual(ids.slice(400));
    expect(inside.ids).toEqual(ids.slice(451));
    expect(await xranges.count()).toBe(edge);
  });

  it("vouches for nothing read before a Redis restart that lost data: a tab from before it gets what Redis holds now", async () => {
    // No append-only file: the restart comes back with an empty stream, as after a failover to a replica
    // that had not yet received the last writes.
    const redisServer = await startRedisServer();
    onTestFinished(() => redisServer.dispose());
    const { app, redis, url, keys } = await startTestApp(redisServer.url, { replayMax: 100_000 });
    const lost = await append(redis, keys.stream, 200, "Lost");
    await until(() => app.loop.lastId === lost.at(-1), 5000, "the loop to read them");
    expect(app.loop.recent.size).toBe(200);

    await redisServer.kill();
    await until(() => app.loop.status.redis === "down", 10_000, "the loop to see Redis go");
    expect(app.loop.recent.size).toBe(0);
    await redisServer.start();
    await until(() => app.loop.status.redis === "up", 15_000, "the loop to see Redis back");
    // The loop's connection may be back before the test's own, which queues nothing while it is away.
    await whenReady(redis, 10_000);
    const kept = await append(redis, keys.stream, 100, "Kept");
    await until(() => app.loop.lastId === kept.at(-1), 5000, "the loop to read what came after");
    expect(app.loop.recent.from).toBe(lost.at(-1));

    // The restart lost the staff account and its session too.
    const cookie = await signedIn(redis, keys, "ann", "seller");
    const xranges = await countClientXranges(redis as Redis);
    const fromBefore = openTab(url, cookie, lost[9]!, FAST_RECONNECT);
    await until(() => fromBefore.resumed === 1, 10_000, "the tab from before the restart to catch up");
    expect(fromBefore.ids).toEqual(await streamIds(redis, keys.stream));
    expect(fromBefore.ids).toEqual(kept);
    expect(await xranges.count()).toBeGreaterThan(0);

    // What was read after the restart is served from memory again.
    const after = await xranges.count();
    const recent = openTab(url, cookie, kept[49]!, FAST_RECONNECT);
    await until(() => recent.resumed === 1, 10_000, "the recent tab to catch up");
    expect(recent.ids).toEqual(kept.slice(50));
    expect(await xranges.count()).toBe(after);
  });
});

describe("FeedRing", () => {
  const entry = (ms: number, seq = 0): TicketEntry => ({ id: `${ms}-${seq}`, fields: { name: `Guest ${ms}` } });
  const ids = (entries: TicketEntry[] | undefined) => entries?.map((e) => e.id);

  it("keeps the newest entries up to its capacity and vouches only from the last one it dropped", () => {
    const ring = new FeedRing(3);
    ring.reset("5-0");
    expect(ring.after("5-0", 10)).toEqual([]);
    expect(ring.after("4-0", 10)).toBeUndefined();
    ring.append("5-0", [entry(10), entry(11)]);
    ring.append("11-0", [entry(12), entry(13)]);
    expect(ring.from).toBe("10-0");
    expect(ids(ring.after("10-0", 10))).toEqual(["11-0", "12-0", "13-0"]);
    // An id between two entries, and a page shorter than what is held.
    expect(ids(ring.after("11-5", 10))).toEqual(["12-0", "13-0"]);
    expect(ids(ring.after("10-0", 2))).toEqual(["11-0", "12-0"]);
    expect(ring.after("9-0", 10)).toBeUndefined();
    expect(ring.after("13-0", 10)).toEqual([]);
  });

  it("starts over when a batch does not follow on from where it ends, instead of claiming the hole", () => {
    const ring = new FeedRing(10);
    ring.reset("1-0");
    ring.append("1-0", [entry(2), entry(3)]);
    ring.append("7-0", [entry(8)]);
    expect(ring.from).toBe("7-0");
    expect(ring.after("3-0", 10)).toBeUndefined();
    expect(ids(ring.after("7-0", 10))).toEqual(["8-0"]);
  });

  it("vouches for nothing with no capacity or before its first reset, and carries double-booking marks", () => {
    const off = new FeedRing(0);
    off.reset("1-0");
    off.append("1-0", [entry(2)]);
    expect(off.after("1-0", 10)).toBeUndefined();
    expect(new FeedRing(5).after("0-0", 10)).toBeUndefined();

    const ring = new FeedRing(5);
    ring.reset("0-0");
    const sold = [entry(1), entry(2), entry(3)];
    ring.append("0-0", sold);
    ring.markDoubleBooked(["2-0", "9-0"]);
    expect(ring.after("0-0", 10)!.map((e) => e.doubleBooked ?? false)).toEqual([false, true, false]);
    // The broadcast object itself is left alone.
    expect(sold[1]!.doubleBooked).toBeUndefined();
  });
});
