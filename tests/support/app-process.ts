/**
 * The real HTTP + Socket.IO server (createApp) in a process of its own, so a test can kill -9 it or send
 * it SIGTERM. Run with tsx; configured by one JSON argument (see {@link ChildAppOptions}). Next.js is not
 * loaded: POST/GET /api/tickets, GET/POST /api/groups and GET /api/health go to the real route modules,
 * everything else answers 404. Prints `ready <port>` once it listens.
 */
import * as groups from "@/app/api/groups/route";
import * as health from "@/app/api/health/route";
import * as tickets from "@/app/api/tickets/route";
import { setContext } from "@/server/request/context";
import { log } from "@/server/log";
import { startStreamDesk } from "@/server/start";
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

const desk = startStreamDesk(
  {
    ...config,
    redis: { mode: "single", url: options.redisUrl, explicit: true },
    streamKey: options.stream,
    feed: { ...config.feed, batch: 500, blockMs: 500, coalesceMs: 5, replayMax: options.replayMax ?? config.feed.replayMax },
    groups: { ...config.groups, pollMs: options.groupsPollMs ?? 200 },
    metricsServed: true,
  },
  {
    secret: TEST_SECRET,
    clientName: "child",
    handler: serveRoutes({ "/api/tickets": tickets, "/api/groups": groups, "/api/health": health }),
  },
);
setContext(desk.context);

process.once("SIGTERM", () => void desk.close().then(() => process.exit(0)));

void desk.listen(options.port, "127.0.0.1").then((port) => process.stdout.write(`ready ${port}\n`));
