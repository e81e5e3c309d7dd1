import type { AddressInfo } from "node:net";
import { io as connect, type Socket } from "socket.io-client";
import { onTestFinished } from "vitest";
import type { Config } from "@/lib/config";
import type { ClientToServerEvents, ServerToClientEvents } from "@/lib/events";
import { whenReady, type RedisTarget } from "@/lib/redis";
import type { AppDeps } from "@/server/http-server";
import { startStreamDesk } from "@/server/start";
import { uniqueStream } from "./context";
import { getStaff } from "@/lib/staff";
import { anotherSession, config, signedIn, TEST_SECRET } from "./session";
import { until } from "./writer";

export type Client = Socket<ServerToClientEvents, ClientToServerEvents>;

/**
 * The real HTTP + Socket.IO server and feed loop (no Next.js: page requests get 404), on a free port,
 * with a signed-in seller's cookie for sockets. Closed when the test finishes.
 */
export async function startTestApp(
  redisAt: string | RedisTarget,
  options: {
    groupsPollMs?: number;
    handler?: AppDeps["handler"];
    metricsToken?: string;
    metricsServed?: boolean;
    /** Settings that differ from the defaults (TRUST_PROXY, session limits…). */
    config?: Partial<Config>;
    /** Another instance's stream, to share it (and its staff and sessions); a fresh one by default. */
    stream?: string;
    /** FEED_REPLAY_MAX for this instance. */
    replayMax?: number;
    /** FEED_RING_ENTRIES for this instance; the default (10,000) unless set. */
    ringEntries?: number;
    /** FEED_COALESCE_MS; 5 unless set. */
    coalesceMs?: number;
    /** Where the indexer's connection goes (a proxy the test can stall); the same Redis unless set. */
    indexRedisUrl?: string;
  } = {},
) {
  const target: RedisTarget = typeof redisAt === "string" ? { mode: "single", url: redisAt } : redisAt;
  const desk = startStreamDesk(
    {
      ...config,
      ...options.config,
      redis: target.mode === "single" ? { ...target, explicit: true } : target,
      streamKey: options.stream ?? uniqueStream(),
      feed: {
        ...config.feed,
        batch: 500,
        blockMs: 500,
        coalesceMs: options.coalesceMs ?? 5,
        replayMax: options.replayMax ?? config.feed.replayMax,
        ringEntries: options.ringEntries ?? config.feed.ringEntries,
      },
      groups: { ...config.groups, pollMs: options.groupsPollMs ?? 200 },
      metricsToken: options.metricsToken,
      metricsServed: options.metricsServed ?? true,
    },
    {
      secret: TEST_SECRET,
      clientName: "test",
      handler: options.handler ?? ((_req, res) => void res.writeHead(404).end()),
      indexTarget: options.indexRedisUrl ? { mode: "single", url: options.indexRedisUrl } : undefined,
    },
  );
  const { app, redis, indexRedis, keys } = desk;
  onTestFinished(() => desk.close());
  await Promise.all([whenReady(redis, 5000), whenReady(indexRedis, 5000)]);
  await desk.listen(0, "127.0.0.1");
  await until(() => app.loop.lastId !== undefined, 5000, "the feed loop");
  await until(() => app.hearsEndedSessions(), 5000, "the subscription to ended sessions");
  const cookie = (await getStaff(redis, keys, "ann"))
    ? await anotherSession(redis, keys, "ann")
    : await signedIn(redis, keys, "ann", "seller");
  return { app, redis, indexRedis, keys, cookie, url: `http://127.0.0.1:${(app.http.address() as AddressInfo).port}` };
}

/** A Socket.IO client as a tab opens it: WebSocket first, with the session cookie. */
export function openSocket(url: string, cookie: string | undefined): Client {
  const socket: Client = connect(url, {
    transports: ["websocket"],
    reconnectionDelay: 50,
    reconnectionDelayMax: 200,
    extraHeaders: cookie ? { cookie } : {},
  });
  onTestFinished(() => void socket.disconnect());
  return socket;
}
