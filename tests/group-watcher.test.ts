import type { AddressInfo } from "node:net";
import { io as connect, type Socket } from "socket.io-client";
import { afterEach, describe, expect, it } from "vitest";
import type { ClientToServerEvents, ServerToClientEvents } from "@/lib/events";
import type { GroupInfo } from "@/lib/groups";
import { inject } from "vitest";
import { streamKeys } from "@/lib/keys";
import { createRedisClient, whenReady } from "@/lib/redis";
import { createApp } from "@/server/app";
import { uniqueStream } from "./support/context";
import { until } from "./support/writer";

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function start() {
  const target = { mode: "single" as const, url: inject("redisUrl") };
  const redis = createRedisClient(target, { name: "test:commands" });
  const feedRedis = createRedisClient(target, { name: "test:feed", blocking: true });
  await whenReady(redis, 5000);
  const keys = streamKeys(uniqueStream());
  const app = createApp({ redis, feedRedis, keys, feed: { batch: 100, blockMs: 500 }, groupsPollMs: 100, handler: (_q, s) => s.writeHead(404).end() });
  await new Promise<void>((resolve) => app.http.listen(0, "127.0.0.1", resolve));
  cleanups.push(async () => {
    await app.close();
    redis.disconnect();
  });
  const url = `http://127.0.0.1:${(app.http.address() as AddressInfo).port}`;
  return { app, redis, keys, url };
}

function tab(url: string) {
  const updates: GroupInfo[][] = [];
  const socket: Socket<ServerToClientEvents, ClientToServerEvents> = connect(url, { transports: ["websocket"] });
  socket.on("groups:update", ({ groups }) => updates.push(groups));
  cleanups.push(() => void socket.disconnect());
  return updates;
}

describe("GroupWatcher", () => {
  it("pushes changes made by other programs to every tab, and nothing while nothing changes", async () => {
    const { app, redis, keys, url } = await start();
    await redis.xgroup("CREATE", keys.stream, "printing", "$", "MKSTREAM");
    const tabs = [tab(url), tab(url), tab(url)];
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
      expect.objectContaining({ name: "printing", pending: 0, lag: 0, consumers: [expect.objectContaining({ name: "consumer-1", pending: 0 })] }),
    ]);
  });

  it("polls once per interval whatever the number of tabs", async () => {
    const { app, url } = await start();
    for (let i = 0; i < 20; i++) tab(url);
    await until(() => app.io.engine.clientsCount === 20, 5000, "20 tabs");
    const polls = app.groups.polls;
    await new Promise((resolve) => setTimeout(resolve, 1000));
    // 100 ms interval: about ten polls a second, never one per tab.
    expect(app.groups.polls - polls).toBeLessThanOrEqual(12);
    expect(app.groups.polls - polls).toBeGreaterThanOrEqual(1);
  });
});
