import { describe, expect, inject, it } from "vitest";
import * as refundRoute from "@/app/api/tickets/[id]/refund/route";
import { AlreadyRefundedError, SaleMissingError, SeatTakenError } from "@/lib/errors";
import { indexEntries } from "@/lib/indexer";
import { createRedisClient, whenReady } from "@/lib/redis";
import { refundTicket } from "@/lib/refunds";
import { readHistory, sellTicket } from "@/lib/tickets";
import { toEntries, type RawEntry } from "@/lib/entries";
import { redisFixture } from "./support/context";
import { request, signedIn, withContext } from "./support/session";

const sale = { name: "Beth Harmon", seat: "B11", movieId: 53, sessionId: 832 };

async function entries(redis: Awaited<ReturnType<typeof redisFixture>>["redis"], stream: string) {
  return toEntries((await redis.xrange(stream, "-", "+")) as RawEntry[]);
}

describe("refundTicket", () => {
  it("appends a refund entry, frees the seat, records the refund and audits it in one step", async () => {
    const { redis, keys } = await redisFixture();
    const saleId = await sellTicket(redis, keys, sale, { soldBy: "ann" });
    const refundId = await refundTicket(redis, keys, "sam", saleId);
    const stream = (await redis.xrange(keys.stream, "-", "+")) as RawEntry[];
    expect(stream[1]).toEqual([
      refundId,
      [
        "type",
        "refund",
        "refundOf",
        saleId,
        "name",
        "Beth Harmon",
        "seat",
        "B11",
        "movieId",
        "53",
        "sessionId",
        "832",
        "refundedBy",
        "sam",
      ],
    ]);
    expect(await redis.hget(keys.seats("53", "832"), "B11")).toBeNull();
    expect(await redis.hget(keys.refunds, saleId)).toBe(refundId);
    const [audit] = toEntries((await redis.xrevrange(keys.audit, "+", "-", "COUNT", 1)) as RawEntry[]);
    expect(audit?.fields).toMatchObject({ actor: "sam", action: "ticket.refund", target: saleId, refundId, seat: "B11", seatFreed: "1" });
    // The seat can be sold again.
    await expect(sellTicket(redis, keys, { ...sale, name: "Vasily Borgov" })).resolves.toMatch(/^\d+-\d+$/);
  });

  it("refuses a second refund, a refund of a refund, a missing or trimmed sale, and an entry that is not a ticket", async () => {
    const { redis, keys } = await redisFixture();
    const saleId = await sellTicket(redis, keys, sale);
    const refundId = await refundTicket(redis, keys, "sam", saleId);
    await expect(refundTicket(redis, keys, "sam", saleId)).rejects.toMatchObject({ name: "AlreadyRefundedError", refundId });
    await expect(refundTicket(redis, keys, "sam", refundId)).rejects.toBeInstanceOf(SaleMissingError);
    await expect(refundTicket(redis, keys, "sam", "1-0")).rejects.toBeInstanceOf(SaleMissingError);
    const trimmed = await sellTicket(redis, keys, { ...sale, seat: "C1" });
    await redis.xdel(keys.stream, trimmed);
    await expect(refundTicket(redis, keys, "sam", trimmed)).rejects.toBeInstanceOf(SaleMissingError);
    const odd = (await redis.xadd(keys.stream, "*", "hello", "world"))!;
    await expect(refundTicket(redis, keys, "sam", odd)).rejects.toBeInstanceOf(SaleMissingError);
    // Only the one refund was ever written or audited.
    expect((await entries(redis, keys.stream)).filter((e) => e.fields.type === "refund")).toHaveLength(1);
    expect(await redis.xlen(keys.audit)).toBe(1);
  });

  it("keeps the seat of whoever holds it now when the refunded sale was a double booking", async () => {
    const { redis, keys } = await redisFixture();
    const holder = await sellTicket(redis, keys, sale);
    const dup = (await redis.xadd(keys.stream, "*", "name", "Arthur", "seat", "B11", "movieId", "53", "sessionId", "832"))!;
    await refundTicket(redis, keys, "sam", dup);
    expect(await redis.hget(keys.seats("53", "832"), "B11")).toBe(holder);
  });

  it("survives a refund racing a resale of the same seat and a second refund, 150 times", async () => {
    const { redis, keys } = await redisFixture();
    // Three connections, so Redis sees the three requests in whatever order the network delivers them.
    const other = createRedisClient({ mode: "single", url: inject("redisUrl") }, { name: "test:racer" });
    const third = createRedisClient({ mode: "single", url: inject("redisUrl") }, { name: "test:racer2" });
    await Promise.all([whenReady(other, 5000), whenReady(third, 5000)]);
    const jitter = () => new Promise((resolve) => setTimeout(resolve, Math.random() * 4));
    let resold = 0;
    let refusedResale = 0;
    try {
      for (let round = 1; round <= 150; round++) {
        const screening = { ...sale, sessionId: round };
        const first = await sellTicket(redis, keys, screening);
        const [refundA, resale, refundB] = await Promise.allSettled([
          jitter().then(() => refundTicket(redis, keys, "sam", first)),
          jitter().then(() => sellTicket(other, keys, { ...screening, name: "Second buyer" })),
          jitter().then(() => refundTicket(third, keys, "kim", first)),
        ]);
        const refunds = [refundA, refundB];
        expect(refunds.filter((r) => r.status === "fulfilled")).toHaveLength(1);
        expect(
          refunds.filter((r) => r.status === "rejected").every((r) => (r as PromiseRejectedResult).reason instanceof AlreadyRefundedError),
        ).toBe(true);
        const holder = await redis.hget(keys.seats("53", String(round)), "B11");
        if (resale.status === "fulfilled") {
          resold++;
          expect(holder).toBe(resale.value);
        } else {
          refusedResale++;
          expect(resale.reason).toBeInstanceOf(SeatTakenError);
          expect(holder).toBeNull();
        }
        if (holder) {
          // The holder is a sale in the stream that nobody refunded.
          expect(await redis.xrange(keys.stream, holder, holder)).toHaveLength(1);
          expect(await redis.hexists(keys.refunds, holder)).toBe(0);
        }
      }
    } finally {
      other.disconnect();
      third.disconnect();
    }
    const all = await entries(redis, keys.stream);
    const refundEntries = all.filter((e) => e.fields.type === "refund");
    expect(refundEntries).toHaveLength(150);
    expect(new Set(refundEntries.map((e) => e.fields.refundOf)).size).toBe(150);
    // Both orders happened, so the test did exercise the race.
    expect(resold).toBeGreaterThan(0);
    expect(refusedResale).toBeGreaterThan(0);
  });
});

