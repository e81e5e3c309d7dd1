import { ackEntries, autoclaim, deliveryCounts, ensureGroup, readGroup } from "@/lib/consumer";
import { moveDeadLetters } from "@/lib/groups";
import type { StreamKeys } from "@/lib/keys";
import { isConnectionError, type RedisClient } from "@/lib/redis";
import type { StreamId } from "@/lib/stream-id";
import type { TicketEntry } from "@/lib/entries";
import type { Log } from "@/server/log";

/** What a handler made of a batch. Every entry not named here is done and is acked. */
export interface Outcome {
  /** Not done this time (a file could not be written…): left pending, tried again once idle, dead-lettered after enough deliveries. */
  failed: { id: StreamId; reason: string }[];
  /** Can never be done: moved to the dead-letter stream at once, with the reason. */
  poison: { id: StreamId; reason: string }[];
}

/**
 * One kind of work. `handle` must be idempotent: delivery is at least once, so the same entry can come
 * again after a crash or a lost connection, and handling it again must not repeat its effect. A throw
 * leaves the whole batch pending (a Redis failure, typically).
 */
export interface Handler {
  handle(entries: TicketEntry[]): Promise<Outcome>;
  /** Run once before the first read, to tidy up after an earlier crash; returns what it cleared, for the log. */
  prepare?(): Promise<string[]>;
}

export interface LoopOptions {
  /** Commands: acks, claims, dead letters, the handler's own writes. */
  redis: RedisClient;
  /** Held by XREADGROUP … BLOCK alone, so a blocked read never delays an ack. */
  blocking: RedisClient;
  keys: StreamKeys;
  group: string;
  consumer: string;
  handler: Handler;
  log: Log;
  batch: number;
  blockMs: number;
  /** WORKER_RECLAIM_MS: how often pending entries of dead consumers are looked for. */
  reclaimMs: number;
  /** WORKER_CLAIM_IDLE_MS: how long an entry must sit unacked before it is taken over. */
  claimIdleMs: number;
  /** DEAD_LETTER_DELIVERIES: an entry delivered this often goes to the dead-letter stream instead. */
  deadLetterDeliveries: number;
  /** Called with the ids of each batch once XACK has answered: when their effect is final. */
  onAcked?: (ids: StreamId[]) => void;
}

const BACKOFF_MIN_MS = 100;
const BACKOFF_MAX_MS = 5000;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * The textbook consumer-group loop, for one consumer of one group:
 * 1. create the group if missing (MKSTREAM);
 * 2. read this consumer's own pending entries first (`0`: what it had in hand before a crash or a lost
 *    connection), then new ones (`>`) with BLOCK;
 * 3. handle each batch, then XACK it: an entry is acked only after its effect is made, so a crash in
 *    between delivers it again (at least once) and the handler's idempotence keeps the effect single;
 * 4. at start and every `reclaimMs`, XAUTOCLAIM entries idle for `claimIdleMs` (their consumer died) and
 *    handle them too, moving those delivered `deadLetterDeliveries` times to the dead-letter stream.
 */
export class ConsumerLoop {
  #stopping = false;
  #done: Promise<void> | undefined;
  /** Why entries failed here, so their dead letter can say so. */
  readonly #reasons = new Map<StreamId, string>();
  /** Entries acked since start; for logs and tests. */
  acked = 0;

  constructor(private readonly o: LoopOptions) {}

  /** Runs until {@link stop}; Redis failures are logged and retried, never thrown. */
  run(): Promise<void> {
    this.#done ??= this.#run();
    return this.#done;
  }

  /** Finishes the batch in hand (at most one BLOCK wait), then resolves once the loop has ended. */
  async stop(): Promise<void> {
    this.#stopping = true;
    await this.#done;
  }

