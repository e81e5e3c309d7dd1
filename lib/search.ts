import type { StreamKeys } from "./keys";
import { guard, type RedisClient } from "./redis";
import { compareIds, type StreamId } from "./stream-id";
import { markEntries } from "./tickets";
import { toEntries, type RawEntry, type TicketEntry } from "./entries";
import { matchesFilters, type SearchFilters, type SearchQuery } from "./validations/search";

export { parseSearchQuery, type SearchFilters, type SearchQuery } from "./validations/search";

/** Entries one XREVRANGE page reads. */
export const SCAN_PAGE = 2000;

/** How much one search request may scan before it answers with a cursor to continue from. */
export interface ScanBudget {
  entries: number;
  ms: number;
}

export const DEFAULT_BUDGET: ScanBudget = { entries: 100_000, ms: 300 };

/** The concrete ids a search runs between, both inclusive; `0-0` twice for an empty stream. */
export interface SearchBounds {
  from: StreamId;
  to: StreamId;
}

export interface SearchPage {
  /** Matching entries, newest first. */
  entries: TicketEntry[];
  /** Pass back as `cursor` to continue; null once the scan reached `from` (or the stream's start). */
  cursor: StreamId | null;
  /** Entries this request read. */
  scanned: number;
  bounds: SearchBounds;
}

/** True when `entry` passes every filter given. */
export function matches(filters: SearchFilters, entry: TicketEntry): boolean {
  return matchesFilters(filters, entry.fields);
}

/**
 * Turns the query's optional bounds into ids: the stream's first and last entry stand in for the ones not
 * given (one round trip), so the browser can draw progress from a cursor's time.
 */
export async function resolveBounds(redis: RedisClient, keys: StreamKeys, query: Pick<SearchQuery, "from" | "to">): Promise<SearchBounds> {
  if (query.from !== undefined && query.to !== undefined) return { from: query.from, to: query.to };
  const replies =
    (await guard(redis.pipeline().xrange(keys.stream, "-", "+", "COUNT", 1).xrevrange(keys.stream, "+", "-", "COUNT", 1).exec())) ?? [];
  for (const [error] of replies) if (error) throw error;
  const first = ((replies[0]?.[1] ?? []) as RawEntry[])[0]?.[0] ?? "0-0";
  const last = ((replies[1]?.[1] ?? []) as RawEntry[])[0]?.[0] ?? "0-0";
  return { from: query.from ?? first, to: query.to ?? last };
}

/**
 * Reads the stream newest first, one XREVRANGE page at a time, from `start` (inclusive, or exclusive as
 * `(id`) down to `end` (inclusive). Holds one page in memory whatever the stream's size; stop early by
 * leaving the loop. `done` is true on the last page: a short one, or one that ends at `end` itself (so a
 * range that is a whole number of pages long does not end with an empty read, nor a search with a cursor
 * that has nothing left behind it).
 */
export async function* scanNewestFirst(
  redis: RedisClient,
  keys: StreamKeys,
  start: string,
  end: StreamId,
  pageSize = SCAN_PAGE,
): AsyncGenerator<{ entries: TicketEntry[]; done: boolean }> {
  let from = start;
  for (;;) {
    const raw = (await guard(redis.xrevrange(keys.stream, from, end, "COUNT", pageSize))) as RawEntry[];
    const entries = toEntries(raw);
    const done = raw.length < pageSize || entries.at(-1)!.id === end;
    yield { entries, done };
    if (done) return;
    from = `(${entries.at(-1)!.id}`;
  }
}

/**
 * One page of search results, newest first: scans from `cursor` (exclusive) or `to` down to `from`, until
 * `count` entries match or the budget is spent, and says where to continue. Matches are marked
 * `refunded` or `doubleBooked` like history entries.
 */
export async function searchTickets(
  redis: RedisClient,
  keys: StreamKeys,
  query: SearchQuery,
  budget: ScanBudget = DEFAULT_BUDGET,
): Promise<SearchPage> {
  const bounds = await resolveBounds(redis, keys, query);
  const found: TicketEntry[] = [];
  const page = async (cursor: StreamId | null, scanned: number): Promise<SearchPage> => ({
    entries: await markEntries(redis, keys, found),
    cursor,
    scanned,
    bounds,
  });
  if (bounds.to === "0-0" || (query.cursor !== undefined && compareIds(query.cursor, bounds.from) <= 0)) return page(null, 0);
  const began = Date.now();
  let scanned = 0;
  const start = query.cursor !== undefined ? `(${query.cursor}` : bounds.to;
  for await (const { entries, done } of scanNewestFirst(redis, keys, start, bounds.from)) {
    for (const [i, entry] of entries.entries()) {
      scanned++;
      if (!matches(query.filters, entry)) continue;
      found.push(entry);
      if (found.length === query.count) return page(done && i === entries.length - 1 ? null : entry.id, scanned);
    }
    if (done) return page(null, scanned);
    if (scanned >= budget.entries || Date.now() - began >= budget.ms) return page(entries.at(-1)!.id, scanned);
  }
  return page(null, scanned);
}
