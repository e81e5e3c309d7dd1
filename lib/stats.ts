import type { StreamKeys } from "./keys";
import { guard, type RedisClient } from "./redis";
import type { StreamId } from "./stream-id";

/** One minute in ms: the counters' finest bucket. */
export const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/** Per-minute counters are kept this long after their minute ends; per-hour ones for {@link HOURS_KEPT_MS}. */
export const MINUTES_KEPT_MS = 2 * HOUR;
export const HOURS_KEPT_MS = 48 * HOUR;

const floorTo = (ms: number, size: number) => Math.floor(ms / size) * size;

/** Where an entry stamped at `ms` is counted: the hashes, their fields' time part, and when each hash expires. */
export function statsBuckets(keys: StreamKeys, ms: number) {
  const minute = floorTo(ms, MINUTE);
  const hour = floorTo(ms, HOUR);
  const day = floorTo(ms, DAY);
  return {
    minute: { key: keys.statsMinutes(hour), field: String(minute), expireAt: hour + HOUR + MINUTES_KEPT_MS },
    hour: { key: keys.statsHours(day), field: String(hour), expireAt: day + DAY + HOURS_KEPT_MS },
  };
}

/** Sales and refunds counted in one minute or hour starting at `start` (ms since epoch). */
export interface SalesBucket {
  start: number;
  sales: number;
  refunds: number;
}

export interface SalesStats {
  /** The last 60 minutes including the current one, oldest first. */
  minutes: SalesBucket[];
  /** The last 24 hours including the current one, oldest first. */
  hours: SalesBucket[];
  /** The newest entry counted so far (the indexer's cursor); null before anything was counted. */
  countedUpTo: StreamId | null;
}

/**
 * Sales and refunds per minute and per hour, from the counters the feed indexer keeps in Redis (see
 * INDEX_ENTRIES): one round trip, whatever the size of the stream.
 */
export async function readSalesStats(redis: RedisClient, keys: StreamKeys, now = Date.now()): Promise<SalesStats> {
  const minutes = Array.from({ length: 60 }, (_, i) => floorTo(now, MINUTE) - (59 - i) * MINUTE);
  const hours = Array.from({ length: 24 }, (_, i) => floorTo(now, HOUR) - (23 - i) * HOUR);
  const lookups = [
    ...minutes.map((start) => ({ key: keys.statsMinutes(floorTo(start, HOUR)), start })),
    ...hours.map((start) => ({ key: keys.statsHours(floorTo(start, DAY)), start })),
  ];
  const pipeline = redis.pipeline();
  for (const { key, start } of lookups) pipeline.hmget(key, `${start}:sales`, `${start}:refunds`);
  pipeline.get(keys.statsCursor);
  const replies = (await guard(pipeline.exec())) ?? [];
  const buckets = lookups.map(({ start }, i): SalesBucket => {
    const [error, values] = replies[i] ?? [null, []];
    if (error) throw error;
    const [sales, refunds] = values as (string | null)[];
    return { start, sales: Number(sales ?? 0), refunds: Number(refunds ?? 0) };
  });
  const [cursorError, cursor] = replies[lookups.length] ?? [null, null];
  if (cursorError) throw cursorError;
  return { minutes: buckets.slice(0, 60), hours: buckets.slice(60), countedUpTo: (cursor as string | null) ?? null };
}
