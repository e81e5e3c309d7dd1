import { describe, expect, inject, it } from "vitest";
import type { GroupInfo } from "@/lib/groups";
import { openSocket, startTestApp } from "./support/app";
import { until } from "./support/writer";

async function start() {
  return startTestApp(inject("redisUrl"), { groupsPollMs: 100 });
}

function tab(url: string, cookie: string) {
  const updates: GroupInfo[][] = [];
  openSocket(url, cookie).on("groups:update", ({ groups }) => updates.push(groups));
  return updates;
}

describe("GroupWatcher", () => {
  it("pushes changes made by other programs to every tab, and nothing while nothing changes", async () => {
    const { app, redis, keys, url, cookie } = await start();
    await redis.xgroup("CREATE", keys.stream, "printing", "$", "MKSTREAM");
    const tabs = [tab(url, cookie), tab(url, cookie), tab(url, cookie)];
    await until(() => tabs.every((updates) => updates.length >= 1), 5000, "the first update");
    const id = await redis.xadd(keys.stream, "*", "name", "Jim Crews", "seat", "B12", "movieId", "53", "sessionId", "832");
    await redis.xreadgroup("GROUP", "printing", "consumer-1", "STREAMS", keys.stream, ">");
    await until(() => tabs.every((updates) => updates.at(-1)?.[0]?.pending === 1), 5000, "pending 1");
    await redis.xack(keys.stream, "printing", id!);
    await until(() => tabs.every((updates) => updates.at(-1)?.[0]?.pending === 0), 5000, "pending 0");

    const before = tabs.map((updates) => updates.length);
    const polls = app.groups.polls;
    await until(() => app.groups.polls >= polls + 5, 5000, "five more polls");
    expect(tabs.map((updates) => updates.length)).toEqual(before);
    expect(tabs[0]!.at(-1)).toEqual([
      expect.objectContaining({
        name: "printing",
        pending: 0,
        lag: 0,
        consumers: [expect.objectContaining({ name: "consumer-1", pending: 0 })],
      }),
    ]);
  });

  it("polls once per interval whatever the number of tabs", async () => {
    const { app, url, cookie } = await start();
    for (let i = 0; i < 20; i++) tab(url, cookie);
    await until(() => app.io.engine.clientsCount === 20, 5000, "20 tabs");
    const polls = app.groups.polls;
    await new Promise((resolve) => setTimeout(resolve, 1000));
    // 100 ms interval: about ten polls a second, never one per tab.
    expect(app.groups.polls - polls).toBeLessThanOrEqual(12);
    expect(app.groups.polls - polls).toBeGreaterThanOrEqual(1);
  });
});
