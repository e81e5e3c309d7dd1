import type { TicketEntry } from "@/lib/tickets";
import { POSITIVE_ID as POSITIVE, SEAT_PATTERN as SEAT } from "@/lib/validations/ids";

export { idMs } from "@/lib/stream-id";

/** A refund entry (`type=refund`, `refundOf=<sale id>`); everything else is a sale. */
export function isRefund(entry: TicketEntry): boolean {
  return entry.fields.type === "refund";
}

/** The screening and seat an entry names, normalised as the server does; null when it names none. */
export function screeningOf(entry: TicketEntry): { movieId: string; sessionId: string; seat: string } | null {
  const movieId = entry.fields.movieId?.trim() ?? "";
  const sessionId = entry.fields.sessionId?.trim() ?? "";
  const seat = entry.fields.seat?.trim().toUpperCase() ?? "";
  if (!POSITIVE.test(movieId) || !POSITIVE.test(sessionId) || !SEAT.test(seat)) return null;
  return { movieId, sessionId, seat };
}

/** "53/832": one key per screening. */
export function screeningKey(movieId: string, sessionId: string): string {
  return `${movieId}/${sessionId}`;
}
