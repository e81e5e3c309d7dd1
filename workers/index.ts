// `npm run worker -- <kind>`: one consumer of the tickets stream, until SIGTERM or SIGINT.
import { hostname } from "node:os";
import { ConfigError, loadConfig } from "@/lib/config";
import { streamKeys } from "@/lib/keys";
import { createRedisClient, whenReady, type RedisTarget } from "@/lib/redis";
import { log } from "@/server/log";
import { Accountant } from "./accounting";
import { ConsumerLoop, type Handler } from "./loop";
import { TicketPrinter } from "./tickets";

const KINDS = { tickets: "printing", accounting: "accounting" } as const;
type Kind = keyof typeof KINDS;

/**
 * Entries per XREADGROUP: large enough to amortise the round trips, small enough to redo after a crash. A
 * tickets batch must also be handled well within WORKER_CLAIM_IDLE_MS (a ticket takes a few ms), or
 * another consumer would take it over while it is still in hand.
 */
const BATCH = { tickets: 20, accounting: 200 } as const;
/** Short, so SIGTERM is honoured within about a second even while the stream is quiet. */
const BLOCK_MS = 1000;

function fail(message: string): never {
  process.stderr.write(`StreamDesk worker cannot start: ${message}\n`);
  process.exit(1);
}

const kind = process.argv[2];
if (kind !== "tickets" && kind !== "accounting") fail(`name the kind of worker: npm run worker -- tickets, or npm run worker -- accounting (got "${kind ?? ""}").`);

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
const group = config.workers.group ?? KINDS[kind as Kind];
// Host + pid: unique per process, so a restarted worker never mistakes a dead one's pending entries for its own.
const consumer = config.workers.consumer ?? `${hostname()}-${process.pid}`;
const redis = createRedisClient(target, { name: `streamdesk:worker:${kind}` });
const blocking = createRedisClient(target, { name: `streamdesk:worker:${kind}:read`, blocking: true });
const handler: Handler = kind === "tickets" ? new TicketPrinter(redis, keys, config.workers.outDir) : new Accountant(redis, keys);
const workerLog = log.with({ worker: kind, stream: keys.stream, group, consumer });

const loop = new ConsumerLoop({
  redis,
  blocking,
  keys,
  group,
  consumer,
  handler,
  log: workerLog,
  batch: BATCH[kind as Kind],
  blockMs: BLOCK_MS,
  reclaimMs: config.workers.reclaimMs,
  claimIdleMs: config.workers.claimIdleMs,
  deadLetterDeliveries: config.groups.deadLetterDeliveries,
});

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

workerLog.info("worker started", { reclaimMs: config.workers.reclaimMs, claimIdleMs: config.workers.claimIdleMs, ...(kind === "tickets" ? { outDir: config.workers.outDir } : {}) });
// Commands fail fast while disconnected; give the first connection a moment before the loop's backoff takes over.
await Promise.all([whenReady(redis, 5000), whenReady(blocking, 5000)]).catch(() => workerLog.warn("Redis is not answering yet; retrying with backoff"));
await loop.run();
