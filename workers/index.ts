// `npm run worker -- <kind>`: one consumer of the tickets stream, until SIGTERM or SIGINT.
import { hostname } from "node:os";
import { ConfigError, loadConfig } from "@/lib/config";
import { streamKeys } from "@/lib/keys";
import { createRedisClient, whenReady, type RedisTarget } from "@/lib/redis";
import { log } from "@/server/log";
import { createWorker, isWorkerKind, KINDS } from "./worker";

function fail(message: string): never {
  process.stderr.write(`StreamDesk worker cannot start: ${message}\n`);
  process.exit(1);
}

const kind = process.argv[2];
if (!isWorkerKind(kind)) fail(`name the kind of worker: npm run worker -- tickets, or npm run worker -- accounting (got "${kind ?? ""}").`);

let config;
try {
  config = loadConfig();
} catch (error) {
  if (error instanceof ConfigError) fail(error.message);
  throw error;
}
log.setLevel(config.logLevel);
const target: RedisTarget = config.redis.mode === "cluster" ? config.redis : { mode: "single", url: config.redis.url };
const keys = streamKeys(config.streamKey);
const group = config.workers.group ?? KINDS[kind];
// Host + pid: unique per process, so a restarted worker never mistakes a dead one's pending entries for its own.
const consumer = config.workers.consumer ?? `${hostname()}-${process.pid}`;
const redis = createRedisClient(target, { name: `streamdesk:worker:${kind}` });
const blocking = createRedisClient(target, { name: `streamdesk:worker:${kind}:read`, blocking: true });
const workerLog = log.with({ worker: kind, stream: keys.stream, group, consumer });

const loop = createWorker({ kind, config, keys, consumer, redis, blocking, log: workerLog });

const stop = (signal: string) => {
  workerLog.info(`${signal}: finishing the batch in hand, then stopping`);
  void loop.stop().then(() => {
    redis.disconnect();
    blocking.disconnect();
    process.exit(0);
  });
};
process.once("SIGTERM", () => stop("SIGTERM"));
process.once("SIGINT", () => stop("SIGINT"));

workerLog.info("worker started", {
  reclaimMs: config.workers.reclaimMs,
  claimIdleMs: config.workers.claimIdleMs,
  ...(kind === "tickets" ? { outDir: config.workers.outDir } : {}),
});
// Commands fail fast while disconnected; give the first connection a moment before the loop's backoff takes over.
await Promise.all([whenReady(redis, 5000), whenReady(blocking, 5000)]).catch(() =>
  workerLog.warn("Redis is not answering yet; retrying with backoff"),
);
await loop.run();
