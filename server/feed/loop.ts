import { EventEmitter } from "node:events";
import type { StreamKeys } from "@/lib/keys";
import type { RedisClient } from "@/lib/redis";
import type { StreamId } from "@/lib/stream-id";
import { catchUpIndex } from "@/lib/indexer";
import { lastEntryId, readAfterAsJson } from "@/lib/tickets";
import { toEntries, type RawEntry, type TicketEntry } from "@/lib/entries";
import type { FeedStatus } from "@/lib/events";
import { FeedIndexer } from "./indexer";
import { FeedRing } from "./ring";
import { backoff, pauseUntilReady, sleep } from "../sleep";

export interface FeedLoopOptions {
  /** A connection used by this loop alone: XREAD BLOCK holds it for up to `blockMs`. */
  redis: RedisClient;
  /**
   * A command connection for the indexer (the start-up catch-up and every live batch after it has been
   * broadcast). Not the blocking one: a script queued there would wait behind the next XREAD, and the
   * next XREAD behind the script.
   */
  indexRedis: RedisClient;
  keys: StreamKeys;
  batch: number;
  blockMs: number;
  /**
   * The longest the loop waits after a batch before reading on (FEED_COALESCE_MS), so that while
   * broadcasts follow each other closely several entries go out in one. The wait itself adapts (see
   * {@link coalesceWait}): none after a quiet spell, a little more the more a broadcast costs. 0 never waits.
   */
  coalesceMs?: number;
  /** FEED_RING_ENTRIES: how many of the newest broadcast entries {@link FeedLoop.recent} keeps; 0 keeps none. */
  ringEntries?: number;
  onError?: (error: unknown, stage: "read" | "index") => void;
  /** Told how many entries the start-up catch-up indexed (entries appended while no instance ran). */
  onCaughtUp?: (entries: number) => void;
}

/**
 * While broadcasts follow each other closely, the loop waits this many times the cost of the last one
 * before reading on: broadcasting then takes at most about a quarter of the event loop, whatever the
 * number of tabs, and with few tabs (cheap broadcasts) the wait all but vanishes.
 */
const WAIT_PER_BROADCAST_COST = 3;

/**
 * After a read of at least this many entries the loop reads on through RANGE_JSON rather than XREAD: the
 * stream is busy enough that the next read will find entries too, and it saves the server about 11 µs of
 * CPU per entry (see {@link readAfterAsJson}). After a smaller read, XREAD BLOCK, which answers at once
 * when entries are there: in a trickle a RANGE_JSON read would mostly find nothing and add a round trip.
 */
const BUSY_READ_ENTRIES = 16;

/**
 * How long the indexer lets a batch wait for the next ones before it runs them in one script call (see
 * FeedIndexerOptions.settleMs). What waits is only what follows the broadcast: seats and counters of
 * entries other programs append, the screenings' sold counts and the `feed:marks` of a double booking.
 */
const INDEX_SETTLE_MS = 25;

/**
 * How long to wait before the next read, after a batch of `count` entries.
 * @param idleMs how long the read that returned this batch waited for it: long means the stream was quiet.
 * @param broadcastMs what the previous broadcast cost.
 */
export function coalesceWait(count: number, batch: number, idleMs: number, broadcastMs: number, capMs: number): number {
  // A full batch: the loop is behind and should read on. A batch that had to be waited for: the stream
  // is quiet, and the next entry should go out the moment it comes.
  if (capMs <= 0 || count >= batch || idleMs >= capMs) return 0;
  return Math.min(capMs, WAIT_PER_BROADCAST_COST * broadcastMs);
}

interface FeedLoopEvents {
  batch: [entries: TicketEntry[]];
  status: [status: FeedStatus];
  /** Sales of batches already emitted that the indexer found double-booked. */
  marks: [doubleBooked: StreamId[]];
  /** The indexer has run every entry up to `upTo` (seats, screenings, counters are up to date to there). */
  indexed: [upTo: StreamId];
}

/**
 * The one reader of the tickets stream in this process. It blocks on `XREAD` while the stream is quiet
 * (and reads on through RANGE_JSON while it is busy), keeps the id of the last entry it handed out, and
 * after any failure resumes from exactly that id, so listeners see every entry once, in order. Emits
 * `batch` once per read, never once per entry, the moment the read returns; the indexer (seats,
 * screenings, sales counters) runs each batch afterwards on its own connection and the double bookings it
 * finds follow as `marks`. Before its first live read the loop indexes, without emitting, whatever the
 * indexer has not seen up to the end id it resolved, so the seat map, the screenings and the counters stay
 * right after a time with no instance running.
 */
export class FeedLoop extends EventEmitter<FeedLoopEvents> {
  #lastId: StreamId | undefined;
  #status: FeedStatus = { redis: "down", since: Date.now() };
  readonly #abort = new AbortController();
  #running: Promise<void> | undefined;
  #caughtUp = false;
  #indexer: FeedIndexer | undefined;
  /** What the last broadcast (every `batch` listener) cost, ms. */
  #broadcastMs = 0;
  /**
   * The newest entries broadcast, up to {@link lastId} and with no hole; kept here, where the resume point
   * moves, so that no listener failing can leave a batch out of it.
   */
  readonly recent: FeedRing;

  constructor(private readonly options: FeedLoopOptions) {
    super();
    this.recent = new FeedRing(options.ringEntries ?? 0);
  }

