import { SeatTakenError, ValidationError } from "./errors";
import type { StreamKeys } from "./keys";
import { guard, type RedisClient } from "./redis";
import { isStreamId, type StreamId } from "./stream-id";
import { SEAT_PATTERN, type Sale } from "./validations/sale";

export { parseSale, type Sale } from "./validations/sale";

/** One stream entry as every reader sees it. `doubleBooked` marks a seat already held by another entry. */
export interface TicketEntry {
  id: StreamId;
  fields: Record<string, string>;
  doubleBooked?: true;
}

/**
 * Appends a sale to the stream (fields in the seed's order: name, seat, movieId, sessionId, then any
 * extras such as `soldBy`) unless the seat is already held.
 * @returns the new entry id.
 * @throws SeatTakenError when the seat is sold for that movie + session; nothing is written.
 */
export async function sellTicket(
  redis: RedisClient,
  keys: StreamKeys,
  sale: Sale,
  extra: Record<string, string> = {},
): Promise<StreamId> {
  const movieId = String(sale.movieId);
  const sessionId = String(sale.sessionId);
  const fields = ["name", sale.name, "seat", sale.seat, "movieId", movieId, "sessionId", sessionId];
  for (const [field, value] of Object.entries(extra)) fields.push(field, value);
  const [ok, id] = await guard(redis.sdSellTicket(keys.stream, keys.seats(movieId, sessionId), sale.seat, ...fields));
  if (ok !== 1) throw new SeatTakenError(sale.seat, movieId, sessionId, id);
  return id;
}

/** The screening and seat an entry claims, when its fields name a valid one. */
export function seatOf(fields: Record<string, string>): { movieId: string; sessionId: string; seat: string } | null {
  const movieId = fields.movieId?.trim();
  const sessionId = fields.sessionId?.trim();
  const seat = fields.seat?.trim().toUpperCase();
  if (!movieId || !sessionId || !seat) return null;
  if (!/^[1-9]\d{0,14}$/.test(movieId) || !/^[1-9]\d{0,14}$/.test(sessionId) || !SEAT_PATTERN.test(seat)) return null;
  return { movieId, sessionId, seat };
}

type RawEntry = [id: string, fieldsAndValues: string[]];

function toEntry([id, flat]: RawEntry): TicketEntry {
  const fields: Record<string, string> = {};
  for (let i = 0; i + 1 < flat.length; i += 2) fields[flat[i]!] = flat[i + 1]!;
  return { id, fields };
}

/** Converts XRANGE/XREAD replies to entries. */
export function toEntries(raw: RawEntry[]): TicketEntry[] {
  return raw.map(toEntry);
}

/**
 * Records the seats taken by `entries` (which may come from any program) and marks the ones that
 * double-book a seat. Safe to repeat: the first entry to claim a seat keeps it.
 */
export async function indexSeats(redis: RedisClient, keys: StreamKeys, entries: TicketEntry[]): Promise<TicketEntry[]> {
  const seatKeys = new Map<string, number>();
  const args: string[] = [];
  for (const entry of entries) {
    const claim = seatOf(entry.fields);
    if (!claim) continue;
    const key = keys.seats(claim.movieId, claim.sessionId);
    let index = seatKeys.get(key);
    if (index === undefined) {
      index = seatKeys.size + 1;
      seatKeys.set(key, index);
    }
    args.push(String(index), claim.seat, entry.id);
  }
  if (args.length === 0) return entries;
  const doubled = new Set(await guard(redis.sdIndexSeats(seatKeys.size, ...seatKeys.keys(), ...args)));
  if (doubled.size === 0) return entries;
  return entries.map((entry) => (doubled.has(entry.id) ? { ...entry, doubleBooked: true } : entry));
}

/** Marks entries whose seat is held by a different entry, from the seat index alone (read-only). */
async function markDoubleBooked(redis: RedisClient, keys: StreamKeys, entries: TicketEntry[]): Promise<TicketEntry[]> {
  const claims = entries.map((entry) => seatOf(entry.fields));
  const pipeline = redis.pipeline();
  let queued = 0;
  for (const claim of claims) {
    if (claim) {
      pipeline.hget(keys.seats(claim.movieId, claim.sessionId), claim.seat);
      queued++;
    }
  }
  if (queued === 0) return entries;
  const replies = (await guard(pipeline.exec())) ?? [];
  let next = 0;
  return entries.map((entry, i) => {
    if (!claims[i]) return entry;
    const [error, holder] = replies[next++] ?? [null, null];
    if (error) throw error;
    return typeof holder === "string" && holder !== entry.id ? { ...entry, doubleBooked: true } : entry;
  });
}

export interface HistoryPage {
  entries: TicketEntry[];
  /** Pass as `before` (or `after`) to get the next page; null when there is none. */
  next: StreamId | null;
}

export const MAX_PAGE = 1000;

/**
 * Reads a page of history: newest first before `before` (exclusive; omit it for the newest entries),
 * or oldest first after `after` (exclusive).
 */
export async function readHistory(
  redis: RedisClient,
  keys: StreamKeys,
  query: { before?: StreamId; after?: StreamId; count: number },
): Promise<HistoryPage> {
  for (const [field, id] of [
    ["before", query.before],
    ["after", query.after],
  ] as const) {
    if (id !== undefined && !isStreamId(id)) {
      throw new ValidationError(`${field} must be a stream id like 1700000000000-0.`, field);
    }
  }
  const count = Math.min(Math.max(1, Math.trunc(query.count)), MAX_PAGE);
  const raw =
    query.after !== undefined
      ? await guard(redis.xrange(keys.stream, `(${query.after}`, "+", "COUNT", count))
      : await guard(
          redis.xrevrange(keys.stream, query.before === undefined ? "+" : `(${query.before}`, "-", "COUNT", count),
        );
  const entries = await markDoubleBooked(redis, keys, toEntries(raw as RawEntry[]));
  const last = entries.at(-1);
  return { entries, next: entries.length === count && last ? last.id : null };
}

/** Entries after `after` up to and including `until`, oldest first: what a reconnecting tab missed. */
export async function readRange(
  redis: RedisClient,
  keys: StreamKeys,
  after: StreamId,
  until: StreamId,
  count: number,
): Promise<TicketEntry[]> {
  const raw = await guard(redis.xrange(keys.stream, `(${after}`, until, "COUNT", count));
  return markDoubleBooked(redis, keys, toEntries(raw as RawEntry[]));
}

/** The id of the newest entry, or `0-0` for an empty or missing stream. */
export async function lastEntryId(redis: RedisClient, keys: StreamKeys): Promise<StreamId> {
  const raw = (await guard(redis.xrevrange(keys.stream, "+", "-", "COUNT", 1))) as RawEntry[];
  return raw[0]?.[0] ?? "0-0";
}

/** The seats sold for one screening, seat → entry id. */
export async function soldSeats(
  redis: RedisClient,
  keys: StreamKeys,
  movieId: string,
  sessionId: string,
): Promise<Record<string, string>> {
  return guard(redis.hgetall(keys.seats(movieId, sessionId)));
}
