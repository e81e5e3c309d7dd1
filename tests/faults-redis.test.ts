import { describe, expect, it, onTestFinished, vi } from "vitest";
import * as health from "@/app/api/health/route";
import * as tickets from "@/app/api/tickets/route";
import { listGroups, type GroupInfo } from "@/lib/groups";
import { streamKeys, type StreamKeys } from "@/lib/keys";
import { createRedisClient, type RedisClient } from "@/lib/redis";
import { seatOf } from "@/lib/entries";
import { FeedLoop } from "@/server/feed/loop";
import { backoff } from "@/server/sleep";
import { startTestApp } from "./support/app";
import { uniqueStream } from "./support/context";
import { startFaultyRedis } from "./support/faulty-redis";
import { request, withContext } from "./support/session";
import { compareFeed, openTab, streamIds } from "./support/tab";
import { startWriter, until } from "./support/writer";

const none = { params: Promise.resolve({}) };
const BURST = 5000;
/** The failure from which backoff() is at its cap: 100 ms doubled six times is past 5 s. */
const CAPPED_AFTER = 6;

/** What a person sees of a group: everything but idle times, which tick on their own. */
function visible(groups: GroupInfo[]) {
  return groups.map(({ name, pending, lag, entriesRead, lastDeliveredId, consumers }) => ({
    name,
    pending,
    lag,
    entriesRead,
    lastDeliveredId,
    consumers: consumers.map(({ name: consumer, pending: owned }) => ({ consumer, owned })),
  }));
}

/**
 * Sellers at the desk, `loops` of them each with one sale in flight, every sale for a seat nobody else
 * sells. Remembers every answer, and which sales were in flight at any moment (see `inFlight`).
 */
