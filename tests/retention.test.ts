import { describe, expect, it } from "vitest";
import * as retentionRoute from "@/app/api/retention/route";
import * as ticketsRoute from "@/app/api/tickets/route";
import { ConfigError, loadConfig } from "@/lib/config";
import type { RedisClient } from "@/lib/redis";
import { refundTicket } from "@/lib/refunds";
import { retentionStatus } from "@/lib/retention";
import { sellTicket } from "@/lib/tickets";
import { redisFixture } from "./support/context";
import { config, request, signedIn, withContext } from "./support/session";

const none = { params: Promise.resolve({}) };
const sale = { name: "Beth Harmon", seat: "B11", movieId: 53, sessionId: 832 };

async function append(redis: RedisClient, stream: string, n: number, id: (i: number) => string = () => "*"): Promise<string[]> {
  const pipeline = redis.pipeline();
  for (let i = 0; i < n; i++)
    pipeline.xadd(stream, id(i), "name", `Guest ${i}`, "seat", `A${(i % 20) + 1}`, "movieId", "1", "sessionId", String(i));
  return ((await pipeline.exec()) ?? []).map(([, reply]) => reply as string);
}

describe("TICKETS_RETENTION", () => {
  it.each([
    [undefined, null],
    ["", null],
    ["maxlen:1000000", { kind: "maxlen", maxlen: 1_000_000 }],
    ["minid:7d", { kind: "minid", ms: 7 * 86_400_000 }],
    ["MINID:12h", { kind: "minid", ms: 12 * 3_600_000 }],
    ["minid:30m", { kind: "minid", ms: 30 * 60_000 }],
  ])("reads %j", (value, policy) => {
    expect(loadConfig({ TICKETS_RETENTION: value }).retention).toEqual(policy);
  });

  it.each(["maxlen:0", "maxlen:lots", "minid:7w", "minid:0d", "minid:7", "forever", "maxlen:-5"])(
    "stops start-up for %j, naming the variable",
    (value) => {
      expect(() => loadConfig({ TICKETS_RETENTION: value })).toThrow(ConfigError);
      expect(() => loadConfig({ TICKETS_RETENTION: value })).toThrow(/^TICKETS_RETENTION must be "maxlen:<entries>"/);
    },
  );
});

describe("trimming on write", () => {
  it("keeps about the newest n entries with maxlen, on sales and on refunds", async () => {
    const { redis, keys } = await redisFixture();
    await append(redis, keys.stream, 1000);
    const first = await sellTicket(redis, keys, sale, {}, { retention: { kind: "maxlen", maxlen: 100 } });
    // Approximate trimming drops whole blocks of 100 (Redis's default node size), never more than asked.
    const afterSale = await redis.xlen(keys.stream);
    expect(afterSale).toBeGreaterThanOrEqual(100);
    expect(afterSale).toBeLessThanOrEqual(200);
    await append(redis, keys.stream, 1000);
    // No sale follows: the refund's own append must do the trimming.
    const refund = await refundTicket(redis, keys, "sam", first, { retention: { kind: "maxlen", maxlen: 100 } });
    const [newest] = (await redis.xrevrange(keys.stream, "+", "-", "COUNT", 1)) as [string, string[]][];
    expect(newest).toEqual([refund, expect.arrayContaining(["type", "refund", "refundOf", first])]);
    const afterRefund = await redis.xlen(keys.stream);
    expect(afterRefund).toBeGreaterThanOrEqual(100);
    expect(afterRefund).toBeLessThanOrEqual(200);
  });

  it("drops entries older than the age with minid, measured on Redis's clock", async () => {
    const { redis, keys } = await redisFixture();
    const old = await append(redis, keys.stream, 450, (i) => `${1_000_000 + i}-0`);
    const id = await sellTicket(redis, keys, sale, {}, { retention: { kind: "minid", ms: 3_600_000 } });
    const remaining = ((await redis.xrange(keys.stream, "-", "+")) as [string, string[]][]).map(([entryId]) => entryId);
    // The four full blocks of old entries are gone; the last one shares its block with the new sale.
    expect(remaining).not.toContain(old[0]);
    expect(remaining.length).toBeLessThanOrEqual(51);
    expect(remaining.at(-1)).toBe(id);
  });

  it("keeps everything when the age reaches back before 1970", async () => {
    const { redis, keys } = await redisFixture();
    await append(redis, keys.stream, 10);
    await sellTicket(redis, keys, sale, {}, { retention: loadConfig({ TICKETS_RETENTION: "minid:999999999d" }).retention });
    expect(await redis.xlen(keys.stream)).toBe(11);
  });

  it("keeps everything without a policy, and applies the configured one to sales through the API", async () => {
    const { redis, keys } = await redisFixture();
    await append(redis, keys.stream, 500);
    await sellTicket(redis, keys, sale);
    expect(await redis.xlen(keys.stream)).toBe(501);
    withContext(redis, keys, { config: { ...config, retention: { kind: "maxlen", maxlen: 50 } } });
    const cookie = await signedIn(redis, keys, "ann", "seller");
    const response = await ticketsRoute.POST(request("/api/tickets", { body: { ...sale, seat: "C3" }, cookie }), none);
    expect(response.status).toBe(201);
    expect(await redis.xlen(keys.stream)).toBeLessThanOrEqual(150);
  });
});

