import type { AddressInfo } from "node:net";
import { io as connect, type Socket } from "socket.io-client";
import { onTestFinished } from "vitest";
import type { Config } from "@/lib/config";
import type { ClientToServerEvents, ServerToClientEvents } from "@/lib/events";
import { streamKeys } from "@/lib/keys";
import { createRedisClient, whenReady, type RedisTarget } from "@/lib/redis";
import { createApp, type AppDeps } from "@/server/http-server";
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
  const redis = createRedisClient(target, { name: "test:commands" });
  const feedRedis = createRedisClient(target, { name: "test:feed", blocking: true });
  const subscriber = createRedisClient(target, { name: "test:events" });
  const indexRedis = createRedisClient(options.indexRedisUrl ? { mode: "single", url: options.indexRedisUrl } : target, { name: "test:index" });
  await Promise.all([whenReady(redis, 5000), whenReady(indexRedis, 5000)]);
  const keys = streamKeys(options.stream ?? uniqueStream());
  const app = createApp({
    redis,
    feedRedis,
    subscriber,
    indexRedis,
    keys,
    feed: { batch: 500, blockMs: 500, coalesceMs: options.coalesceMs ?? 5, replayMax: options.replayMax, ringEntries: options.ringEntries },
    groupsPollMs: options.groupsPollMs ?? 200,
    handler: options.handler ?? ((_req, res) => void res.writeHead(404).end()),
    auth: { redis, keys, config: { ...config, ...options.config }, secret: TEST_SECRET },
    metricsToken: options.metricsToken,
    metricsServed: options.metricsServed,
  });
  await new Promise<void>((resolve) => app.http.listen(0, "127.0.0.1", resolve));
  onTestFinished(async () => {
    await app.close();
    redis.disconnect();
    subscriber.disconnect();
    indexRedis.disconnect();
  });
  await until(() => app.loop.lastId !== undefined, 5000, "the feed loop");
  await until(() => app.hearsEndedSessions(), 5000, "the subscription to ended sessions");
  const cookie = (await getStaff(redis, keys, "ann")) ? await anotherSession(redis, keys, "ann") : await signedIn(redis, keys, "ann", "seller");
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