  async #run(): Promise<void> {
    const { log } = this.o;
    let from: ">" | StreamId = "0";
    let nextReclaim = 0;
    let failures = 0;
    let needGroup = true;
    try {
      const cleared = (await this.o.handler.prepare?.()) ?? [];
      if (cleared.length > 0) log.info("cleared what an earlier run left half-done", { count: cleared.length, first: cleared[0] });
    } catch (error) {
      // Untidy, not broken: the work itself can go on.
      log.warn("could not clear what an earlier run left", { error });
    }
    while (!this.#stopping) {
      try {
        if (needGroup) {
          if (await ensureGroup(this.o.redis, this.o.keys, this.o.group)) log.info("created the consumer group");
          needGroup = false;
        }
        if (Date.now() >= nextReclaim) {
          await this.#reclaim();
          nextReclaim = Date.now() + this.o.reclaimMs;
        }
        const blockMs = Math.max(1, Math.min(this.o.blockMs, nextReclaim - Date.now()));
        const entries = await readGroup(this.o.blocking, this.o.keys, this.o.group, this.o.consumer, from, this.o.batch, blockMs);
        if (failures > 0) log.info("Redis answers again; carrying on from the pending list", { after: failures });
        failures = 0;
        if (from !== ">") {
          // Walking our own pending list: move past this page, whatever becomes of it (failed entries wait
          // for the reclaim, so one bad entry cannot hold the loop); an empty page means we are through.
          if (entries.length === 0) {
            from = ">";
            continue;
          }
          from = entries.at(-1)!.id;
        }
        await this.#process(entries, from !== ">");
      } catch (error) {
        failures++;
        if (error instanceof Error && error.message.includes("NOGROUP")) {
          // The group was deleted (from the console) or Redis restarted empty: make it again.
          log.warn("the consumer group is gone; creating it again");
          needGroup = true;
        } else if (isConnectionError(error)) {
          if (failures === 1) log.warn("Redis is unavailable; retrying with backoff", { error });
        } else {
          log.error("worker step failed; retrying with backoff", { error });
        }
        // Whatever was read but not acked is still pending for this consumer: start over from `0`.
        from = "0";
        const backoff = Math.min(BACKOFF_MIN_MS * 2 ** Math.min(failures - 1, 6), BACKOFF_MAX_MS);
        await sleep(backoff + Math.floor(Math.random() * backoff * 0.2));
      }
    }
    log.info("worker stopped", { acked: this.acked });
  }

  /** XAUTOCLAIM through the whole pending list, handling what it takes over. */
  async #reclaim(): Promise<void> {
    let cursor: StreamId = "0-0";
    do {
      const step = await autoclaim(this.o.redis, this.o.keys, this.o.group, this.o.consumer, this.o.claimIdleMs, cursor, this.o.batch);
      cursor = step.cursor;
      if (step.entries.length > 0) {
        this.o.log.info("claimed entries left idle by another consumer", { count: step.entries.length, first: step.entries[0]!.id });
        await this.#process(step.entries, true);
      }
      if (step.deleted.length > 0)
        this.o.log.warn("pending entries were trimmed from the stream before anyone handled them", { ids: step.deleted });
    } while (cursor !== "0-0" && !this.#stopping);
  }

  /** Handles one batch. `redelivered`: entries may have been delivered before, so check their count first. */
  async #process(entries: TicketEntry[], redelivered: boolean): Promise<void> {
    if (entries.length === 0) return;
    const { redis, keys, group, log } = this.o;
    const actor = `worker:${this.o.consumer}`;
    let todo = entries;
    if (redelivered) {
      const counts = await deliveryCounts(
        redis,
        keys,
        group,
        entries.map((e) => e.id),
      );
      // An entry no longer pending was acked or dead-lettered by another consumer meanwhile: leave it.
      todo = entries.filter((e) => counts.has(e.id));
      const exhausted = todo.filter((e) => counts.get(e.id)! >= this.o.deadLetterDeliveries);
      for (const entry of exhausted) {
        const reason = this.#reasons.get(entry.id) ?? `delivered ${counts.get(entry.id)} times without being handled`;
        await moveDeadLetters(redis, keys, actor, group, this.o.deadLetterDeliveries, [entry.id], reason);
        this.#reasons.delete(entry.id);
        log.warn("moved an entry to the dead-letter stream", { id: entry.id, reason });
      }
      todo = todo.filter((e) => !exhausted.includes(e));
    }
    if (todo.length === 0) return;
    const outcome = await this.o.handler.handle(todo);
    for (const { id, reason } of outcome.poison) {
      // Delivered at least once (it is in hand): a minimum of 1 moves it now.
      await moveDeadLetters(redis, keys, actor, group, 1, [id], reason);
      log.warn("moved an entry to the dead-letter stream", { id, reason });
    }
    for (const { id, reason } of outcome.failed) {
      this.#reasons.set(id, reason);
      log.warn("could not handle an entry; it stays pending and is tried again", { id, reason });
    }
    const skip = new Set([...outcome.poison, ...outcome.failed].map((x) => x.id));
    const done = todo.filter((e) => !skip.has(e.id)).map((e) => e.id);
    for (const id of done) this.#reasons.delete(id);
    this.acked += await ackEntries(redis, keys, group, done);
    if (done.length > 0) this.o.onAcked?.(done);
  }
}
