import { describe, expect, inject, it } from "vitest";
import { startChildApp } from "./support/child-app";
import { redisFixture } from "./support/context";
import { signedIn } from "./support/session";
import { compareFeed, openTab, streamIds } from "./support/tab";
import { until } from "./support/writer";

const post = (url: string, path: string, cookie: string, body: unknown) =>
  fetch(`${url}${path}`, {
    method: "POST",
    headers: { cookie, origin: url, "content-type": "application/json" },
    body: JSON.stringify(body),
  });

describe("two instances on one Redis and stream", () => {
  it("shows a sale made through one instance in tabs of the other, and group changes likewise", async () => {
    const { redis, keys } = await redisFixture(inject("redisUrl"));
    const seller = await signedIn(redis, keys, "ann", "seller");
    const supervisor = await signedIn(redis, keys, "sam", "supervisor");
    const [a, b] = await Promise.all([
      startChildApp({ redisUrl: inject("redisUrl"), stream: keys.stream, port: 0 }),
      startChildApp({ redisUrl: inject("redisUrl"), stream: keys.stream, port: 0 }),
    ]);
    const onA = openTab(a.url, seller, "0-0");
    const onB = [openTab(b.url, seller, "0-0"), openTab(b.url, supervisor, "0-0")];
    const tabs = [onA, ...onB];
    await until(() => tabs.every((tab) => tab.resumed === 1 && tab.groups.length > 0), 5000, "tabs on both instances to go live");

    // One sale through A: B's tabs show it, with the id A answered.
    const first = await post(a.url, "/api/tickets", seller, { name: "Jim Crews", seat: "B12", movieId: 53, sessionId: 832 });
    expect(first.status).toBe(201);
    const { id } = (await first.json()) as { id: string };
    await until(() => onB.every((tab) => tab.ids.includes(id)), 5000, "the sale made through A to reach B's tabs");

    // Forty more, alternating between the instances, all at once: every tab of both ends equal to XRANGE.
    const answers = await Promise.all(
      Array.from({ length: 40 }, (_, i) =>
        post(i % 2 ? b.url : a.url, "/api/tickets", seller, {
          name: `Guest ${i}`,
          seat: `${"CD"[Math.floor(i / 20)]}${(i % 20) + 1}`,
          movieId: 53,
          sessionId: 832,
        }),
      ),
    );
    expect(answers.map((response) => response.status)).toEqual(Array(40).fill(201));
    // The seat is held across instances: selling B12 again through B is refused.
    const again = await post(b.url, "/api/tickets", seller, { name: "Beth Harmon", seat: "B12", movieId: 53, sessionId: 832 });
    expect(again.status).toBe(409);
    const all = await streamIds(redis, keys.stream);
    expect(all).toHaveLength(41);
    for (const tab of tabs) {
      await until(() => tab.ids.length >= all.length, 5000, "every tab to hold every sale");
      expect(compareFeed(tab.ids, all)).toEqual({ duplicated: [], missing: [] });
      expect(tab.ids).toEqual(all);
    }

    // A group created through A appears in B's tabs; a reader's progress (any program) follows.
    const created = await post(a.url, "/api/groups", supervisor, { name: "printing", start: "0" });
    expect(created.status).toBe(201);
    await until(
      () => onB.every((tab) => tab.groups.at(-1)?.some((g) => g.name === "printing" && g.lag === 41) === true),
      5000,
      "B's tabs to see the new group",
    );
    await redis.xreadgroup("GROUP", "printing", "consumer-1", "COUNT", 10, "STREAMS", keys.stream, ">");
    await until(
      () => tabs.every((tab) => tab.groups.at(-1)?.find((g) => g.name === "printing")?.pending === 10),
      5000,
      "every tab on both instances to see 10 pending",
    );
    expect(onB[0]!.groups.at(-1)).toEqual([
      expect.objectContaining({
        name: "printing",
        pending: 10,
        lag: 31,
        consumers: [expect.objectContaining({ name: "consumer-1", pending: 10 })],
      }),
    ]);
  });
});
