import { SalesClosedError, ValidationError } from "../errors";
import { defaultHall, salesClosed, seatProblems, type Hall, type Movie, type ProgramDocument, type Showing } from "./program";

/** The programme looked up by id; built once per version, shared by every lookup. Browser-safe. */
export interface ProgramIndex {
  movies: Map<string, Movie>;
  halls: Map<string, Hall>;
  showings: Map<string, Showing>;
}

export function indexProgram(document: Pick<ProgramDocument, "movies" | "halls" | "showings">): ProgramIndex {
  return {
    movies: new Map(document.movies.map((m) => [m.movieId, m])),
    halls: new Map(document.halls.map((h) => [h.hallId, h])),
    showings: new Map(document.showings.map((s) => [s.sessionId, s])),
  };
}

/** What a person reads for the screening an entry names. */
export interface ScreeningLabel {
  title: string;
  /** ISO 8601. */
  startsAt: string;
  hall: string;
  price?: number;
}

/**
 * The film, start and hall of `movieId` + `sessionId`, when the programme has that showing of that film;
 * null otherwise (an entry for anything else reads "movie 53 · session 832").
 */
export function screeningLabel(index: ProgramIndex, movieId: string | undefined, sessionId: string | undefined): ScreeningLabel | null {
  if (!movieId || !sessionId) return null;
  const showing = index.showings.get(sessionId.trim());
  if (!showing || showing.movieId !== movieId.trim()) return null;
  const movie = index.movies.get(showing.movieId);
  const hall = index.halls.get(showing.hallId);
  return {
    title: movie?.title ?? `movie ${showing.movieId}`,
    startsAt: showing.startsAt,
    hall: hall?.name ?? showing.hallId,
    ...(showing.price !== undefined ? { price: showing.price } : {}),
  };
}

const formats = new Map<string, Intl.DateTimeFormat>();
/** One formatter per kind and time zone: building one costs far more than using it, and sales and every render use them. */
function formatter(kind: "time" | "day" | "date", timeZone: string | undefined): Intl.DateTimeFormat {
  const key = `${kind} ${timeZone ?? ""}`;
  let format = formats.get(key);
  if (!format) {
    if (kind === "time") format = new Intl.DateTimeFormat("en-GB", { hour: "2-digit", minute: "2-digit", hour12: false, timeZone });
    else if (kind === "day") format = new Intl.DateTimeFormat("en-CA", { timeZone, year: "numeric", month: "2-digit", day: "2-digit" });
    else format = new Intl.DateTimeFormat("en-GB", { weekday: "short", day: "numeric", month: "short", timeZone });
    formats.set(key, format);
  }
  return format;
}

/** "20:30" in the given time zone (the machine's when omitted). */
export function formatShowtime(iso: string, timeZone?: string): string {
  return formatter("time", timeZone).format(new Date(iso));
}

/** "Dune · 20:30 · Hall 2", or "movie 53 · session 832" when the programme does not have it. */
export function describeShowing(index: ProgramIndex, movieId: string, sessionId: string, timeZone?: string): string {
  const label = screeningLabel(index, movieId, sessionId);
  return label ? `${label.title} · ${formatShowtime(label.startsAt, timeZone)} · ${label.hall}` : `movie ${movieId} · session ${sessionId}`;
}

/** "12.50" from 1250 cents. */
export function formatPrice(cents: number): string {
  return (cents / 100).toFixed(2);
}

/**
 * Checks a sale against the programme: the session must be a showing of that film, still selling, and
 * every seat a seat of its hall (the default plan for showings not in the programme).
 * @returns the showing's price (cents) when it has one, and how the screening reads.
 * @throws ValidationError for seats outside the plan or a film that does not match the showing.
 * @throws SalesClosedError once sales for the showing have closed.
 */
export function checkSale(
  index: ProgramIndex,
  sale: { seats: readonly string[]; movieId: number | string; sessionId: number | string },
  options: { nowMs: number; closeMinutes: number; defaultPlan: { rows: number; seatsPerRow: number }; timeZone?: string },
): { price?: number; screening: string } {
  const movieId = String(sale.movieId);
  const sessionId = String(sale.sessionId);
  const showing = index.showings.get(sessionId);
  if (showing && showing.movieId !== movieId) {
    const title = index.movies.get(showing.movieId)?.title ?? `movie ${showing.movieId}`;
    throw new ValidationError(
      `Session ${sessionId} is a showing of ${title} (movie ${showing.movieId}), not movie ${movieId}. Pick the showing again.`,
      "movieId",
    );
  }
  const screening = describeShowing(index, movieId, sessionId, options.timeZone);
  const hall = showing ? index.halls.get(showing.hallId) : undefined;
  const plan = hall ?? defaultHall(options.defaultPlan.rows, options.defaultPlan.seatsPerRow);
  const problems = seatProblems(plan, hall?.name ?? "the seat map", sale.seats);
  if (problems.length > 0) throw new ValidationError(problems.join(" "), sale.seats.length > 1 ? "seats" : "seat");
  if (showing && salesClosed(showing, options.nowMs, options.closeMinutes)) {
    throw new SalesClosedError(
      screening,
      formatShowtime(new Date(Date.parse(showing.startsAt) + options.closeMinutes * 60_000).toISOString(), options.timeZone),
    );
  }
  return { ...(showing?.price !== undefined ? { price: showing.price } : {}), screening };
}

/** "20:30" for a showing today, "Thu 4 Dec 20:30" otherwise (in the given time zone, the machine's when omitted). */
export function formatShowingStart(iso: string, nowMs = Date.now(), timeZone?: string): string {
  const day = (ms: number) => formatter("day", timeZone).format(new Date(ms));
  const time = formatShowtime(iso, timeZone);
  if (day(Date.parse(iso)) === day(nowMs)) return time;
  const date = formatter("date", timeZone).format(new Date(iso));
  return `${date} ${time}`;
}
