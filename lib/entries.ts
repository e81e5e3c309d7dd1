import { isPositiveId, SEAT_PATTERN } from "./validations/ids";
import type { StreamId } from "./stream-id";

// What a stream entry is, read by the server and the browser alike: nothing here talks to Redis.

/**
 * One stream entry as every reader sees it. `doubleBooked` marks a sale whose seat another entry holds;
 * `refunded` marks a sale a refund entry has refunded; it is set on pages read back from the stream
 * (history, search, the replay of `feed:resume`), never on live batches, where the refund arrives as its own entry.
 */
export interface TicketEntry {
  id: StreamId;
  fields: Record<string, string>;
  doubleBooked?: true;
  refunded?: true;
}

/** True for a refund entry (`type` = refund), which never claims a seat. */
export function isRefund(fields: Record<string, string>): boolean {
  return fields.type === "refund";
}

/** True for an entry that may hold a seat: no `type` (a plain entry, as redis-cli writes one) or `type` = sale. */
export function isSale(fields: Record<string, string>): boolean {
  return fields.type === undefined || fields.type === "sale";
}

/** The screening and seat an entry names, when its fields name a valid one (sale or refund alike). */
export function seatOf(fields: Record<string, string>): { movieId: string; sessionId: string; seat: string } | null {
  const movieId = fields.movieId?.trim();
  const sessionId = fields.sessionId?.trim();
  const seat = fields.seat?.trim().toUpperCase();
  if (!movieId || !sessionId || !seat) return null;
  if (!isPositiveId(movieId) || !isPositiveId(sessionId) || !SEAT_PATTERN.test(seat)) return null;
  return { movieId, sessionId, seat };
}

/** "53/832": one key per screening. */
export function screeningKey(movieId: string, sessionId: string): string {
  return `${movieId}/${sessionId}`;
}

/** An entry as XRANGE, XREVRANGE and XREAD return it. */
export type RawEntry = [id: string, fieldsAndValues: string[]];

function toEntry([id, flat]: RawEntry): TicketEntry {
  // No prototype: a field another program named `__proto__` or `constructor` is a field like any other.
  const fields = Object.create(null) as Record<string, string>;
  for (let i = 0; i + 1 < flat.length; i += 2) fields[flat[i]!] = flat[i + 1]!;
  return { id, fields };
}

/** Converts XRANGE/XREAD replies to entries. */
export function toEntries(raw: RawEntry[]): TicketEntry[] {
  return raw.map(toEntry);
}