describe("refunds in the feed indexer and history", () => {
  it("does not let a refund claim its seat or count as a double booking, even when indexed again from scratch", async () => {
    const { redis, keys } = await redisFixture();
    const first = await sellTicket(redis, keys, sale);
    const refundId = await refundTicket(redis, keys, "sam", first);
    const second = await sellTicket(redis, keys, { ...sale, name: "Vasily Borgov" });
    const indexed = await indexEntries(redis, keys, await entries(redis, keys.stream));
    expect(indexed.filter((e) => e.doubleBooked)).toEqual([]);
    expect(await redis.hget(keys.seats("53", "832"), "B11")).toBe(second);

    const history = await readHistory(redis, keys, { count: 10 });
    expect(history.entries.map((e) => [e.id, Boolean(e.refunded), Boolean(e.doubleBooked)])).toEqual([
      [second, false, false],
      [refundId, false, false],
      [first, true, false],
    ]);
  });

  it("applies a refund appended by another program: the seat frees and a second refund is refused", async () => {
    const { redis, keys } = await redisFixture();
    const first = await sellTicket(redis, keys, sale);
    const external = (await redis.xadd(
      keys.stream,
      "*",
      "type",
      "refund",
      "refundOf",
      first,
      "name",
      "Beth Harmon",
      "seat",
      "B11",
      "movieId",
      "53",
      "sessionId",
      "832",
    ))!;
    await indexEntries(redis, keys, await entries(redis, keys.stream));
    expect(await redis.hget(keys.seats("53", "832"), "B11")).toBeNull();
    await expect(refundTicket(redis, keys, "sam", first)).rejects.toMatchObject({ refundId: external });
  });
});

describe("POST /api/tickets/:id/refund", () => {
  const call = (id: string, cookie: string, origin?: string) =>
    refundRoute.POST(request(`/api/tickets/${id}/refund`, { method: "POST", cookie, origin }), { params: Promise.resolve({ id }) });

  it("lets a supervisor refund (201), answers 409 the second time, 404 for no such sale, 400 for a malformed id", async () => {
    const { redis, keys } = await redisFixture();
    withContext(redis, keys);
    const boss = await signedIn(redis, keys, "sam", "supervisor");
    const saleId = await sellTicket(redis, keys, sale);

    const ok = await call(saleId, boss);
    expect(ok.status).toBe(201);
    const { id } = (await ok.json()) as { id: string };
    expect(await redis.hget(keys.refunds, saleId)).toBe(id);

    const again = await call(saleId, boss);
    expect(again.status).toBe(409);
    expect(await again.json()).toEqual({ error: expect.stringMatching(/already refunded/), refundId: id });

    const missing = await call("1-0", boss);
    expect(missing.status).toBe(404);
    expect(await missing.json()).toEqual({ error: expect.stringMatching(/no sale 1-0/) });
    expect((await call(id, boss)).status).toBe(404);

    const bad = await call("yesterday", boss);
    expect(bad.status).toBe(400);
    expect(await bad.json()).toMatchObject({ error: expect.stringMatching(/entry id/), field: "id" });
  });

  it("refuses sellers (403), no session (401) and cross-site requests (403), refunding nothing", async () => {
    const { redis, keys } = await redisFixture();
    withContext(redis, keys);
    const seller = await signedIn(redis, keys, "ann", "seller");
    const boss = await signedIn(redis, keys, "sam", "supervisor");
    const saleId = await sellTicket(redis, keys, sale);
    expect((await call(saleId, seller)).status).toBe(403);
    expect((await call(saleId, "")).status).toBe(401);
    expect((await call(saleId, boss, "https://evil.example")).status).toBe(403);
    expect(await redis.hlen(keys.refunds)).toBe(0);
    expect(await redis.hget(keys.seats("53", "832"), "B11")).toBe(saleId);
  });
});
