import { describe, expect, it } from "vitest";
import * as tickets from "@/app/api/tickets/route";
import * as refund from "@/app/api/tickets/[id]/refund/route";
import { csvCell } from "@/lib/csv";
import { isStreamId } from "@/lib/stream-id";
import { redisFixture } from "./support/context";
import { request, signedIn, withContext } from "./support/session";

const none = { params: Promise.resolve({}) };

async function desk() {
  const { redis, keys } = await redisFixture();
  withContext(redis, keys);
  return { redis, keys, supervisor: await signedIn(redis, keys, "sue", "supervisor") };
}

describe("one rule for ids and seats", () => {
  it("refuses a 16-digit movie id at the sale, and refunds what it sells with 15 digits", async () => {
    const { redis, keys, supervisor } = await desk();
    const long = await tickets.POST(
      request("/api/tickets", { body: { name: "Ada", seat: "A1", movieId: 1234567890123456, sessionId: 1 }, cookie: supervisor }),
      none,
    );
    expect(long.status).toBe(400);
    expect(await long.json()).toMatchObject({ field: "movieId", error: expect.stringMatching(/up to 15 digits/) });
    expect(await redis.exists(keys.stream)).toBe(0);

    const sold = await tickets.POST(
      request("/api/tickets", { body: { name: "Ada", seat: "A1", movieId: 999999999999999, sessionId: 1 }, cookie: supervisor }),
      none,
    );
    expect(sold.status).toBe(201);
    const { id } = (await sold.json()) as { id: string };
    const refunded = await refund.POST(request(`/api/tickets/${id}/refund`, { method: "POST", cookie: supervisor }), {
      params: Promise.resolve({ id }),
    });
    expect(refunded.status).toBe(201);
  });

  it("answers stream ids beyond 2^64 with a sentence, never sending them to Redis", async () => {
    const { supervisor } = await desk();
    expect(isStreamId("18446744073709551615-18446744073709551615")).toBe(true);
    expect(isStreamId("18446744073709551616-0")).toBe(false);
    const history = await tickets.GET(request("/api/tickets?before=99999999999999999999-0", { cookie: supervisor }), none);
    expect(history.status).toBe(400);
    expect(await history.json()).toEqual({ error: "before must be a stream id like 1700000000000-0.", field: "before" });
    const id = "18446744073709551616-0";
    const refused = await refund.POST(request(`/api/tickets/${id}/refund`, { method: "POST", cookie: supervisor }), {
      params: Promise.resolve({ id }),
    });
    expect(refused.status).toBe(400);
    expect(((await refused.json()) as { error: string }).error).toMatch(/entry id like 1700000000000-0/);
  });

  it("never answers with Redis's own error text", async () => {
    const { redis, keys, supervisor } = await desk();
    // Another program put a string where the stream belongs: every stream command now fails inside Redis.
    await redis.set(keys.stream, "not a stream");
    const response = await tickets.GET(request("/api/tickets", { cookie: supervisor }), none);
    expect(response.status).toBe(409);
    const { error } = (await response.json()) as { error: string };
    expect(error).toMatch(/^Redis refused this request/);
    expect(error).not.toMatch(/WRONGTYPE|wrong kind|key/i);
  });
});

describe("CSV cells", () => {
  it("quote cells with a semicolon or a tab, and defuse = + - @ at the start of any cell", () => {
    expect(csvCell("Crews; Jim")).toBe('"Crews; Jim"');
    expect(csvCell("Jim\tCrews")).toBe('"Jim\tCrews"');
    expect(csvCell("=1+2")).toBe("'=1+2");
    expect(csvCell("@SUM(A1)")).toBe("'@SUM(A1)");
    expect(csvCell("-2;=3")).toBe(`"'-2;=3"`);
  });
});

describe("odd entries from other programs", () => {
  it("show fields named __proto__ and constructor like any other", async () => {
    const { redis, keys, supervisor } = await desk();
    const id = await redis.xadd(
      keys.stream,
      "*",
      "name",
      "Ada",
      "__proto__",
      "polluted",
      "constructor",
      "x",
      "seat",
      "A1",
      "movieId",
      "1",
      "sessionId",
      "1",
    );
    const { entries } = (await (await tickets.GET(request("/api/tickets", { cookie: supervisor }), none)).json()) as {
      entries: { id: string; fields: Record<string, string> }[];
    };
    expect(entries[0]!.id).toBe(id);
    expect(Object.entries(entries[0]!.fields)).toEqual([
      ["name", "Ada"],
      ["__proto__", "polluted"],
      ["constructor", "x"],
      ["seat", "A1"],
      ["movieId", "1"],
      ["sessionId", "1"],
    ]);
  });

  it("move an entry of thousands of fields to the dead letters whole", async () => {
    const { redis, keys } = await desk();
    const flat = Array.from({ length: 5000 }, (_, i) => [`f${i}`, `v${i}`]).flat();
    const id = (await redis.xadd(keys.stream, "*", ...flat))!;
    await redis.xgroup("CREATE", keys.stream, "printing", "0");
    await redis.xreadgroup("GROUP", "printing", "p1", "STREAMS", keys.stream, ">");
    const { moveDeadLetters } = await import("@/lib/groups");
    expect(await moveDeadLetters(redis, keys, "sue", "printing", 1)).toEqual([id]);
    const dead = ((await redis.xrange(keys.dead, "-", "+")) as [string, string[]][])[0]![1];
    expect(dead.slice(0, 8)).toEqual(["originalId", id, "group", "printing", "consumer", "p1", "deliveries", "1"]);
    expect(dead[8]).toBe("fieldsJson");
    expect(JSON.parse(dead[9]!)).toEqual(flat);
    expect(await redis.xpending(keys.stream, "printing")).toEqual([0, null, null, null]);
  });
});
