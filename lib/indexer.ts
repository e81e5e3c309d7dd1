import type { StreamKeys } from "./keys";
import { guard, type RedisClient } from "./redis";
import { MINUTE, statsBuckets } from "./stats";
import { idMs, isStreamId, type StreamId } from "./stream-id";
import { isRefund, isSale, seatOf, toEntries, type RawEntry, type TicketEntry } from "./entries";

/** Numbers each distinct key once, 1-based, in order of first use. */
class KeyIndex<V> {
  readonly #index = new Map<string, number>();
  readonly values: V[] = [];
  add(key: string, value: V): number {
    let index = this.#index.get(key);
    if (index === undefined) {
      this.values.push(value);
      index = this.values.length;
      this.#index.set(key, index);
    }
    return index;
  }
  get keys(): string[] {
    return [...this.#index.keys()];
  }
}

/**
 * Indexes one contiguous batch of entries (which may come from any program) in one script, see
 * INDEX_ENTRIES: records the seats sales claim (first entry wins; refunds free them), the screenings, and
 * counts sales and refunds per minute and hour exactly once across instances.
 * @returns the entries, with `doubleBooked` on sales whose seat another entry holds.
 */
export async function indexEntries(redis: RedisClient, keys: StreamKeys, entries: TicketEntry[]): Promise<TicketEntry[]> {
  const last = entries.at(-1);
  if (!last) return entries;
  const seatKeys = new KeyIndex<string>();
  const bucketKeys = new KeyIndex<number>();
  const tuples: string[] = [];
  let buckets: { from: number; line: string } | undefined;
  for (const entry of entries) {
    const claim = seatOf(entry.fields);
    if (!claim) continue;
    const refundOf = entry.fields.refundOf;
    const kind = isRefund(entry.fields) && refundOf && isStreamId(refundOf) ? "refund" : isSale(entry.fields) ? "sale" : null;
    if (!kind) continue;
    const seats = seatKeys.add(keys.seats(claim.movieId, claim.sessionId), `${claim.movieId}:${claim.sessionId}`);
    const ms = idMs(entry.id);
    // Entries come in id order, so most share the previous one's minute: its buckets are worked out once.
    if (buckets === undefined || ms < buckets.from || ms >= buckets.from + MINUTE) {
      const { minute, hour } = statsBuckets(keys, ms);
      const minuteIndex = bucketKeys.add(minute.key, minute.expireAt);
      const hourIndex = bucketKeys.add(hour.key, hour.expireAt);
      buckets = { from: Number(minute.field), line: `${minuteIndex} ${minute.field} ${hourIndex} ${hour.field}` };
    }
    // One line per entry, not nine arguments: ioredis builds and Redis parses each argument on its own, which
    // made indexing cost the server 7.3 µs of CPU per entry against 4.7 µs now (batches of 1,000; see
    // bench/README.md). Every value is free of spaces and newlines (ids, digits, a seat that matched SEAT_PATTERN).
    tuples.push(`${entry.id} ${kind} ${seats} ${claim.seat} ${kind === "refund" ? refundOf! : "-"} ${buckets.line}`);
  }
  const scriptKeys = [keys.screenings, keys.statsCursor, keys.refunds, ...seatKeys.keys, ...bucketKeys.keys];
  const args = [
    String(seatKeys.values.length),
    String(bucketKeys.values.length),
    last.id,
    ...seatKeys.values,
    ...bucketKeys.values.map(String),
    tuples.join("\n"),
  ];
  const doubled = new Set(await guard(redis.sdIndexEntries(scriptKeys.length, ...scriptKeys, ...args)));
  if (doubled.size === 0) return entries;
  return entries.map((entry) => (doubled.has(entry.id) ? { ...entry, doubleBooked: true } : entry));
}

/** The newest entry the indexer has counted, or null when it never ran on this stream. */
export async function indexedUpTo(redis: RedisClient, keys: StreamKeys): Promise<StreamId | null> {
  return guard(redis.get(keys.statsCursor));
}

/**
 * Indexes every entry after the indexer's cursor up to and including `until` (the whole stream when the
 * indexer never ran), in pages of `pageSize`, without emitting them anywhere: what a starting process runs
 * before its first live read, so entries appended while no instance was running are indexed and counted.
 * Safe to interrupt and to run in several instances at once; each page is contiguous with the one before
 * and begins after the stored cursor, so nothing is skipped or counted twice.
 * @returns how many entries were read.
 */
export async function catchUpIndex(
  redis: RedisClient,
  keys: StreamKeys,
  until: StreamId,
  pageSize: number,
  signal?: AbortSignal,
): Promise<number> {
  if (until === "0-0") return 0;
  const cursor = await indexedUpTo(redis, keys);
  let start = cursor === null ? "-" : `(${cursor}`;
  let read = 0;
  while (!signal?.aborted) {
    const raw = (await guard(redis.xrange(keys.stream, start, until, "COUNT", pageSize))) as RawEntry[];
    if (raw.length === 0) break;
    read += raw.length;
    await indexEntries(redis, keys, toEntries(raw));
    if (raw.length < pageSize) break;
    start = `(${raw.at(-1)![0]}`;
  }
  return read;
}
