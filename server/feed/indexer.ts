import type { StreamKeys } from "@/lib/keys";
import type { RedisClient } from "@/lib/redis";
import { indexEntries } from "@/lib/indexer";
import { compareIds, type StreamId } from "@/lib/stream-id";
import { toEntries, type RawEntry, type TicketEntry } from "@/lib/entries";
import { backoff, pauseUntilReady } from "../sleep";

export interface FeedIndexerOptions {
  /** A command connection of the indexer's own: a stalled or slow script must not hold up anything else. */
  redis: RedisClient;
  keys: StreamKeys;
  /** Every entry up to this id is already indexed (the start-up catch-up ran up to it). */
  from: StreamId;
  /** Most entries per script call, and per page when entries are read back from the stream. */
  pageSize: number;
  /**
   * After a quiet spell, how long the first batch waits for the ones right behind it before the script
   * runs them together, unless a page fills first. At 1,000 entries/s the loop broadcasts a few entries at
   * a time; one script call per broadcast cost the process more than the broadcast (a write to Redis, its
   * reply, an event-loop turn each, at the same moments as the tabs' writes). 0 runs every batch at once.
   */
  settleMs?: number;
  /**
   * Most entries held in memory waiting for the script; beyond that they are dropped and read back from
   * the stream later, so a stalled connection cannot make the process hold the stream.
   */
  maxQueued: number;
  signal: AbortSignal;
  /** Sales the script found double-booked (another entry holds their seat); only called when there are some. */
  onMarks: (doubleBooked: StreamId[]) => void;
  /** Every entry up to `upTo` is indexed by this process. */
  onIndexed?: (upTo: StreamId) => void;
  onError?: (error: unknown) => void;
}

/**
 * Runs what the feed loop has already broadcast through the indexer script (seats, screenings, refunds,
 * sales counters), in stream order, behind the broadcast rather than in front of it. Batches that pile
 * up while a script is in flight go into the next call together.
 *
 * After a failed call it does not trust the batches it holds: it reads everything after the last entry
 * it indexed back from the stream and runs it again. That is safe because the script is idempotent for
 * seats and refunds and counts only entries past the stored cursor, so a script that ran although its
 * reply was lost counts nothing twice, and one that never ran is simply done now.
 */
export class FeedIndexer {
  /** Batches broadcast and not yet indexed, oldest first; `#head` entries of the first are done. */
  #queue: TicketEntry[][] = [];
  #head = 0;
  #queued = 0;
  /** The id just before the first queued entry: entries after `#position` up to it must come from the stream. */
  #queueFrom: StreamId;
  /** The newest id handed to `push`. */
  #newest: StreamId;
  /** Everything up to here has been through the script in this process. */
  #position: StreamId;
  /** Bumped whenever the queue is thrown away, so a call in flight does not drop entries it never took. */
  #generation = 0;
  /** The worker's wait in progress: ended by a push for which `until` holds, its timeout, or the stop. */
  #waiting: { until: () => boolean; done: () => void } | undefined;
  readonly #running: Promise<void>;

  constructor(private readonly options: FeedIndexerOptions) {
    this.#queueFrom = this.#newest = this.#position = options.from;
    this.#running = this.#run();
  }

  /** Takes a batch the loop has just broadcast: the one right after the previous batch. */
  push(entries: TicketEntry[]): void {
    const last = entries.at(-1);
    if (!last) return;
    this.#newest = last.id;
    if (this.#queued + entries.length > this.options.maxQueued) {
      this.#drop();
    } else {
      this.#queue.push(entries);
      this.#queued += entries.length;
    }
    if (this.#waiting?.until()) this.#waiting.done();
  }

  /** Resolves once the worker has exited (after the signal aborted). */
  stopped(): Promise<void> {
    return this.#running;
  }

  /** Forgets the queue: everything after `#position` up to the newest id is read from the stream instead. */
  #drop(): void {
    this.#queue = [];
    this.#head = 0;
    this.#queued = 0;
    this.#queueFrom = this.#newest;
    this.#generation++;
  }

