/**
 * The real HTTP + Socket.IO server (createApp) in a process of its own, so a test can kill -9 it or send
 * it SIGTERM. Run with tsx; configured by one JSON argument (see {@link ChildAppOptions}). Next.js is not
 * loaded: POST/GET /api/tickets, GET/POST /api/groups and GET /api/health go to the real route modules,
 * everything else answers 404. Prints `ready <port>` once it listens.
 */
import type { AddressInfo } from "node:net";
import * as groups from "@/app/api/groups/route";
import * as health from "@/app/api/health/route";
import * as tickets from "@/app/api/tickets/route";
import { streamKeys } from "@/lib/keys";
import { createRedisClient } from "@/lib/redis";
import { createApp } from "@/server/http-server";
import { setContext } from "@/server/request/context";
import { log } from "@/server/log";
import { serveRoutes } from "./routes";
import { config, TEST_SECRET } from "./session";

export interface ChildAppOptions {
  redisUrl: string;
  stream: string;
  /** 0 for any free port. */
  port: number;
  groupsPollMs?: number;
  /** FEED_REPLAY_MAX for this server. */
  replayMax?: number;
}

const options = JSON.parse(process.argv[2] ?? "{}") as ChildAppOptions;
log.setLevel("silent");

const target = { mode: "single" as const, url: options.redisUrl };
const redis = createRedisClient(target, { name: "child:commands" });
const feedRedis = createRedisClient(target, { name: "child:feed", blocking: true });
const subscriber = createRedisClient(target, { name: "child:events" });
const indexRedis = createRedisClient(target, { name: "child:index" });
const keys = streamKeys(options.stream);
const app = createApp({
  redis,
  feedRedis,
  subscriber,
  indexRedis,
  keys,
  feed: { batch: 500, blockMs: 500, coalesceMs: 5, replayMax: options.replayMax },
  groupsPollMs: options.groupsPollMs ?? 200,
  handler: serveRoutes({ "/api/tickets": tickets, "/api/groups": groups, "/api/health": health }),
  auth: { redis, keys, config, secret: TEST_SECRET },
});
setContext({
  config,
  redis,
  keys,
  secret: TEST_SECRET,
  feedStatus: () => app.loop.status,
  groupsChanged: () => app.groups.refresh(),
  program: app.programCache,
  programChanged: () => app.program.refresh(),
  endSessions: (ended) => app.endSessions(ended),
});

process.once("SIGTERM", () => {
  void app.close().then(() => {
    redis.disconnect();
    subscriber.disconnect();
    indexRedis.disconnect();
    process.exit(0);
  });
});

app.http.listen(options.port, "127.0.0.1", () => {
  process.stdout.write(`ready ${(app.http.address() as AddressInfo).port}\n`);
});
