import { describe, expect, it } from "vitest";
import { ValidationError } from "@/lib/errors";
import { indexEntries } from "@/lib/indexer";
import { readHistory, readRange, sellTicket, lastEntryId } from "@/lib/tickets";
import { toEntries } from "@/lib/entries";
import { redisFixture } from "./support/context";

async function fill(redis: Awaited<ReturnType<typeof redisFixture>>["redis"], stream: string, n: number) {
  const pipeline = redis.pipeline();
  for (let i = 0; i < n; i++) pipeline.xadd(stream, "*", "name", `Guest ${i}`, "seat", `A${i + 1}`, "movieId", "1", "sessionId", "1");
  const replies = (await pipeline.exec()) ?? [];
  return replies.map(([, id]) => id as string);
}

describe("readHistory", () => {
  it("pages newest first with before, and reaches the start with next = null", async () => {
    const { redis, keys } = await redisFixture();
    const ids = await fill(redis, keys.stream, 25);
    const seen: string[] = [];
    let before: string | undefined;
    for (;;) {
      const page = await readHistory(redis, keys, { before, count: 10 });
      seen.push(...page.entries.map((entry) => entry.id));
      if (!page.next) break;
      before = page.next;
    }
    expect(seen).toEqual([...ids].reverse());
  });

  it("pages oldest first with after", async () => {
    const { redis, keys } = await redisFixture();
    const ids = await fill(redis, keys.stream, 7);
    const page = await readHistory(redis, keys, { after: ids[2], count: 3 });
    expect(page.entries.map((entry) => entry.id)).toEqual(ids.slice(3, 6));
    expect(page.next).toBe(ids[5]);
  });

  it("answers an empty page for a stream that does not exist yet", async () => {
    const { redis, keys } = await redisFixture();
    expect(await readHistory(redis, keys, { count: 10 })).toEqual({ entries: [], next: null });
    expect(await lastEntryId(redis, keys)).toBe("0-0");
  });

  it("refuses a malformed id, naming the parameter", async () => {
    const { redis, keys } = await redisFixture();
    await expect(readHistory(redis, keys, { before: "yesterday", count: 10 })).rejects.toThrow(ValidationError);
    await expect(readHistory(redis, keys, { after: "12-x", count: 10 })).rejects.toMatchObject({ field: "after" });
  });

  it("keeps every field of entries written by other programs, and flags double bookings", async () => {
    const { redis, keys } = await redisFixture();
    const sold = await sellTicket(redis, keys, { name: "Jim Crews", seat: "B12", movieId: 53, sessionId: 832 });
    const dup = await redis.xadd(keys.stream, "*", "name", "Arthur", "seat", "B12", "movieId", "53", "sessionId", "832", "note", "walk-in");
    const odd = await redis.xadd(keys.stream, "*", "hello", "world");
    const page = await readHistory(redis, keys, { count: 10 });
    expect(page.entries).toEqual([
      { id: odd, fields: { hello: "world" } },
      { id: dup, fields: { name: "Arthur", seat: "B12", movieId: "53", sessionId: "832", note: "walk-in" }, doubleBooked: true },
      { id: sold, fields: { name: "Jim Crews", seat: "B12", movieId: "53", sessionId: "832" } },
    ]);
  });
});

describe("indexEntries", () => {
  it("marks seats taken by entries other programs appended, first entry wins, and is safe to repeat", async () => {
    const { redis, keys } = await redisFixture();
    const a = await redis.xadd(keys.stream, "*", "name", "A", "seat", "c3", "movieId", "7", "sessionId", "9");
    const b = await redis.xadd(keys.stream, "*", "name", "B", "seat", "C3", "movieId", "7", "sessionId", "9");
    const raw = toEntries((await redis.xrange(keys.stream, "-", "+")) as [string, string[]][]);
    const once = await indexEntries(redis, keys, raw);
    const twice = await indexEntries(redis, keys, raw);
    expect(once).toEqual(twice);
    // The second sale of the seat (any case) is the double booking, not the first.
    expect(once.map((entry) => [entry.id, Boolean(entry.doubleBooked)])).toEqual([
      [a, false],
      [b, true],
    ]);
    expect(await redis.hgetall(keys.seats("7", "9"))).toEqual({ C3: a });
    await expect(sellTicket(redis, keys, { name: "Z", seat: "C3", movieId: 7, sessionId: 9 })).rejects.toThrow(/already sold/);
  });

  it("reads a range between two ids, both ends as documented", async () => {
    const { redis, keys } = await redisFixture();
    const ids = await fill(redis, keys.stream, 5);
    const range = await readRange(redis, keys, ids[0]!, ids[3]!, 100);
    expect(range.map((entry) => entry.id)).toEqual(ids.slice(1, 4));
  });
});
