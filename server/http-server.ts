import { createHash, randomUUID, timingSafeEqual } from "node:crypto";
import { createServer, type IncomingMessage, type Server as HttpServer, type ServerResponse } from "node:http";
import { Server } from "socket.io";
import { clientAddressResolver } from "@/lib/client-address";
import type { ClientToServerEvents, ServerToClientEvents } from "@/lib/events";
import type { RetentionPolicy } from "@/lib/config";
import type { StreamKeys } from "@/lib/keys";
import { idMs } from "@/lib/stream-id";
import type { RedisClient } from "@/lib/redis";
import { lastEntryId, readRange } from "@/lib/tickets";
import { announceEndedSessions, parseEndedSessions, type EndedSessions, type Session } from "@/lib/sessions";
import { checkOrigin, isHttpsRequest, sessionFromCookie, type AuthDeps } from "./request/auth";
import { FeedHub, LIVE_ROOM } from "./feed/hub";
import { FeedLoop } from "./feed/loop";
import { GroupWatcher } from "./watchers/groups";
import { ProgramWatcher } from "./watchers/program";
import { ProgramCache } from "@/lib/program";
import { log } from "./log";
import { Metrics } from "./metrics";
import { guardPage } from "./page-guard";
import { serveFast } from "./fast-path";
import { contentSecurityPolicy, newNonce, securityHeaders, setSecurityHeaders } from "./security";

export interface AppDeps {
  /** Commands for requests and catch-up reads. */
  redis: RedisClient;
  /** Held by the feed loop alone. */
  feedRedis: RedisClient;
  /**
   * A connection of its own for SUBSCRIBE (a subscribed connection takes no other command): hears which
   * sessions other instances ended, so their sockets here close at once. Without it, only the periodic
   * re-check closes them.
   */
  subscriber?: RedisClient;
  /** The feed's indexer runs its script here, after each broadcast, so neither waits for the other. */
  indexRedis: RedisClient;
  keys: StreamKeys;
  /** `ringEntries`: FEED_RING_ENTRIES, 10,000 unless set. */
  feed: { batch: number; blockMs: number; coalesceMs?: number; replayMax?: number; ringEntries?: number };
  groupsPollMs: number;
  /** Everything that is not Socket.IO: the Next.js handler in production, a stub in tests. */
  handler: (req: IncomingMessage, res: ServerResponse) => void;
  /** Sessions: every page, API route and socket needs one. */
  auth: AuthDeps;
  /** When set, `GET /metrics` needs `Authorization: Bearer <token>`. */
  metricsToken?: string;
  /** False turns `/metrics` off (served on a network address without a token). */
  metricsServed?: boolean;
  dev?: boolean;
}

/** How often open sockets are re-checked, so an ended or disabled session loses its live link. */
const SOCKET_RECHECK_MS = 15_000;
/** How long a connection whose upload was refused (413) is read and discarded before it is dropped. */
const REFUSED_UPLOAD_LINGER_MS = 1000;
/** How long in-flight requests may take to finish when the server stops. */
const CLOSE_GRACE_MS = 1500;

export interface App {
  http: HttpServer;
  io: Server<ClientToServerEvents, ServerToClientEvents>;
  loop: FeedLoop;
  groups: GroupWatcher;
  /** The programme sales are checked against, kept current across instances. */
  programCache: ProgramCache;
  program: ProgramWatcher;
  metrics: Metrics;
  /** Closes the sockets of ended sessions here and announces it to every other instance; never rejects. */
  endSessions(ended: EndedSessions): Promise<void>;
  /** True once the subscriber listens for sessions other instances end. */
  hearsEndedSessions(): boolean;
  /** Stops accepting, closes every socket and the loop. Redis clients stay the caller's to close. */
  close(): Promise<void>;
}

const DEFAULT_RING_ENTRIES = 10_000;
/** Clocks differ (ids are stamped by Redis's): the ring serves only gaps well inside an age-based retention. */
const RETENTION_MARGIN_MS = 60_000;

