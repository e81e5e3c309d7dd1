import { createServer, type IncomingMessage, type Server as HttpServer, type ServerResponse } from "node:http";
import { Server } from "socket.io";
import type { ClientToServerEvents, ServerToClientEvents } from "@/lib/events";
import type { StreamKeys } from "@/lib/keys";
import type { RedisClient } from "@/lib/redis";
import { readRange } from "@/lib/tickets";
import { FeedHub } from "./feed-hub";
import { FeedLoop } from "./feed-loop";
import { GroupWatcher } from "./group-watcher";
import { log } from "./log";

export interface AppDeps {
  /** Commands for requests and catch-up reads. */
  redis: RedisClient;
  /** Held by the feed loop alone. */
  feedRedis: RedisClient;
  keys: StreamKeys;
  feed: { batch: number; blockMs: number };
  groupsPollMs: number;
  /** Everything that is not Socket.IO: the Next.js handler in production, a stub in tests. */
  handler: (req: IncomingMessage, res: ServerResponse) => void;
}

export interface App {
  http: HttpServer;
  io: Server<ClientToServerEvents, ServerToClientEvents>;
  loop: FeedLoop;
  groups: GroupWatcher;
  /** Stops accepting, closes every socket and the loop. Redis clients stay the caller's to close. */
  close(): Promise<void>;
}

/** Builds the HTTP server, Socket.IO and the feed loop; the caller listens. */
export function createApp(deps: AppDeps): App {
  const http = createServer(deps.handler);
  const io = new Server<ClientToServerEvents, ServerToClientEvents>(http, {
    path: "/socket.io",
    serveClient: false,
    // WebSocket first: no sticky sessions needed behind a load balancer; polling stays as the fallback.
    transports: ["websocket", "polling"],
  });
  const loop = new FeedLoop({
    redis: deps.feedRedis,
    keys: deps.keys,
    ...deps.feed,
    onError: (error) => log.warn("feed loop: Redis read failed, retrying", { error }),
  });
  const hub = new FeedHub(io, loop, (after, until, count) => readRange(deps.redis, deps.keys, after, until, count));
  const groups = new GroupWatcher(deps.redis, deps.keys, deps.groupsPollMs, () => io.engine.clientsCount > 0);
  groups.on("update", (snapshot) => io.emit("groups:update", snapshot));
  io.on("connection", (socket) => {
    hub.attach(socket);
    if (groups.snapshot) socket.emit("groups:update", groups.snapshot);
    else groups.refresh();
  });
  loop.on("status", (status) => log.info(`feed loop: Redis ${status.redis}`));
  loop.start();
  groups.start();

  return {
    http,
    io,
    loop,
    groups,
    async close() {
      const closed = new Promise<void>((resolve) => http.close(() => resolve()));
      http.closeIdleConnections();
      io.disconnectSockets(true);
      await Promise.all([loop.stop(), groups.stop(), io.close().catch(() => {}), closed]);
    },
  };
}