  async #run(): Promise<void> {
    const { redis, keys, pageSize, signal } = this.options;
    let failures = 0;
    while (!signal.aborted) {
      try {
        if (compareIds(this.#position, this.#queueFrom) < 0) {
          // Not #queueFrom after the await: an overflow meanwhile moves it past entries this read did not cover.
          const until = this.#queueFrom;
          const raw = (await abortable(redis.xrange(keys.stream, `(${this.#position}`, until, "COUNT", pageSize), signal)) as RawEntry[];
          // Nothing there: trimmed away meanwhile (retention), so there is nothing left to index.
          if (raw.length === 0) this.#position = until;
          else await this.#index(toEntries(raw));
        } else if (this.#queued > 0) {
          const generation = this.#generation;
          const entries = this.#take(pageSize);
          await this.#index(entries);
          if (generation === this.#generation) this.#advance(entries.length);
        } else {
          // Idle until something is pushed; then, after a quiet spell, give the batches behind it a moment.
          await this.#wait(() => true);
          const full = () => this.#queued >= pageSize;
          const { settleMs = 0 } = this.options;
          if (settleMs > 0 && !full()) await this.#wait(full, settleMs);
        }
        failures = 0;
      } catch (error) {
        if (signal.aborted) break;
        this.options.onError?.(error);
        this.#drop();
        await this.#pause(backoff(failures++));
      }
    }
  }

  async #index(entries: TicketEntry[]): Promise<void> {
    const flagged = await abortable(indexEntries(this.options.redis, this.options.keys, entries), this.options.signal);
    this.#position = entries.at(-1)!.id;
    const doubled: StreamId[] = [];
    for (const entry of flagged) if (entry.doubleBooked) doubled.push(entry.id);
    if (doubled.length > 0) this.options.onMarks(doubled);
    this.options.onIndexed?.(this.#position);
  }

  /** The oldest queued entries, at most `max`, without removing them. */
  #take(max: number): TicketEntry[] {
    const first = this.#queue[0]!;
    if (first.length - this.#head >= max || this.#queue.length === 1) return first.slice(this.#head, this.#head + max);
    const taken = first.slice(this.#head);
    for (let b = 1; b < this.#queue.length && taken.length < max; b++) {
      const batch = this.#queue[b]!;
      for (let i = 0; i < batch.length && taken.length < max; i++) taken.push(batch[i]!);
    }
    return taken;
  }

  /** Removes the `count` oldest queued entries. */
  #advance(count: number): void {
    this.#queued -= count;
    this.#head += count;
    while (this.#queue.length > 0 && this.#head >= this.#queue[0]!.length) this.#head -= this.#queue.shift()!.length;
    this.#queueFrom = this.#position;
  }

  /** A restarted Redis is indexed at once, not a grown backoff later. */
  #pause(ms: number): Promise<void> {
    return pauseUntilReady(this.options.redis, ms, this.options.signal);
  }

  /** Resolves at the next push after which `until` holds, after `ms` when given, or on stop. */
  #wait(until: () => boolean, ms?: number): Promise<void> {
    const { signal } = this.options;
    if (signal.aborted) return Promise.resolve();
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.#waiting = undefined;
        signal.removeEventListener("abort", done);
        resolve();
      };
      const timer = ms === undefined ? undefined : setTimeout(done, ms);
      this.#waiting = { until, done };
      signal.addEventListener("abort", done, { once: true });
    });
  }
}

/**
 * Rejects as soon as `signal` aborts, leaving `work` to finish or fail on its own: stopping must not wait
 * for a reply that a stalled connection may only give up on after its command timeout.
 */
function abortable<T>(work: Promise<T>, signal: AbortSignal): Promise<T> {
  work.catch(() => {});
  if (signal.aborted) return Promise.reject(new Error("stopped"));
  return new Promise((resolve, reject) => {
    const onAbort = () => reject(new Error("stopped"));
    signal.addEventListener("abort", onAbort, { once: true });
    work.then(
      (value) => {
        signal.removeEventListener("abort", onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener("abort", onAbort);
        reject(error instanceof Error ? error : new Error(String(error)));
      },
    );
  });
}
