import { createServer, type IncomingMessage, type Server as HttpServer, type ServerResponse } from "node:http";
import { Server } from "socket.io";
import type { ClientToServerEvents, ServerToClientEvents } from "@/lib/events";
import type { StreamKeys } from "@/lib/keys";
import type { RedisClient } from "@/lib/redis";
import { readRange } from "@/lib/tickets";
import type { Session } from "@/lib/sessions";
import { sessionFromCookie, type AuthDeps } from "./auth";
import { FeedHub } from "./feed-hub";
import { FeedLoop } from "./feed-loop";
import { GroupWatcher } from "./group-watcher";
import { log } from "./log";
import { guardPage } from "./page-guard";
import { setSecurityHeaders } from "./security";

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
  /** Sessions: every page, API route and socket needs one. */
  auth: AuthDeps;
  dev?: boolean;
}

/** How often open sockets are re-checked, so an ended or disabled session loses its live link. */
const SOCKET_RECHECK_MS = 15_000;
/** How long in-flight requests may take to finish when the server stops. */
const CLOSE_GRACE_MS = 1500;

export interface App {
  http: HttpServer;
  io: Server<ClientToServerEvents, ServerToClientEvents>;
  loop: FeedLoop;
  groups: GroupWatcher;
  /** Closes every open socket of one person (their account was disabled). */
  endUserSockets(username: string): void;
  /** Stops accepting, closes every socket and the loop. Redis clients stay the caller's to close. */
  close(): Promise<void>;
}

/** Builds the HTTP server, Socket.IO and the feed loop; the caller listens. */
export function createApp(deps: AppDeps): App {
  const http = createServer((req, res) => {
    setSecurityHeaders(res, deps.dev ?? false);
    // Route handlers cannot see the socket; sign-in limits per address need it. Never trust a client's copy.
    req.headers["x-streamdesk-remote-address"] = req.socket.remoteAddress ?? "unknown";
    guardPage(deps.auth, req, res).then(
      (allowed) => allowed && deps.handler(req, res),
      (error: unknown) => {
        log.error("page guard failed", { error });
        if (!res.headersSent) res.writeHead(500).end();
      },
    );
  });
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
  io.use((socket, next) => {
    sessionFromCookie(deps.auth, socket.request.headers.cookie).then(
      (session) => {
        if (!session) return next(new Error("Sign in first: the live feed needs a staff session."));
        if (session.user.mustChangePassword) return next(new Error("Change your password first."));
        socket.data.session = session;
        void socket.join(`user:${session.user.username}`);
        next();
      },
      () => next(new Error("StreamDesk cannot reach Redis to check your sign-in; it retries by itself.")),
    );
  });
  const recheck = setInterval(() => {
    for (const socket of io.sockets.sockets.values()) {
      const session = socket.data.session as Session | undefined;
      if (!session) continue;
      // A Redis outage is not a reason to drop anyone: only a definite "no session" is.
      sessionFromCookie(deps.auth, socket.request.headers.cookie, false).then(
        (current) => current || socket.disconnect(true),
        () => {},
      );
    }
  }, SOCKET_RECHECK_MS);
  recheck.unref();
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
    endUserSockets(username: string) {
      io.in(`user:${username}`).disconnectSockets(true);
    },
    async close() {
      clearInterval(recheck);
      const closed = new Promise<void>((resolve) => http.close(() => resolve()));
      http.closeIdleConnections();
      io.disconnectSockets(true);
      // In-flight requests get a moment to finish; then keep-alive connections a browser holds open
      // must not keep the process from exiting.
      const force = setTimeout(() => http.closeAllConnections(), CLOSE_GRACE_MS);
      force.unref();
      await Promise.all([loop.stop(), groups.stop(), io.close().catch(() => {}), closed]);
      clearTimeout(force);
    },
  };
}
