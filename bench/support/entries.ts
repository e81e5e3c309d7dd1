/** A screening has 10 rows (A–J) of 20 seats, like the app's default seat map. */
const ROWS = "ABCDEFGHIJ";
const SEATS_PER_ROW = 20;
const SEATS_PER_SESSION = ROWS.length * SEATS_PER_ROW;

export interface Ticket {
  name: string;
  seat: string;
  movieId: number;
  sessionId: number;
}

/**
 * The i-th ticket of a run: every (movieId, sessionId, seat) is distinct, so neither the sale script nor
 * the feed's seat index ever sees a double booking. Each phase passes its own movieId.
 */
export function ticket(i: number, movieId: number): Ticket {
  const inSession = i % SEATS_PER_SESSION;
  const row = ROWS[Math.floor(inSession / SEATS_PER_ROW)]!;
  return {
    name: `Guest ${i}`,
    seat: `${row}${(inSession % SEATS_PER_ROW) + 1}`,
    movieId,
    sessionId: Math.floor(i / SEATS_PER_SESSION) + 1,
  };
}

/**
 * The i-th sale of `seats` seats (4 for a family): seats i×n … i×n+n−1 in the order {@link ticket} numbers
 * them, so a sale never spans two screenings (200 is a multiple of 1, 2, 4, 5 and 10) and no two sales meet.
 */
export function sale(i: number, movieId: number, seats: number): { name: string; seats: string[]; movieId: number; sessionId: number } {
  const first = ticket(i * seats, movieId);
  return {
    name: `Party ${i}`,
    seats: Array.from({ length: seats }, (_, k) => ticket(i * seats + k, movieId).seat),
    movieId,
    sessionId: first.sessionId,
  };
}

/** The same ticket as XADD field/value pairs, in the ticket field order (name, seat, movieId, sessionId). */
export function ticketFields(i: number, movieId: number): string[] {
  const t = ticket(i, movieId);
  return ["name", t.name, "seat", t.seat, "movieId", String(t.movieId), "sessionId", String(t.sessionId)];
}

/** Wall-clock milliseconds with sub-millisecond precision, comparable across processes on one machine. */
export function nowMs(): number {
  return performance.timeOrigin + performance.now();
}