/**
 * FEED_RING_ENTRIES, but never more than half of a retention by length: Redis keeps at least that many of
 * the newest entries, and the other half leaves room for the loop being behind the stream's end.
 */
function ringSize(entries: number, retention: RetentionPolicy): number {
  return retention?.kind === "maxlen" ? Math.min(entries, Math.floor(retention.maxlen / 2)) : entries;
}

/** An id a proxy or client sent that is safe to echo and log; anything else is replaced. */
const REQUEST_ID = /^[\w.:-]{1,64}$/;

/** Builds the HTTP server, Socket.IO and the feed loop; the caller listens. */
export function createApp(deps: AppDeps): App {
  const clientAddress = clientAddressResolver(deps.auth.config.trustProxy);
  const http = createServer((req, res) => {
    const began = performance.now();
    const incoming = req.headers["x-request-id"];
    const requestId = typeof incoming === "string" && REQUEST_ID.test(incoming) ? incoming : randomUUID();
    // Route handlers see only the Request Next builds from these headers; they log with this id.
    req.headers["x-streamdesk-request-id"] = requestId;
    res.setHeader("x-request-id", requestId);
    const url = req.url ?? "/";
    const queryAt = url.indexOf("?");
    const path = queryAt < 0 ? url : url.slice(0, queryAt);
    res.once("finish", () => {
      // A refused upload may still be arriving: stop answering on this connection and give the client a
      // moment to read the 413 (closing at once would reset it, losing the answer), then drop it.
      if (res.statusCode === 413 && !req.complete) {
        req.socket.end();
        setTimeout(() => req.socket.destroy(), REFUSED_UPLOAD_LINGER_MS).unref();
      }
      const seconds = (performance.now() - began) / 1000;
      metrics.request(req.method ?? "GET", path, res.statusCode, seconds);
      const line = { requestId, method: req.method, path, status: res.statusCode, ms: Math.round(seconds * 1000) };
      if (path.startsWith("/api/")) log.info("request", line);
      else log.debug("request", line);
    });
    // Pages get a nonce for their inline scripts: Next.js finds it in the request's CSP header.
    const page = !path.startsWith("/api/") && !path.startsWith("/_next/") && path !== "/metrics";
    const nonce = page ? newNonce() : undefined;
    setSecurityHeaders(req, res, deps.dev ?? false, nonce);
    if (nonce) req.headers["content-security-policy"] = contentSecurityPolicy(nonce, deps.dev ?? false);
    // Route handlers cannot see the socket; sign-in limits per address need it. Never trust a client's
    // copy, and X-Forwarded-For only as far as TRUST_PROXY says.
    req.headers["x-streamdesk-remote-address"] = clientAddress(req.socket.remoteAddress, req.headers["x-forwarded-for"]);
    if (path === "/metrics") {
      if (deps.metricsServed === false) {
        res.writeHead(404, { "content-type": "application/json" }).end(
          JSON.stringify({
            error:
              "/metrics is off: this server listens beyond this machine without METRICS_TOKEN. Set METRICS_TOKEN (16+ characters) to serve it.",
          }),
        );
        return;
      }
      return void serveMetrics(metrics, deps.metricsToken, req, res);
    }
    if (serveFast(req, res, path, queryAt < 0 ? "" : url.slice(queryAt + 1), requestId)) return;
    guardPage(deps.auth, req, res).then(
      (allowed) => allowed && deps.handler(req, res),
      (error: unknown) => {
        log.forRequest(requestId).error("page guard failed", { error });
        if (!res.headersSent) res.writeHead(500).end();
      },
    );
  });
  const io = new Server<ClientToServerEvents, ServerToClientEvents>(http, {
    path: "/socket.io",
    serveClient: false,
    // WebSocket first: no sticky sessions needed behind a load balancer; polling stays as the fallback.
    transports: ["websocket", "polling"],
    // Off, and said so: the feed writes one finished, uncompressed frame to every tab (server/feed/fan-out.ts).
    perMessageDeflate: false,
    // The same rule as for state-changing requests: a page of another site may not open a live link.
    allowRequest: (req, callback) => {
      try {
        checkOrigin("POST", req.headers.origin ?? null, req.headers.host ?? null);
        callback(null, true);
      } catch {
        callback("This live link was opened from another site, so it was refused.", false);
      }
    },
  });
  // Socket.IO answers its own requests (polling, the WebSocket handshake): give them the same headers.
  io.engine.on("headers", (headers: Record<string, string>, req: IncomingMessage) =>
    Object.assign(headers, securityHeaders(req, deps.dev ?? false)),
  );
  const retention = deps.auth.config.retention;
  const loop = new FeedLoop({
    redis: deps.feedRedis,
    indexRedis: deps.indexRedis,
    keys: deps.keys,
    ...deps.feed,
    ringEntries: ringSize(deps.feed.ringEntries ?? DEFAULT_RING_ENTRIES, retention),
    onError: (error, stage) =>
      stage === "read"
        ? log.warn("feed loop: Redis read failed, retrying", { error })
        : log.warn("feed indexer: the index script failed; indexing again from the last entry it indexed", { error }),
  });
  const metrics = new Metrics({
    streamLastId: () => lastEntryId(deps.redis, deps.keys),
    deliveredLastId: () => loop.lastId,
    redisUp: () => loop.status.redis === "up",
    connectedTabs: () => io.engine.clientsCount,
  });
  deps.redis.on("reconnecting", () => metrics.reconnecting("commands"));
  deps.feedRedis.on("reconnecting", () => metrics.reconnecting("feed"));
  if (deps.indexRedis !== deps.redis) deps.indexRedis.on("reconnecting", () => metrics.reconnecting("index"));
  // The hub's broadcast listener goes first; the per-entry metrics wait until the batch is on its way.
  const hub = new FeedHub(
    io,
    loop,
    (after, until, count) => readRange(deps.redis, deps.keys, after, until, count),
    deps.feed.replayMax,
    (afterId) => (retention?.kind === "minid" ? idMs(afterId) > Date.now() - retention.ms + RETENTION_MARGIN_MS : true),
  );
  loop.on("batch", (entries) => {
    const tabs = io.sockets.adapter.rooms.get(LIVE_ROOM)?.size ?? 0;
    const now = Date.now();
    setImmediate(() => metrics.delivered(entries, tabs, now));
  });
  const groups = new GroupWatcher(deps.redis, deps.keys, deps.groupsPollMs, () => io.engine.clientsCount > 0);
  groups.on("update", (snapshot) => io.emit("groups:update", snapshot));
  const programCache = new ProgramCache(deps.redis, deps.keys);
  const program = new ProgramWatcher(deps.redis, deps.keys, programCache, deps.groupsPollMs);
  program.on("update", (view) => io.emit("program:update", view));
  // Sales through this app hold their seats before they are broadcast; entries other programs append
  // only once indexed: a cached view is stale after either.
  loop.on("batch", () => program.salesMoved());
  loop.on("indexed", () => program.salesMoved());
  io.use((socket, next) => {
    sessionFromCookie(deps.auth, socket.request.headers.cookie, isHttpsRequest(socket.request)).then(
      (session) => {
        if (!session) return next(new Error("Sign in first: the live feed needs a staff session."));
        if (session.user.mustChangePassword) return next(new Error("Change your password first."));
        socket.data.session = session;
        void socket.join([`user:${session.user.username}`, `session:${session.id}`]);
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
      sessionFromCookie(deps.auth, socket.request.headers.cookie, isHttpsRequest(socket.request), false).then(
        (current) => current || socket.disconnect(true),
        () => {},
      );
    }
  }, SOCKET_RECHECK_MS);
  recheck.unref();

  const closeSockets = (ended: EndedSessions) => {
    const room = "sessionId" in ended ? `session:${ended.sessionId}` : `user:${ended.username}`;
    for (const id of [...(io.sockets.adapter.rooms.get(room) ?? [])]) {
      const socket = io.sockets.sockets.get(id);
      if (socket && !("except" in ended && (socket.data.session as Session | undefined)?.id === ended.except)) socket.disconnect(true);
    }
  };
  let subscribed = false;
  const subscriber = deps.subscriber;
  const subscribe = () => {
    subscriber?.subscribe(deps.keys.sessionsEnded).then(
      () => (subscribed = true),
      // Not connected yet: the next "ready" tries again (every "ready" subscribes anew: autoResubscribe is off).
      () => {},
    );
  };
  const onMessage = (channel: string, message: string) => {
    if (channel !== deps.keys.sessionsEnded) return;
    const ended = parseEndedSessions(message);
    if (ended) closeSockets(ended);
  };
  // A new connection starts with no subscription, until "ready" has subscribed it again.
  const unsubscribed = () => (subscribed = false);
  subscriber?.on("message", onMessage);
  subscriber?.on("close", unsubscribed);
  subscriber?.on("ready", subscribe);
  if (subscriber?.status === "ready") subscribe();

  io.on("connection", (socket) => {
    hub.attach(socket);
    if (groups.snapshot) socket.emit("groups:update", groups.snapshot);
    else groups.refresh();
    program.view().then(
      (view) => socket.emit("program:update", view),
      () => {},
    );
  });
  loop.on("status", (status) => log.info(`feed loop: Redis ${status.redis}`));
  loop.start();
  groups.start();
  program.start();

  return {
    http,
    io,
    loop,
    groups,
    programCache,
    program,
    metrics,
    async endSessions(ended) {
      closeSockets(ended);
      await announceEndedSessions(deps.redis, deps.keys, ended).catch((error: unknown) =>
        log.warn("could not announce ended sessions to other instances; their re-check closes the sockets", { error }),
      );
    },
    hearsEndedSessions: () => subscribed,
    async close() {
      clearInterval(recheck);
      hub.close();
      subscriber?.off("message", onMessage);
      subscriber?.off("ready", subscribe);
      subscriber?.off("close", unsubscribed);
      const closed = new Promise<void>((resolve) => http.close(() => resolve()));
      http.closeIdleConnections();
      io.disconnectSockets(true);
      // In-flight requests get a moment to finish; then keep-alive connections a browser holds open
      // must not keep the process from exiting.
      const force = setTimeout(() => http.closeAllConnections(), CLOSE_GRACE_MS);
      force.unref();
      await Promise.all([loop.stop(), groups.stop(), program.stop(), io.close().catch(() => {}), closed]);
      clearTimeout(force);
    },
  };
}

/** `GET /metrics` in Prometheus text format; behind a bearer token when one is configured. */
async function serveMetrics(metrics: Metrics, token: string | undefined, req: IncomingMessage, res: ServerResponse): Promise<void> {
  if (req.method !== "GET" && req.method !== "HEAD") {
    res.writeHead(405, { allow: "GET", "content-type": "application/json" }).end(JSON.stringify({ error: "Use GET /metrics." }));
    return;
  }
  if (token !== undefined && !sameSecret(req.headers.authorization ?? "", `Bearer ${token}`)) {
    res
      .writeHead(401, { "www-authenticate": "Bearer", "content-type": "application/json" })
      .end(JSON.stringify({ error: "Send METRICS_TOKEN as Authorization: Bearer <token> to read /metrics." }));
    return;
  }
  const rendered = await metrics.render().catch((error: unknown) => {
    log.error("rendering /metrics failed", { error });
    return undefined;
  });
  if (!rendered) {
    res
      .writeHead(500, { "content-type": "application/json" })
      .end(JSON.stringify({ error: "Metrics could not be collected; see the server log." }));
    return;
  }
  const { contentType, body } = rendered;
  res.writeHead(200, { "content-type": contentType, "cache-control": "no-store" }).end(req.method === "HEAD" ? undefined : body);
}

/** Compares without leaking, through timing, how much of a guess was right. */
function sameSecret(given: string, expected: string): boolean {
  const digest = (value: string) => createHash("sha256").update(value).digest();
  return timingSafeEqual(digest(given), digest(expected));
}
