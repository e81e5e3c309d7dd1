import { describe, expect, it } from "vitest";
import type { RawEntry } from "@/lib/entries";
import { readAfterAsJson } from "@/lib/tickets";
import { redisFixture } from "./support/context";
import { AWKWARD } from "./support/awkward-entries";

describe("readAfterAsJson", () => {
  it("reads the same entries as XRANGE, value for value, whatever they hold", async () => {
    const { redis, keys } = await redisFixture();
    const ids: string[] = [];
    for (const fields of AWKWARD) ids.push((await redis.xadd(keys.stream, "*", ...fields))!);
    const xrange = (await redis.xrange(keys.stream, `(${ids[0]}`, "+")) as RawEntry[];
    const json = await readAfterAsJson(redis, keys, ids[0]!, 100);
    expect(json).toEqual(xrange);
    expect(json.map(([id]) => id)).toEqual(ids.slice(1));
  });

  it("reads at most count entries after the id, oldest first, and none after the newest or from a missing stream", async () => {
    const { redis, keys } = await redisFixture();
    expect(await readAfterAsJson(redis, keys, "0-0", 10)).toEqual([]);
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) ids.push((await redis.xadd(keys.stream, "*", "name", `n${i}`))!);
    expect((await readAfterAsJson(redis, keys, ids[0]!, 3)).map(([id]) => id)).toEqual(ids.slice(1, 4));
    expect(await readAfterAsJson(redis, keys, ids[4]!, 3)).toEqual([]);
  });
});