function startSelling(cookie: string, loops: number) {
  const sold = new Map<string, string>();
  const refused: { name: string; status: number; error: string }[] = [];
  const inFlight = new Set<string>();
  let n = 0;
  let stopped = false;
  const loop = async () => {
    while (!stopped) {
      const i = n++;
      const sale = { name: `Desk ${i}`, seat: `B${(i % 20) + 1}`, movieId: 53, sessionId: Math.floor(i / 20) + 1 };
      inFlight.add(sale.name);
      const response = await tickets.POST(request("/api/tickets", { body: sale, cookie }), none);
      const body = (await response.json()) as { id?: string; error?: string };
      inFlight.delete(sale.name);
      if (response.status === 201) sold.set(sale.name, body.id!);
      else refused.push({ name: sale.name, status: response.status, error: body.error ?? "" });
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
  };
  const done = Promise.all(Array.from({ length: loops }, loop));
  return {
    sold,
    refused,
    inFlight,
    async stop() {
      stopped = true;
      await done;
    },
  };
}

/**
 * Nothing half-written: every seat recorded names an entry of the stream claiming that very seat, and
 * every entry of the stream that claims a seat holds it (every entry of this test claims a distinct one).
 */
async function checkSeats(redis: RedisClient, keys: StreamKeys) {
  const entries = (await redis.xrange(keys.stream, "-", "+")) as [string, string[]][];
  const byId = new Map(entries.map(([id, flat]) => [id, Object.fromEntries(flat.flatMap((v, i) => (i % 2 ? [] : [[v, flat[i + 1]!]])))]));
  const problems: string[] = [];
  const seatKeys = await redis.keys(keys.seats("*", "*").replace("*:*", "*"));
  for (const key of seatKeys) {
    const [, movieId, sessionId] = /:seats:(\d+):(\d+)$/.exec(key) ?? [];
    for (const [seat, id] of Object.entries(await redis.hgetall(key))) {
      const fields = byId.get(id);
      if (!fields) problems.push(`${key} ${seat} names ${id}, which is not in the stream`);
      else if (fields.seat !== seat || fields.movieId !== movieId || fields.sessionId !== sessionId) {
        problems.push(`${key} ${seat} names ${id}, which claims ${fields.seat} for ${fields.movieId}/${fields.sessionId}`);
      }
    }
  }
  const pipeline = redis.pipeline();
  const claims: [string, string][] = [];
  for (const [id, fields] of byId) {
    const claim = seatOf(fields);
    if (!claim) continue;
    claims.push([id, claim.seat]);
    pipeline.hget(keys.seats(claim.movieId, claim.sessionId), claim.seat);
  }
  const holders = (await pipeline.exec()) ?? [];
  claims.forEach(([id, seat], i) => {
    if (holders[i]?.[1] !== id) problems.push(`entry ${id} claims ${seat}, but the seat map says ${String(holders[i]?.[1])}`);
  });
  return { problems, entries: byId, seatKeys: seatKeys.length };
}

describe("Redis killed with kill -9 mid-burst and restarted (append-only file, fsync always)", () => {
  it("leaves every tab equal to XRANGE, group views right again, 503s while down, and nothing half-written", async () => {
    const redisServer = await startFaultyRedis();
    const { app, redis, keys, url, cookie } = await startTestApp(redisServer.url, { groupsPollMs: 200 });
    withContext(redis, keys);
    await redis.xgroup("CREATE", keys.stream, "printing", "0", "MKSTREAM");
    const fast = { reconnectionDelay: 100, reconnectionDelayMax: 500, refusalRetryMs: 300 };
    const tabs = [0, 1, 2, 3].map(() => openTab(url, cookie, "0-0", fast));
    await until(() => tabs.every((tab) => tab.resumed === 1 && tab.groups.length > 0), 5000, "tabs to go live");

    const writer = startWriter(redis, keys.stream, { total: BURST });
    const desk = startSelling(cookie, 3);
    await until(() => writer.written >= 1500 && desk.sold.size >= 10, 10_000, "a third of the burst and some sales");
    const inFlightAtKill = new Set(desk.inFlight);
    const killedAt = Date.now();
    await redisServer.kill();

    // While Redis is down: health and sales answer 503, the sale says nothing was sold, tabs hear "down".
    await until(async () => (await health.GET()).status === 503, 5000, "health to answer 503");
    const outageSale = { name: "Outage Buyer", seat: "C3", movieId: 54, sessionId: 1 };
    const refused = await tickets.POST(request("/api/tickets", { body: outageSale, cookie }), none);
    expect(refused.status).toBe(503);
    expect(await refused.json()).toEqual({ error: expect.stringMatching(/Redis is not reachable.*nothing was sold/) });
    await until(() => tabs.every((tab) => tab.statuses.at(-1)?.redis === "down"), 5000, "every tab to hear the link is down");
    for (const tab of tabs) expect(tab.statuses.at(-1)!.since).toBeGreaterThanOrEqual(killedAt - 1000);
    expect(app.loop.status.redis).toBe("down");
    // One tab also loses its own connection meanwhile: its resume must wait for Redis, not give up.
    tabs[3]!.socket.io.engine.close();
    await new Promise((resolve) => setTimeout(resolve, 1000));
    expect((await health.GET()).status).toBe(503);

    await redisServer.start();
    await until(() => tabs.every((tab) => tab.statuses.at(-1)?.redis === "up"), 10_000, "every tab to hear the link is up again");
    await writer.done;
    await until(() => desk.sold.size >= inFlightAtKill.size + 30, 10_000, "sales to go through again");
    await desk.stop();
    expect((await health.GET()).status).toBe(200);

    // The group moves after the restart too: a reader takes 100 entries and acknowledges 40 of them.
    const read = (await redis.xreadgroup("GROUP", "printing", "consumer-1", "COUNT", 100, "STREAMS", keys.stream, ">")) as [
      string,
      [string, string[]][],
    ][];
    await redis.xack(keys.stream, "printing", ...read[0]![1].slice(0, 40).map(([id]) => id));

    const all = await streamIds(redis, keys.stream);
    expect(all.length).toBeGreaterThanOrEqual(BURST + desk.sold.size);
    for (const tab of tabs) {
      await until(() => tab.ids.length >= all.length, 15_000, "every tab to hold the whole stream");
      expect(compareFeed(tab.ids, all)).toEqual({ duplicated: [], missing: [] });
      expect(tab.ids).toEqual(all);
      expect(tab.statuses.at(-1)?.redis).toBe("up");
    }
    expect(tabs[3]!.resumed).toBe(2);

    // Group views: every tab's last groups:update equals XINFO within a few seconds.
    const truth = visible(await listGroups(redis, keys));
    expect(truth[0]).toMatchObject({ name: "printing", pending: 60, lag: all.length - 100 });
    await until(
      () => tabs.every((tab) => JSON.stringify(visible(tab.groups.at(-1) ?? [])) === JSON.stringify(truth)),
      5000,
      "groups:update to match XINFO",
    );

    // Nothing half-written, and the answers told the truth.
    const { problems, entries, seatKeys } = await checkSeats(redis, keys);
    expect(problems).toEqual([]);
    expect(seatKeys).toBeGreaterThan(BURST / 20);
    for (const [name, id] of desk.sold) expect(entries.get(id)?.name, `sale ${name} answered 201 ${id}`).toBe(name);
    const written = [...entries.values()].filter((fields) => fields.soldBy === "ann").map((fields) => fields.name!);
    const unanswered = written.filter((name) => !desk.sold.has(name));
    // A sale can only be in the stream without a 201 if it was already on its way when Redis died.
    expect(unanswered.filter((name) => !inFlightAtKill.has(name))).toEqual([]);
    expect(written).not.toContain(outageSale.name);
    for (const failure of desk.refused) {
      expect(failure.status).toBe(503);
      // Only a sale already awaiting Redis's reply at the kill may be told it perhaps went through;
      // and every one told "nothing was sold" must really be absent.
      if (/may have gone through/.test(failure.error)) expect(inFlightAtKill.has(failure.name), failure.name).toBe(true);
      else {
        expect(failure.error).toMatch(/nothing was sold/);
        expect(written).not.toContain(failure.name);
      }
    }
    expect(desk.refused.length).toBeGreaterThan(0);
  });
});

describe("the feed loop after a long Redis outage", () => {
  it("reads again as soon as its connection is back, not a grown backoff later", async () => {
    // The shortest pause the loop's backoff makes once it has grown to its cap (full jitter: half the cap).
    const random = vi.spyOn(Math, "random").mockReturnValue(0);
    const pauseFloorMs = backoff(CAPPED_AFTER);
    random.mockRestore();
    const redisServer = await startFaultyRedis();
    const target = { mode: "single" as const, url: redisServer.url };
    const feedRedis = createRedisClient(target, { name: "test:feed", blocking: true });
    const indexRedis = createRedisClient(target, { name: "test:index" });
    // Each failed read is reported just before the loop pauses for backoff(failures so far).
    let failures = 0;
    let cappedPauseAt = 0;
    const loop = new FeedLoop({
      redis: feedRedis,
      indexRedis,
      keys: streamKeys(uniqueStream()),
      batch: 100,
      blockMs: 500,
      onError: (_error, stage) => {
        if (stage === "read" && ++failures === CAPPED_AFTER + 1) cappedPauseAt = performance.now();
      },
    });
    onTestFinished(async () => {
      await loop.stop();
      indexRedis.disconnect();
    });
    loop.start();
    await until(() => loop.status.redis === "up", 5000, "the loop to reach Redis");
    await redisServer.kill();
    await until(() => cappedPauseAt > 0, 30_000, "the loop's backoff to reach its cap");
    expect(loop.status.redis).toBe("down");
    let readyAt = 0;
    feedRedis.once("ready", () => (readyAt = performance.now()));
    // Back while the loop has at least pauseFloorMs of its pause ahead of it.
    await redisServer.start();
    await until(() => loop.status.redis === "up", 10_000, "the loop to read again");
    const upAt = performance.now();
    expect(readyAt).toBeGreaterThan(0);
    expect(upAt - cappedPauseAt, `Redis was ready ${Math.round(readyAt - cappedPauseAt)} ms into the pause`).toBeLessThan(pauseFloorMs);
  });
});