describe("retention status", () => {
  it("names the groups whose pending or undelivered entries the next maxlen trim would drop", async () => {
    const { redis, keys } = await redisFixture();
    const ids = await append(redis, keys.stream, 1000);
    // printing: 50 delivered, none acked: all inside the 900 oldest, which maxlen 100 would drop; so would
    // the 850 after them it has not been delivered yet.
    await redis.xgroup("CREATE", keys.stream, "printing", "0");
    await redis.xreadgroup("GROUP", "printing", "p1", "COUNT", 50, "STREAMS", keys.stream, ">");
    // accounting: 950 delivered, the first 920 acked: its 30 pending ones are among the newest 100, so safe.
    await redis.xgroup("CREATE", keys.stream, "accounting", "0");
    await redis.xreadgroup("GROUP", "accounting", "a1", "COUNT", 950, "STREAMS", keys.stream, ">");
    await redis.xack(keys.stream, "accounting", ...ids.slice(0, 920));
    // billing: 950 delivered, none acked: 900 of them lie in the part the trim would drop.
    await redis.xgroup("CREATE", keys.stream, "billing", "0");
    await redis.xreadgroup("GROUP", "billing", "b1", "COUNT", 950, "STREAMS", keys.stream, ">");
    // email: created at the start, nothing delivered yet: it would never see the oldest 900.
    await redis.xgroup("CREATE", keys.stream, "email", "0");
    // live: only new entries, so nothing to lose.
    await redis.xgroup("CREATE", keys.stream, "live", "$");

    const status = await retentionStatus(redis, keys, { kind: "maxlen", maxlen: 100 });
    expect(status).toMatchObject({
      policy: { kind: "maxlen", maxlen: 100 },
      description: expect.stringMatching(/newest 100 entries/),
      length: 1000,
      firstId: ids[0],
      trimThroughId: ids[899],
      atRisk: [
        { group: "billing", pending: 900, oldestPendingId: ids[0] },
        { group: "printing", pending: 50, oldestPendingId: ids[0] },
      ],
      lagAtRisk: [
        { group: "email", lastDeliveredId: "0-0", firstUndeliveredId: ids[0] },
        { group: "printing", lastDeliveredId: ids[49], firstUndeliveredId: ids[50] },
      ],
    });
  });

  it("finds pending entries older than the minid age, and nothing when the stream is short enough", async () => {
    const { redis, keys } = await redisFixture();
    const old = await append(redis, keys.stream, 10, (i) => `${1_000_000 + i}-0`);
    const fresh = await append(redis, keys.stream, 10);
    await redis.xgroup("CREATE", keys.stream, "printing", "0");
    await redis.xreadgroup("GROUP", "printing", "p1", "COUNT", 20, "STREAMS", keys.stream, ">");
    const status = await retentionStatus(redis, keys, { kind: "minid", ms: 3_600_000 });
    expect(status.description).toMatch(/older than 1 hour/);
    expect(status.trimThroughId).toBe(old[9]);
    expect(status.atRisk).toEqual([{ group: "printing", pending: 10, oldestPendingId: old[0] }]);
    expect(status.lagAtRisk).toEqual([]);

    const roomy = await retentionStatus(redis, keys, { kind: "maxlen", maxlen: 1000 });
    expect(roomy).toMatchObject({ length: 20, trimThroughId: null, atRisk: [], lagAtRisk: [] });
    expect(fresh).toHaveLength(10);
  });

  it("GET /api/retention describes the configured policy", async () => {
    const { redis, keys } = await redisFixture();
    const cookie = await signedIn(redis, keys, "ann", "seller");
    withContext(redis, keys);
    const empty = await retentionRoute.GET(request("/api/retention", { cookie }), none);
    expect(await empty.json()).toEqual({
      policy: null,
      description: expect.stringMatching(/never trimmed/),
      length: 0,
      firstId: null,
      trimThroughId: null,
      atRisk: [],
      lagAtRisk: [],
    });
    withContext(redis, keys, { config: { ...config, retention: { kind: "minid", ms: 7 * 86_400_000 } } });
    const seven = await retentionRoute.GET(request("/api/retention", { cookie }), none);
    expect(await seven.json()).toMatchObject({
      policy: { kind: "minid", ms: 604_800_000 },
      description: expect.stringMatching(/older than 7 days/),
    });
  });
});
