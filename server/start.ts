import type { Config } from "@/lib/config";
import { streamKeys, type StreamKeys } from "@/lib/keys";
import { createRedisClient, type RedisClient, type RedisTarget } from "@/lib/redis";
import { createApp, type App, type AppDeps } from "./http-server";
import type { AppContext } from "./request/context";

export interface StartOptions {
  /** Everything that is not Socket.IO: the Next.js handler in production, real route modules or a stub in tests. */
  handler: AppDeps["handler"];
  /** Signs session cookies: STREAMDESK_SECRET, or one made up for this run. */
  secret: string;
  dev?: boolean;
  /** Prefix of the Redis connection names an operator sees in `CLIENT LIST`. */
  clientName?: string;
  /** Where the feed's indexer connects; the configured Redis unless set (a test may stall it through a proxy). */
  indexTarget?: RedisTarget;
}

export interface StreamDesk {
  app: App;
  /** Commands for requests and catch-up reads. */
  redis: RedisClient;
  indexRedis: RedisClient;
  keys: StreamKeys;
  /** What the route handlers in this process need: give it to setContext where they run. */
  context: AppContext;
  /** Listens on `port` and `host`; resolves with the port it got (for port 0). */
  listen(port: number, host: string): Promise<number>;
  /** Closes the server, its sockets and loops, then its Redis connections. */
  close(): Promise<void>;
}

/**
 * StreamDesk's one wiring: its Redis connections (one each for commands, the blocking feed loop,
 * SUBSCRIBE and the indexer), the HTTP and Socket.IO server on `config`, and the context for route
 * handlers. Used by server/index.ts and by the tests that run the server in their own process.
 */
export function startStreamDesk(config: Config, options: StartOptions): StreamDesk {
  const name = options.clientName ?? "streamdesk";
  const target: RedisTarget = config.redis;
  const redis = createRedisClient(target, { name: `${name}:commands` });
  const feedRedis = createRedisClient(target, { name: `${name}:feed`, blocking: true });
  // SUBSCRIBE takes a connection for itself: sessions other instances end arrive here.
  const subscriber = createRedisClient(target, { name: `${name}:events` });
  const indexRedis = createRedisClient(options.indexTarget ?? target, { name: `${name}:index` });
  const keys = streamKeys(config.streamKey);
  const { secret } = options;
  const app = createApp({
    redis,
    feedRedis,
    subscriber,
    indexRedis,
    keys,
    feed: config.feed,
    groupsPollMs: config.groups.pollMs,
    handler: options.handler,
    auth: { redis, keys, config, secret },
    metricsToken: config.metricsToken,
    metricsServed: config.metricsServed,
    dev: options.dev,
  });
  const context: AppContext = {
    config,
    redis,
    keys,
    secret,
    feedStatus: () => app.loop.status,
    groupsChanged: () => app.groups.refresh(),
    program: app.programCache,
    programChanged: () => app.program.refresh(),
    endSessions: (ended) => app.endSessions(ended),
  };
  return {
    app,
    redis,
    indexRedis,
    keys,
    context,
    async listen(port, host) {
      await new Promise<void>((resolve, reject) => {
        app.http.once("error", reject);
        app.http.listen(port, host, resolve);
      });
      const address = app.http.address();
      return typeof address === "object" && address ? address.port : port;
    },
    async close() {
      await app.close();
      redis.disconnect();
      subscriber.disconnect();
      indexRedis.disconnect();
    },
  };
}
