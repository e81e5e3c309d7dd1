import type { Config } from "@/lib/config";
import type { StreamKeys } from "@/lib/keys";
import type { RedisClient } from "@/lib/redis";
import type { StreamId } from "@/lib/stream-id";
import type { Log } from "@/server/log";
import { Accountant } from "./accounting";
import { ConsumerLoop } from "./loop";
import { TicketPrinter } from "./tickets";

/** Each kind of worker and the group it reads through unless WORKER_GROUP names another. */
export const KINDS = { tickets: "printing", accounting: "accounting" } as const;
export type WorkerKind = keyof typeof KINDS;

export function isWorkerKind(value: string | undefined): value is WorkerKind {
  return value === "tickets" || value === "accounting";
}

/**
 * Entries per XREADGROUP: large enough to amortise the round trips, small enough to redo after a crash. A
 * tickets batch must also be handled well within WORKER_CLAIM_IDLE_MS (a ticket takes a few ms), or
 * another consumer would take it over while it is still in hand.
 */
const BATCH = { tickets: 20, accounting: 200 } as const;
/** Short, so SIGTERM is honoured within about a second even while the stream is quiet. */
const BLOCK_MS = 1000;

export interface WorkerParts {
  kind: WorkerKind;
  config: Config;
  keys: StreamKeys;
  consumer: string;
  /** Commands and the handler's writes. */
  redis: RedisClient;
  /** Held by the blocking read alone. */
  blocking: RedisClient;
  log: Log;
  /** Told the ids of every batch right after its XACK (the benchmark times XADD → ack with it). */
  onAcked?: (ids: StreamId[]) => void;
}

/** The worker `npm run worker -- <kind>` runs, built in one place so the benchmark runs the very same one. */
export function createWorker({ kind, config, keys, consumer, redis, blocking, log, onAcked }: WorkerParts): ConsumerLoop {
  return new ConsumerLoop({
    redis,
    blocking,
    keys,
    group: config.workers.group ?? KINDS[kind],
    consumer,
    handler: kind === "tickets" ? new TicketPrinter(redis, keys, config.workers.outDir) : new Accountant(redis, keys),
    log,
    batch: BATCH[kind],
    blockMs: BLOCK_MS,
    reclaimMs: config.workers.reclaimMs,
    claimIdleMs: config.workers.claimIdleMs,
    deadLetterDeliveries: config.groups.deadLetterDeliveries,
    onAcked,
  });
}