  /** The id of the newest entry already emitted; undefined until the loop has first reached Redis. */
  get lastId(): StreamId | undefined {
    return this.#lastId;
  }

  get status(): FeedStatus {
    return this.#status;
  }

  start(): void {
    this.#running ??= this.#run();
  }

  /**
   * Stops reading and indexing; resolves once the loop has exited. Entries broadcast but not yet indexed
   * are left to the next catch-up (this or another instance's), which starts from the stored cursor.
   */
  async stop(): Promise<void> {
    this.#abort.abort();
    // Breaks a pending XREAD BLOCK at once instead of waiting for it to time out.
    this.options.redis.disconnect();
    await this.#running;
    await this.#indexer?.stopped();
  }

  /** Resolves after the next batch or status change, or when the loop stops. */
  next(): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        this.off("batch", done);
        this.off("status", done);
        this.#abort.signal.removeEventListener("abort", done);
        resolve();
      };
      this.once("batch", done);
      this.once("status", done);
      this.#abort.signal.addEventListener("abort", done, { once: true });
    });
  }

  #setStatus(redis: FeedStatus["redis"]): void {
    if (this.#status.redis === redis) return;
    this.#status = { redis, since: Date.now() };
    this.emit("status", this.#status);
  }

  #pause(ms: number, signal: AbortSignal): Promise<void> {
    return pauseUntilReady(this.options.redis, ms, signal);
  }

  async #run(): Promise<void> {
    const { redis, indexRedis, keys, batch, blockMs, coalesceMs = 0 } = this.options;
    const signal = this.#abort.signal;
    /** When the XREAD in flight was sent: a reply long after it means the stream was quiet. */
    let sentAt = 0;
    /** Reads what follows `after`: with `busy` through RANGE_JSON (see BUSY_READ_ENTRIES), else a blocking XREAD. */
    const read = (after: StreamId, delayMs = 0, busy = false) => {
      const send = async (): Promise<RawEntry[]> => {
        sentAt = performance.now();
        if (busy) return readAfterAsJson(redis, keys, after, batch);
        const reply = await redis.xread("COUNT", batch, "BLOCK", blockMs, "STREAMS", keys.stream, after);
        return (reply?.[0]?.[1] ?? []) as RawEntry[];
      };
      const reply = delayMs > 0 ? sleep(delayMs, signal).then(send) : send();
      // Awaited later; marked handled now so a failure while another command is awaited cannot crash us.
      reply.catch(() => {});
      return reply;
    };
    let failures = 0;
    while (!signal.aborted) {
      let next: ReturnType<typeof read>;
      try {
        // Resolving the current last id once, rather than reading from "$" each time, means not even the
        // first read can skip an entry that arrives between two reads.
        if (this.#lastId === undefined) {
          this.#lastId = await lastEntryId(redis, keys);
          this.recent.reset(this.#lastId);
          this.#setStatus("up");
        } else if (failures > 0) {
          // Back after a failure: say so now, not when the blocking read below times out on a quiet stream.
          await redis.ping();
          this.#setStatus("up");
        }
        if (!this.#caughtUp) {
          // Tabs may already resume up to #lastId meanwhile: they get live batches once reading starts.
          // The catch-up restarts from the stored cursor after a failure, so an interrupted one loses nothing.
          const pageSize = Math.max(batch, 1000);
          const indexed = await catchUpIndex(indexRedis, keys, this.#lastId, pageSize, signal);
          if (signal.aborted) break;
          this.#caughtUp = true;
          this.#indexer = new FeedIndexer({
            redis: indexRedis,
            keys,
            from: this.#lastId,
            pageSize,
            maxQueued: 10 * pageSize,
            settleMs: INDEX_SETTLE_MS,
            signal,
            onMarks: (ids) => {
              this.recent.markDoubleBooked(ids);
              this.emit("marks", ids);
            },
            onIndexed: (upTo) => this.emit("indexed", upTo),
            onError: (error) => this.options.onError?.(error, "index"),
          });
          this.options.onCaughtUp?.(indexed);
        }
        next = read(this.#lastId);
        for (;;) {
          const raw = await next;
          const idleMs = performance.now() - sentAt;
          this.#setStatus("up");
          failures = 0;
          if (raw.length === 0) {
            next = read(this.#lastId);
            continue;
          }
          const entries = toEntries(raw);
          const last = entries.at(-1)!.id;
          // The next read leaves before the broadcast, so Redis answers it while the tabs are written to.
          next = read(
            last,
            coalesceWait(entries.length, batch, idleMs, this.#broadcastMs, coalesceMs),
            entries.length >= BUSY_READ_ENTRIES,
          );
          // Only an emitted batch moves the resume point, so a failure re-reads exactly what was not sent.
          this.recent.append(this.#lastId, entries);
          this.#lastId = last;
          // Queued before the broadcast so that a listener that throws cannot leave a hole in what the
          // indexer sees; its script still leaves only after the broadcast (the worker resumes in a microtask).
          this.#indexer!.push(entries);
          const began = performance.now();
          this.emit("batch", entries);
          this.#broadcastMs = performance.now() - began;
        }
      } catch (error) {
        if (signal.aborted) break;
        // Redis may come back with less than was read (restarted from an older snapshot, or another node
        // promoted): from here on only what is read again is vouched for.
        this.recent.reset(this.#lastId);
        this.#setStatus("down");
        this.options.onError?.(error, "read");
        await this.#pause(backoff(failures++), signal);
      }
    }
  }
}
