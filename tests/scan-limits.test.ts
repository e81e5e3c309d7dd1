import { describe, expect, it } from "vitest";
import * as exportRoute from "@/app/api/tickets/export.csv/route";
import * as retention from "@/app/api/retention/route";
import * as search from "@/app/api/tickets/search/route";
import { loadConfig } from "@/lib/config";
import { takeScanSlot } from "@/lib/scan-slots";
import { redisFixture } from "./support/context";
import { request, signedIn, withContext } from "./support/session";

const none = { params: Promise.resolve({}) };

async function append(redis: Awaited<ReturnType<typeof redisFixture>>["redis"], stream: string, count: number): Promise<void> {
  for (let first = 0; first < count; first += 5000) {
    const pipeline = redis.pipeline();
    for (let i = first; i < Math.min(count, first + 5000); i++)
      pipeline.xadd(stream, "*", "name", `Guest ${i}`, "seat", "A1", "movieId", "1", "sessionId", "1");
    await pipeline.exec();
  }
}

describe("scans a person may run", () => {
  it("refuses a third search or export of one person at once with 429, and lets another person search", async () => {
    const { redis, keys } = await redisFixture();
    withContext(redis, keys);
    const ann = await signedIn(redis, keys, "ann", "seller");
    const bob = await signedIn(redis, keys, "bob", "seller");
    // Two scans of ann's already running (on this or another instance).
    const releases = [await takeScanSlot(redis, keys, "ann"), await takeScanSlot(redis, keys, "ann")];
    const third = await search.GET(request("/api/tickets/search?name=x", { cookie: ann }), none);
    expect(third.status).toBe(429);
    expect(third.headers.get("retry-after")).toBe("2");
    expect(await third.json()).toEqual({
      error: "You already have 2 searches or exports running. Wait for one to finish, or cancel it, and try again.",
    });
    expect((await exportRoute.GET(request("/api/tickets/export.csv", { cookie: ann }), none)).status).toBe(429);
    expect((await search.GET(request("/api/tickets/search?name=x", { cookie: bob }), none)).status).toBe(200);
    await releases[0]!();
    expect((await search.GET(request("/api/tickets/search?name=x", { cookie: ann }), none)).status).toBe(200);
    // The search gave its slot back, and so does an export once read to its end.
    const csv = await exportRoute.GET(request("/api/tickets/export.csv", { cookie: ann }), none);
    await csv.text();
    expect(await redis.get(keys.scanSlots("ann"))).toBe("1");
  });

  it("scans at most EXPORT_MAX_ENTRIES entries for one export, newest first", async () => {
    const { redis, keys } = await redisFixture();
    withContext(redis, keys, { config: loadConfig({ EXPORT_MAX_ENTRIES: "5000" }) });
    const ann = await signedIn(redis, keys, "ann", "seller");
    await append(redis, keys.stream, 12_000);
    const newest = (await redis.xrevrange(keys.stream, "+", "-", "COUNT", 5000)).map(([id]) => id);
    const text = await (await exportRoute.GET(request("/api/tickets/export.csv?name=guest", { cookie: ann }), none)).text();
    const rows = text.trimEnd().split("\r\n").slice(1);
    expect(rows.map((row) => row.split(",")[0])).toEqual(newest);
    expect(await redis.get(keys.scanSlots("ann"))).toBe("0");
  });
});

describe("GET /api/retention", () => {
  it("computes once for every tab that asks within a few seconds", async () => {
    const { redis, keys } = await redisFixture();
    withContext(redis, keys, { config: loadConfig({ TICKETS_RETENTION: "maxlen:100" }) });
    const ann = await signedIn(redis, keys, "ann", "seller");
    await append(redis, keys.stream, 3000);
    let reads = 0;
    const xrange = redis.xrange.bind(redis);
    redis.xrange = ((...args: Parameters<typeof xrange>) => {
      reads++;
      return xrange(...args);
    }) as typeof redis.xrange;
    const answers = await Promise.all(Array.from({ length: 50 }, () => retention.GET(request("/api/retention", { cookie: ann }), none)));
    expect(answers.every((r) => r.status === 200)).toBe(true);
    const once = reads;
    expect(once).toBeGreaterThan(0);
    for (let i = 0; i < 20; i++) await retention.GET(request("/api/retention", { cookie: ann }), none);
    expect(reads).toBe(once);
    expect(await answers[0]!.json()).toMatchObject({ length: 3000 });
  });
});
