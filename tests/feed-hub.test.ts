import type { AddressInfo } from "node:net";
import { io as connect, type Socket } from "socket.io-client";
import { afterEach, describe, expect, it } from "vitest";
import type { ClientToServerEvents, ServerToClientEvents } from "@/lib/events";
import { streamKeys } from "@/lib/keys";
import { createRedisClient, whenReady, type RedisClient } from "@/lib/redis";
import { createApp, type App } from "@/server/app";
import { uniqueStream } from "./support/context";
import { startRedisServer, type TestRedis } from "./support/redis-server";
import { startWriter, until } from "./support/writer";

type Client = Socket<ServerToClientEvents, ClientToServerEvents>;

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function startApp(redisServer: TestRedis) {
  const target = { mode: "single" as const, url: redisServer.url };
  const redis = createRedisClient(target, { name: "test:commands" });
  const feedRedis = createRedisClient(target, { name: "test:feed", blocking: true });
  await whenReady(redis, 5000);
  const keys = streamKeys(uniqueStream());
  const app: App = createApp({
    redis,
    feedRedis,
    keys,
    feed: { batch: 500, blockMs: 500 },
    groupsPollMs: 200,
    handler: (_req, res) => res.writeHead(404).end(),
  });
  await new Promise<void>((resolve) => app.http.listen(0, "127.0.0.1", resolve));
  cleanups.push(async () => {
    await app.close();
    redis.disconnect();
  });
  await until(() => app.loop.lastId !== undefined, 5000, "the feed loop");
  return { app, redis, keys, url: `http://127.0.0.1:${(app.http.address() as AddressInfo).port}` };
}

/** A tab: keeps every entry it was sent, and resumes from the newest one on every (re)connect. */
function openTab(url: string, afterId: string) {
  const ids: string[] = [];
  let newest = afterId;
  let caughtUp = 0;
  const socket: Client = connect(url, { transports: ["websocket"], reconnectionDelay: 50, reconnectionDelayMax: 200 });
  socket.on("connect", () =>
    socket.emit("feed:resume", { afterId: newest }, (reply) => {
      if ("upTo" in reply) caughtUp++;
    }),
  );
  socket.on("feed:entries", (entries) => {
    for (const entry of entries) ids.push(entry.id);
    newest = entries.at(-1)?.id ?? newest;
  });
  cleanups.push(() => void socket.disconnect());
  return {
    socket,
    ids,
    get caughtUp() {
      return caughtUp;
    },
  };
}

async function allIds(redis: RedisClient, stream: string): Promise<string[]> {
  return ((await redis.xrange(stream, "-", "+")) as [string, string[]][]).map(([id]) => id);
}

describe("FeedHub", () => {
  it("replays what a tab missed, then streams live entries, with no gap and no duplicate", async () => {
    const redisServer = await startRedisServer();
    cleanups.push(() => redisServer.dispose());
    const { redis, keys, url } = await startApp(redisServer);
    const early = await redis.xadd(keys.stream, "*", "name", "first");
    const writer = startWriter(redis, keys.stream, { total: 3000 });
    await until(() => writer.written > 500, 10_000, "a head start");
    const tab = openTab(url, early!);
    await writer.done;
    const all = await allIds(redis, keys.stream);
    await until(() => tab.ids.length >= all.length - 1, 10_000, "the tab to receive everything");
    expect(tab.ids).toEqual(all.slice(1));
    expect(tab.caughtUp).toBe(1);
  });

  it("gives a tab that reconnects mid-burst exactly what it missed", async () => {
    const redisServer = await startRedisServer();
    cleanups.push(() => redisServer.dispose());
    const { redis, keys, url } = await startApp(redisServer);
    const tab = openTab(url, "0-0");
    await until(() => tab.caughtUp === 1, 5000, "the tab to go live");
    const writer = startWriter(redis, keys.stream, { total: 4000 });
    await until(() => tab.ids.length > 500, 10_000, "entries before the disconnect");
    tab.socket.io.engine.close();
    await until(() => tab.caughtUp === 2, 10_000, "the tab to reconnect and resume");
    await writer.done;
    const all = await allIds(redis, keys.stream);
    await until(() => tab.ids.length >= all.length, 10_000, "the tab to receive everything");
    expect(tab.ids).toEqual(all);
  });

  it("keeps tabs whole across a Redis kill -9 and restart", async () => {
    const redisServer = await startRedisServer({ appendonly: true });
    cleanups.push(() => redisServer.dispose());
    const { redis, keys, url } = await startApp(redisServer);
    const tabs = [openTab(url, "0-0"), openTab(url, "0-0")];
    await until(() => tabs.every((tab) => tab.caughtUp === 1), 5000, "tabs to go live");
    const writer = startWriter(redis, keys.stream);
    await until(() => tabs[0]!.ids.length > 300, 10_000, "entries before the kill");
    await redisServer.kill();
    await new Promise((resolve) => setTimeout(resolve, 300));
    await redisServer.start();
    const resumedAt = writer.written;
    await until(() => writer.written > resumedAt + 300, 15_000, "writes after the restart");
    await writer.stop();
    const all = await allIds(redis, keys.stream);
    for (const tab of tabs) {
      await until(() => tab.ids.length >= all.length, 15_000, "the tab to catch up");
      expect(tab.ids).toEqual(all);
    }
  });

  it("refuses a resume without a valid id, saying what to send", async () => {
    const redisServer = await startRedisServer();
    cleanups.push(() => redisServer.dispose());
    const { url } = await startApp(redisServer);
    const socket: Client = connect(url, { transports: ["websocket"] });
    cleanups.push(() => void socket.disconnect());
    const reply = await new Promise((resolve) => socket.emit("feed:resume", { afterId: "latest" }, resolve));
    expect(reply).toEqual({ error: expect.stringMatching(/afterId/) });
  });
});
