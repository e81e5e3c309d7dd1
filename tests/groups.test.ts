import { describe, expect, it } from "vitest";
import { GroupExistsError, GroupMissingError } from "@/lib/errors";
import {
  ack,
  autoclaimStep,
  claim,
  createGroup,
  deleteConsumer,
  deleteGroup,
  getGroup,
  listGroups,
  moveDeadLetters,
  pendingPage,
  readAsConsumer,
  setGroupId,
} from "@/lib/groups";
import type { RedisClient } from "@/lib/redis";
import { parseWith, createGroupSchema } from "@/lib/validations/group";
import { redisFixture } from "./support/context";

async function add(redis: RedisClient, stream: string, n: number): Promise<string[]> {
  const pipeline = redis.pipeline();
  for (let i = 0; i < n; i++) pipeline.xadd(stream, "*", "name", `Guest ${i}`, "seat", "A1", "movieId", "1", "sessionId", String(i + 1));
  return ((await pipeline.exec()) ?? []).map(([, id]) => id as string);
}

describe("consumer groups", () => {
  it("lists groups with pending, lag and consumers, as redis-cli changes them", async () => {
    const { redis, keys } = await redisFixture();
    expect(await listGroups(redis, keys)).toEqual([]);
    await redis.xgroup("CREATE", keys.stream, "printing", "$", "MKSTREAM");
    const ids = await add(redis, keys.stream, 3);
    await redis.xreadgroup("GROUP", "printing", "printer-1", "COUNT", 2, "STREAMS", keys.stream, ">");
    const [group] = await listGroups(redis, keys);
    expect(group).toMatchObject({ name: "printing", pending: 2, lag: 1, entriesRead: 2, lastDeliveredId: ids[1] });
    expect(group!.consumers).toEqual([{ name: "printer-1", pending: 2, idleMs: expect.any(Number) }]);
  });

  it("creates from $, 0, an id or a time; refuses a duplicate with GroupExistsError", async () => {
    const { redis, keys } = await redisFixture();
    const ids = await add(redis, keys.stream, 3);
    await createGroup(redis, keys, "sam", "everything", "0");
    await createGroup(redis, keys, "sam", "new-only", "$");
    await createGroup(redis, keys, "sam", "from-id", ids[1]!);
    const at = Number(ids[2]!.split("-")[0]);
    await createGroup(redis, keys, "sam", "from-time", parseWith(createGroupSchema, { name: "x", start: String(at) }).start);
    await expect(createGroup(redis, keys, "sam", "new-only", "$")).rejects.toBeInstanceOf(GroupExistsError);
    const read = async (group: string) => (await readAsConsumer(redis, keys, "sam", group, "c", 10)).map((e) => e.id);
    expect(await read("everything")).toEqual(ids);
    expect(await read("new-only")).toEqual([]);
    expect(await read("from-id")).toEqual([ids[2]]);
    expect(await read("from-time")).toEqual(ids.filter((id) => Number(id.split("-")[0]) >= at));
  });

  it("creates from a time typed as ISO 8601: every entry from that instant on, whatever the offset", async () => {
    const { redis, keys } = await redisFixture();
    const at = Date.parse("2025-11-28T21:41:00Z");
    const ids = [`${at - 60_000}-0`, `${at - 1}-5`, `${at}-0`, `${at}-1`, `${at + 90_500}-0`];
    for (const id of ids) await redis.xadd(keys.stream, id, "name", "Guest", "seat", "A1", "movieId", "1", "sessionId", "1");
    const typed = [
      "2025-11-28T21:41Z",
      "2025-11-28T21:41:00.000Z",
      "2025-11-28 21:41:00Z",
      "2025-11-28T22:41+01:00",
      "2025-11-28T16:41:00-0500",
    ];
    for (const [i, start] of typed.entries()) {
      await createGroup(redis, keys, "sam", `from-time-${i}`, parseWith(createGroupSchema, { name: "x", start }).start);
      const read = await readAsConsumer(redis, keys, "sam", `from-time-${i}`, "c", 10);
      expect(
        read.map((e) => e.id),
        start,
      ).toEqual(ids.slice(2));
    }
    // A date alone is that day's midnight, UTC.
    await createGroup(redis, keys, "sam", "from-day", parseWith(createGroupSchema, { name: "x", start: "2025-11-28" }).start);
    expect((await readAsConsumer(redis, keys, "sam", "from-day", "c", 10)).map((e) => e.id)).toEqual(ids);
    await createGroup(redis, keys, "sam", "from-next-day", parseWith(createGroupSchema, { name: "x", start: "2025-11-29" }).start);
    expect(await readAsConsumer(redis, keys, "sam", "from-next-day", "c", 10)).toEqual([]);
  });

  it("creates the stream when it is missing (MKSTREAM)", async () => {
    const { redis, keys } = await redisFixture();
    await createGroup(redis, keys, "sam", "email", "$");
    expect(await redis.exists(keys.stream)).toBe(1);
  });

  it("refuses unknown start positions and names with a sentence naming the field", () => {
    expect(() => parseWith(createGroupSchema, { name: "ok", start: "yesterday" })).toThrow(/Start from must be/);
    expect(() => parseWith(createGroupSchema, { name: "", start: "$" })).toThrow(/Group name is required/);
    expect(() => parseWith(createGroupSchema, { name: "x".repeat(101), start: "$" })).toThrow(/at most 100/);
    expect(() => parseWith(createGroupSchema, { name: "has space", start: "$" })).toThrow(/letters, digits/);
  });

  it("deletes a group, saying how many were pending, and 404s a missing one", async () => {
    const { redis, keys } = await redisFixture();
    await createGroup(redis, keys, "sam", "g", "0");
    await add(redis, keys.stream, 4);
    await readAsConsumer(redis, keys, "sam", "g", "c", 3);
    expect(await deleteGroup(redis, keys, "sam", "g")).toBe(3);
    await expect(deleteGroup(redis, keys, "sam", "g")).rejects.toBeInstanceOf(GroupMissingError);
    await expect(getGroup(redis, keys, "g")).rejects.toThrow(/no consumer group "g"/);
  });

  it("moves the last-delivered id with SETID", async () => {
    const { redis, keys } = await redisFixture();
    const ids = await add(redis, keys.stream, 3);
    await createGroup(redis, keys, "sam", "g", "$");
    await setGroupId(redis, keys, "sam", "g", ids[0]!);
    expect((await getGroup(redis, keys, "g")).lastDeliveredId).toBe(ids[0]);
    expect((await readAsConsumer(redis, keys, "sam", "g", "c", 10)).map((e) => e.id)).toEqual(ids.slice(1));
    await expect(setGroupId(redis, keys, "sam", "nope", "0")).rejects.toBeInstanceOf(GroupMissingError);
  });

  it("pages the pending list with fields, filters, and trimmed entries marked", async () => {
    const { redis, keys } = await redisFixture();
    const ids = await add(redis, keys.stream, 5);
    await createGroup(redis, keys, "sam", "g", "0");
    await readAsConsumer(redis, keys, "sam", "g", "alice", 3);
    await readAsConsumer(redis, keys, "sam", "g", "bob", 2);
    await redis.xdel(keys.stream, ids[0]!);
    const first = await pendingPage(redis, keys, "g", { minIdleMs: 0, count: 2 });
    expect(first.pending.map((p) => [p.id, p.consumer, p.deliveries])).toEqual([
      [ids[0], "alice", 1],
      [ids[1], "alice", 1],
    ]);
    expect(first.pending[0]!.fields).toBeNull();
    expect(first.pending[1]!.fields).toMatchObject({ name: "Guest 1" });
    const second = await pendingPage(redis, keys, "g", { minIdleMs: 0, count: 2, after: first.next! });
    expect(second.pending.map((p) => p.id)).toEqual(ids.slice(2, 4));
    const bobs = await pendingPage(redis, keys, "g", { consumer: "bob", minIdleMs: 0, count: 10 });
    expect(bobs.pending.map((p) => p.id)).toEqual(ids.slice(3));
    expect(bobs.next).toBeNull();
    const idle = await pendingPage(redis, keys, "g", { minIdleMs: 60_000, count: 10 });
    expect(idle.pending).toEqual([]);
    await expect(pendingPage(redis, keys, "nope", { minIdleMs: 0, count: 1 })).rejects.toBeInstanceOf(GroupMissingError);
  });

  it("acks once: a second ack of the same ids counts nothing", async () => {
    const { redis, keys } = await redisFixture();
    const ids = await add(redis, keys.stream, 3);
    await createGroup(redis, keys, "sam", "g", "0");
    await readAsConsumer(redis, keys, "sam", "g", "c", 3);
    expect(await ack(redis, keys, "sam", "g", ids.slice(0, 2))).toBe(2);
    expect(await ack(redis, keys, "sam", "g", ids.slice(0, 2))).toBe(0);
    expect((await redis.xpending(keys.stream, "g"))[0]).toBe(1);
  });

  it("claims only messages idle long enough", async () => {
    const { redis, keys } = await redisFixture();
    const ids = await add(redis, keys.stream, 2);
    await createGroup(redis, keys, "sam", "g", "0");
    await readAsConsumer(redis, keys, "sam", "g", "crashed", 2);
    expect(await claim(redis, keys, "sam", "g", "rescuer", 60_000, ids)).toEqual([]);
    await new Promise((resolve) => setTimeout(resolve, 30));
    expect(await claim(redis, keys, "sam", "g", "rescuer", 20, ids)).toEqual(ids);
    const page = await pendingPage(redis, keys, "g", { minIdleMs: 0, count: 10 });
    expect(page.pending.map((p) => [p.consumer, p.deliveries])).toEqual([
      ["rescuer", 2],
      ["rescuer", 2],
    ]);
  });

  it("deletes a consumer, reporting the pending messages it owned", async () => {
    const { redis, keys } = await redisFixture();
    await add(redis, keys.stream, 2);
    await createGroup(redis, keys, "sam", "g", "0");
    await readAsConsumer(redis, keys, "sam", "g", "gone", 2);
    expect(await deleteConsumer(redis, keys, "sam", "g", "gone")).toBe(2);
    expect((await getGroup(redis, keys, "g")).consumers).toEqual([]);
  });

  it("auto-claims 10,000 pending messages by looping the cursor to the end", async () => {
    const { redis, keys } = await redisFixture();
    await add(redis, keys.stream, 10_000);
    await createGroup(redis, keys, "sam", "g", "0");
    await readAsConsumer(redis, keys, "sam", "g", "crashed", 1000);
    for (let i = 0; i < 9; i++) await readAsConsumer(redis, keys, "sam", "g", "crashed", 1000);
    let cursor = "0-0";
    let claimed = 0;
    let steps = 0;
    do {
      const step = await autoclaimStep(redis, keys, "sam", "g", "rescuer", 0, cursor, 1000);
      claimed += step.claimed;
      cursor = step.cursor;
      steps++;
    } while (cursor !== "0-0" && steps < 100);
    expect(claimed).toBe(10_000);
    const [group] = await listGroups(redis, keys);
    expect(group!.consumers.find((c) => c.name === "rescuer")?.pending).toBe(10_000);
    expect(group!.consumers.find((c) => c.name === "crashed")?.pending).toBe(0);
  });

  it("moves dead letters exactly once under concurrent calls", async () => {
    const { redis, keys } = await redisFixture();
    const ids = await add(redis, keys.stream, 6);
    await createGroup(redis, keys, "sam", "g", "0");
    await readAsConsumer(redis, keys, "sam", "g", "c", 6);
    // Deliver the first four three more times each, so they reach 4 deliveries.
    for (let i = 0; i < 3; i++) await claim(redis, keys, "sam", "g", "c", 0, ids.slice(0, 4));
    await redis.xdel(keys.stream, ids[0]!);
    const results = await Promise.all(Array.from({ length: 8 }, () => moveDeadLetters(redis, keys, "sam", "g", 4)));
    expect(results.flat().sort()).toEqual(ids.slice(0, 4).sort());
    const dead = (await redis.xrange(keys.dead, "-", "+")) as [string, string[]][];
    expect(dead).toHaveLength(4);
    const byOriginal = Object.fromEntries(dead.map(([, f]) => [f[1], f]));
    expect(byOriginal[ids[1]!]).toEqual([
      "originalId",
      ids[1],
      "group",
      "g",
      "consumer",
      "c",
      "deliveries",
      "4",
      "name",
      "Guest 1",
      "seat",
      "A1",
      "movieId",
      "1",
      "sessionId",
      "2",
    ]);
    expect(byOriginal[ids[0]!]).toContain("deletedFromStream");
    const left = await pendingPage(redis, keys, "g", { minIdleMs: 0, count: 10 });
    expect(left.pending.map((p) => p.id)).toEqual(ids.slice(4));
  });
});
