import { afterEach, describe, expect, it } from "vitest";
import type { RedisClient } from "@/lib/redis";
import { openSocket, startTestApp } from "./support/app";
import { startRedisServer } from "@/harness/redis-server";
import { startWriter, until } from "./support/writer";

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** A tab: keeps every entry it was sent, and resumes from the newest one on every (re)connect. */
function openTab(url: string, cookie: string, afterId: string) {
  const ids: string[] = [];
  let newest = afterId;
  let caughtUp = 0;
  const socket = openSocket(url, cookie);
  socket.on("connect", () =>
    socket.emit("feed:resume", { afterId: newest }, (reply) => {
      if ("upTo" in reply) caughtUp++;
    }),
  );
  socket.on("feed:entries", (entries) => {
    for (const entry of entries) ids.push(entry.id);
    newest = entries.at(-1)?.id ?? newest;
  });
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
    const { redis, keys, url, cookie } = await startTestApp(redisServer.url);
    const early = await redis.xadd(keys.stream, "*", "name", "first");
    const writer = startWriter(redis, keys.stream, { total: 3000 });
    await until(() => writer.written > 500, 10_000, "a head start");
    const tab = openTab(url, cookie, early!);
    await writer.done;
    const all = await allIds(redis, keys.stream);
    await until(() => tab.ids.length >= all.length - 1, 10_000, "the tab to receive everything");
    expect(tab.ids).toEqual(all.slice(1));
    expect(tab.caughtUp).toBe(1);
  });

  it("gives a tab that reconnects mid-burst exactly what it missed", async () => {
    const redisServer = await startRedisServer();
    cleanups.push(() => redisServer.dispose());
    const { redis, keys, url, cookie } = await startTestApp(redisServer.url);
    const tab = openTab(url, cookie, "0-0");
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
    const { redis, keys, url, cookie } = await startTestApp(redisServer.url);
    const tabs = [openTab(url, cookie, "0-0"), openTab(url, cookie, "0-0")];
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
    const { url, cookie } = await startTestApp(redisServer.url);
    const socket = openSocket(url, cookie);
    const reply = await new Promise((resolve) => socket.emit("feed:resume", { afterId: "latest" }, resolve));
    expect(reply).toEqual({ error: expect.stringMatching(/afterId/) });
  });
});

describe("socket sign-in", () => {
  it("refuses a socket without a session, or with a forged cookie", async () => {
    const redisServer = await startRedisServer();
    cleanups.push(() => redisServer.dispose());
    const { url, cookie } = await startTestApp(redisServer.url);
    for (const bad of [undefined, cookie.replace(/.$/, (c) => (c === "A" ? "B" : "A")), "streamdesk_session=made-up.signature"]) {
      const socket = openSocket(url, bad);
      const error = await new Promise<Error>((resolve) => socket.once("connect_error", resolve));
      expect(error.message).toMatch(/Sign in first/);
      socket.disconnect();
    }
  });
});
