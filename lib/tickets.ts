import { ProgramChangedError, SeatTakenError, ValidationError } from "./errors";
import type { StreamKeys } from "./keys";
import { guard, type RedisClient } from "./redis";
import { trimArgs, type RetentionPolicy } from "./retention";
import { isSale, seatOf, toEntries, type RawEntry, type TicketEntry } from "./entries";
import { isStreamId, type StreamId } from "./stream-id";
import type { Sale } from "./validations/sale";

export { parseSale, parseSaleRequest, type MultiSale, type Sale } from "./validations/sale";

export interface SellOptions {
  /** Extra fields after the four every ticket has (name, seat, movieId, sessionId), such as `soldBy` and `price`. */
  extra?: Record<string, string>;
  retention?: RetentionPolicy;
  /** The programme version the seats were checked against; the write is refused if it moved on. */
  programVersion?: string;
  /** How the screening reads in an error ("Dune · 20:30 · Hall 2"). */
  screening?: string;
}

/**
 * Sells several seats of one screening in one atomic step: one stream entry per seat, in the ticket field
 * order (name, seat, movieId, sessionId, then the extras), all or nothing.
 * @returns the new entry ids, in the order of `sale.seats`.
 * @throws SeatTakenError naming every seat already sold; nothing is written.
 * @throws ProgramChangedError when `programVersion` is given and the programme has moved on.
 */
export async function sellTickets(
  redis: RedisClient,
  keys: StreamKeys,
  sale: { name: string; seats: readonly string[]; movieId: number | string; sessionId: number | string },
  options: SellOptions = {},
): Promise<StreamId[]> {
  const movieId = String(sale.movieId);
  const sessionId = String(sale.sessionId);
  const extras = Object.entries(options.extra ?? {}).flat();
  const [ok, ...rest] = await guard(
    redis.sdSellSeats(
      keys.stream,
      keys.seats(movieId, sessionId),
      keys.screenings,
      keys.program,
      options.programVersion ?? "",
      String(sale.seats.length),
      ...sale.seats,
      `${movieId}:${sessionId}`,
      ...trimArgs(options.retention),
      sale.name,
      movieId,
      sessionId,
      ...extras,
    ),
  );
  if (ok === 1) return rest;
  if (ok === 2) throw new ProgramChangedError(rest[0] ?? "0");
  const taken: { seat: string; holderId: string }[] = [];
  for (let i = 0; i + 1 < rest.length; i += 2) taken.push({ seat: rest[i]!, holderId: rest[i + 1]! });
  const first = taken[0]!;
  throw new SeatTakenError(first.seat, movieId, sessionId, first.holderId, sale.seats.length > 1 ? taken : undefined, options.screening);
}

/**
 * Appends a sale of one seat (fields in the ticket order: name, seat, movieId, sessionId, then any extras
 * such as `soldBy`) unless the seat is already held.
 * @returns the new entry id.
 * @throws SeatTakenError when the seat is sold for that movie + session; nothing is written.
 */
export async function sellTicket(
  redis: RedisClient,
  keys: StreamKeys,
  sale: Sale,
  extra: Record<string, string> = {},
  options: { retention?: RetentionPolicy } = {},
): Promise<StreamId> {
  const [id] = await sellTickets(redis, keys, { ...sale, seats: [sale.seat] }, { extra, retention: options.retention });
  return id!;
}

/**
 * Marks sales whose seat is held by a different entry (`doubleBooked`) and sales that were refunded
 * (`refunded`), from the seat index and the refunds hash alone (read-only, one round trip).
 */
export async function markEntries(redis: RedisClient, keys: StreamKeys, entries: TicketEntry[]): Promise<TicketEntry[]> {
  const claims = entries.map((entry) => (isSale(entry.fields) ? seatOf(entry.fields) : null));
  const sales = entries.filter((_, i) => claims[i]);
  if (sales.length === 0) return entries;
  const pipeline = redis.pipeline();
  pipeline.hmget(keys.refunds, ...sales.map((entry) => entry.id));
  for (const claim of claims) if (claim) pipeline.hget(keys.seats(claim.movieId, claim.sessionId), claim.seat);
  const replies = (await guard(pipeline.exec())) ?? [];
  for (const [error] of replies) if (error) throw error;
  const refundIds = (replies[0]?.[1] ?? []) as (string | null)[];
  let next = 0;
  return entries.map((entry, i) => {
    if (!claims[i]) return entry;
    const refunded = typeof refundIds[next] === "string";
    const holder = replies[1 + next++]?.[1];
    if (refunded) return { ...entry, refunded: true };
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
      : await guard(redis.xrevrange(keys.stream, query.before === undefined ? "+" : `(${query.before}`, "-", "COUNT", count));
  const entries = await markEntries(redis, keys, toEntries(raw as RawEntry[]));
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
  return markEntries(redis, keys, toEntries(raw as RawEntry[]));
}

/**
 * Up to `count` entries after `after`, oldest first, read as one JSON string (see RANGE_JSON): the same
 * entries `XRANGE` would give, for a sixth of the server's CPU per entry and a few µs more of Redis's. For
 * reads that bring many entries at once; a read of one or two gains nothing from it.
 */
export async function readAfterAsJson(redis: RedisClient, keys: StreamKeys, after: StreamId, count: number): Promise<RawEntry[]> {
  return JSON.parse(await guard(redis.sdRangeJson(keys.stream, `(${after}`, "+", count))) as RawEntry[];
}

/** The id of the newest entry, or `0-0` for an empty or missing stream. */
export async function lastEntryId(redis: RedisClient, keys: StreamKeys): Promise<StreamId> {
  const raw = (await guard(redis.xrevrange(keys.stream, "+", "-", "COUNT", 1))) as RawEntry[];
  return raw[0]?.[0] ?? "0-0";
}

/** The seats sold for one screening, seat → entry id. */
export async function soldSeats(redis: RedisClient, keys: StreamKeys, movieId: string, sessionId: string): Promise<Record<string, string>> {
  return guard(redis.hgetall(keys.seats(movieId, sessionId)));
}
