import { z } from "zod";
import { ValidationError } from "../errors";
import { POSITIVE_ID, positiveIdSchema, SEAT_PATTERN } from "./ids";

/**
 * The box office's programme: films, halls with their seat plans, and showings. Pure and browser-safe:
 * the desk, the programme page and the server validate with the same rules.
 */

/** A film; `movieId` is the number every stream entry carries. */
export interface Movie {
  movieId: string;
  title: string;
  runtimeMinutes?: number;
}

/** One row of a hall's seat plan: seats 1..`seats`, minus the `aisles` positions; `wheelchair` places are sellable. */
export interface HallRow {
  row: string;
  seats: number;
  aisles?: number[];
  wheelchair?: number[];
}

export interface Hall {
  hallId: string;
  name: string;
  rows: HallRow[];
}

/** A showing; `sessionId` is the number every stream entry carries. `price` is in cents. */
export interface Showing {
  sessionId: string;
  movieId: string;
  hallId: string;
  /** ISO 8601, UTC. */
  startsAt: string;
  price?: number;
}

/** The programme as it is stored: what `POST /api/program/import` takes (extra fields are ignored). */
export interface ProgramDocument {
  movies: Movie[];
  halls: Hall[];
  showings: Showing[];
}

/** A showing as `GET /api/program` lists it: with its capacity and the seats held now. */
export interface ShowingSummary extends Showing {
  capacity: number;
  sold: number;
}

/** What `GET /api/program` answers and `program:update` carries. */
export interface ProgramView {
  movies: Movie[];
  halls: Hall[];
  showings: ShowingSummary[];
}

export const EMPTY_PROGRAM: ProgramDocument = { movies: [], halls: [], showings: [] };

export const HALL_ID = /^[a-z0-9][a-z0-9-]{0,31}$/;
const ROW = /^[A-Z]{1,2}$/;
/** A seat number the seat pattern allows (up to three digits); real halls stay far below it. */
export const MAX_SEATS_PER_ROW = 200;
export const MAX_ROWS = 52;

const positiveId = positiveIdSchema;

const hallId = z
  .string({ error: "Hall id is required, like 2 or main." })
  .trim()
  .toLowerCase()
  .regex(HALL_ID, "Hall id may use letters, digits and dashes (up to 32), like 2 or main.");

const positions = (label: string) =>
  z.array(
    z
      .number({ error: `${label} must list seat numbers, like [5, 16].` })
      .int(`${label} must list whole seat numbers.`)
      .min(1, `${label} must list seat numbers from 1.`),
    {
      error: `${label} must be a list of seat numbers, like [5, 16].`,
    },
  );

export const movieSchema = z.object({
  title: z.string({ error: "Title is required." }).trim().min(1, "Title is required.").max(200, "Title must be at most 200 characters."),
  runtimeMinutes: z
    .number({ error: "Running time must be a whole number of minutes, like 155." })
    .int("Running time must be a whole number of minutes, like 155.")
    .min(1, "Running time must be from 1 to 600 minutes.")
    .max(600, "Running time must be from 1 to 600 minutes.")
    .optional(),
});

export const hallRowSchema = z
  .object({
    row: z
      .string({ error: "Each row needs a letter, like A." })
      .trim()
      .toUpperCase()
      .regex(ROW, "A row is one or two letters, like A or AA."),
    seats: z
      .number({ error: `Seats must be a whole number from 1 to ${MAX_SEATS_PER_ROW}.` })
      .int(`Seats must be a whole number from 1 to ${MAX_SEATS_PER_ROW}.`)
      .min(1, `Seats must be a whole number from 1 to ${MAX_SEATS_PER_ROW}.`)
      .max(MAX_SEATS_PER_ROW, `Seats must be a whole number from 1 to ${MAX_SEATS_PER_ROW}.`),
    aisles: positions("Aisles").optional(),
    wheelchair: positions("Wheelchair places").optional(),
  })
  .superRefine((row, ctx) => {
    const aisles = new Set(row.aisles ?? []);
    for (const [key, list] of [
      ["aisles", row.aisles],
      ["wheelchair", row.wheelchair],
    ] as const) {
      (list ?? []).forEach((n, i) => {
        if (n > row.seats)
          ctx.addIssue({ code: "custom", path: [key, i], message: `Row ${row.row} has ${row.seats} seats, so ${n} is not one of them.` });
      });
    }
    (row.wheelchair ?? []).forEach((n, i) => {
      if (aisles.has(n))
        ctx.addIssue({
          code: "custom",
          path: ["wheelchair", i],
          message: `Seat ${row.row}${n} is an aisle; a wheelchair place must be a seat.`,
        });
    });
    if (aisles.size >= row.seats) ctx.addIssue({ code: "custom", path: ["aisles"], message: `Row ${row.row} would have no seats left.` });
  })
  .transform((row) => {
    const sorted = (list: number[] | undefined) => (list && list.length > 0 ? [...new Set(list)].sort((a, b) => a - b) : undefined);
    const aisles = sorted(row.aisles);
    const wheelchair = sorted(row.wheelchair);
    return { row: row.row, seats: row.seats, ...(aisles ? { aisles } : {}), ...(wheelchair ? { wheelchair } : {}) } as HallRow;
  });

export const hallSchema = z
  .object({
    name: z
      .string({ error: "Hall name is required." })
      .trim()
      .min(1, "Hall name is required.")
      .max(60, "Hall name must be at most 60 characters."),
    rows: z
      .array(hallRowSchema, { error: "A hall needs a list of rows." })
      .min(1, "A hall needs at least one row.")
      .max(MAX_ROWS, `A hall has at most ${MAX_ROWS} rows.`),
  })
  .superRefine((hall, ctx) => {
    const seen = new Set<string>();
    hall.rows.forEach((row, i) => {
      if (seen.has(row.row)) ctx.addIssue({ code: "custom", path: ["rows", i, "row"], message: `Row ${row.row} appears twice.` });
      seen.add(row.row);
    });
  });

/** Accepts ISO 8601 with a zone ("2026-12-02T20:30:00Z", "…+01:00"), normalised to UTC. */
const startsAt = z
  .string({ error: "Start time is required, like 2026-12-02T20:30:00Z." })
  .trim()
  .transform((value, ctx) => {
    const ok = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:\d{2})$/.test(value);
    const ms = ok ? Date.parse(value) : NaN;
    if (Number.isNaN(ms)) {
      ctx.addIssue({ code: "custom", message: "Start time must be a date and time with its zone, like 2026-12-02T20:30:00Z." });
      return z.NEVER;
    }
    return new Date(ms).toISOString();
  });

export const showingSchema = z.object({
  movieId: positiveId("Movie"),
  hallId,
  startsAt,
  price: z
    .number({ error: "Price must be a whole number of cents, like 1250." })
    .int("Price must be a whole number of cents, like 1250.")
    .min(0, "Price must not be negative.")
    .max(100_000_00, "Price must be at most 100000.00.")
    .optional()
    .nullable()
    .transform((value) => value ?? undefined),
});

const documentSchema = z.object(
  {
    movies: z.array(z.object({ movieId: positiveId("Movie id") }).and(movieSchema), { error: "movies must be a list." }).default([]),
    halls: z.array(z.object({ hallId }).and(hallSchema), { error: "halls must be a list." }).default([]),
    showings: z
      .array(z.object({ sessionId: positiveId("Session id") }).and(showingSchema), { error: "showings must be a list." })
      .default([]),
  },
  { error: "Send a JSON object with movies, halls and showings." },
);

/** One thing wrong in a programme document, with where: `showings[3].startsAt`. */
export interface ProgramProblem {
  path: string;
  message: string;
}

/** `["showings", 3, "startsAt"]` → `showings[3].startsAt`. */
export function problemPath(path: readonly PropertyKey[]): string {
  return path.reduce<string>(
    (text, part) => (typeof part === "number" ? `${text}[${part}]` : text ? `${text}.${String(part)}` : String(part)),
    "",
  );
}

/** Every zod issue as a problem, in document order. */
export function zodProblems(error: z.ZodError, prefix: readonly PropertyKey[] = []): ProgramProblem[] {
  return error.issues.map((issue) => ({ path: problemPath([...prefix, ...issue.path]), message: issue.message }));
}

/** Parses an import document: the shape is checked here, the programme's own rules by {@link programProblems}. */
export function parseProgramDocument(body: unknown): { document: ProgramDocument } | { problems: ProgramProblem[] } {
  const parsed = documentSchema.safeParse(body);
  if (!parsed.success) return { problems: zodProblems(parsed.error) };
  const d = parsed.data;
  return {
    document: {
      movies: d.movies.map((m) => ({
        movieId: m.movieId,
        title: m.title,
        ...(m.runtimeMinutes ? { runtimeMinutes: m.runtimeMinutes } : {}),
      })),
      halls: d.halls.map((h) => ({ hallId: h.hallId, name: h.name, rows: h.rows })),
      showings: d.showings.map((s) => ({
        sessionId: s.sessionId,
        movieId: s.movieId,
        hallId: s.hallId,
        startsAt: s.startsAt,
        ...(s.price !== undefined ? { price: s.price } : {}),
      })),
    },
  };
}

/** The kinds of place in a seat plan. */
export type SeatKind = "seat" | "wheelchair" | "aisle";

/** Every position of a row, left to right: `A1`… with its kind. */
export function rowPlaces(row: HallRow): { seat: string; number: number; kind: SeatKind }[] {
  const aisles = new Set(row.aisles ?? []);
  const wheelchair = new Set(row.wheelchair ?? []);
  return Array.from({ length: row.seats }, (_, i) => {
    const number = i + 1;
    const kind: SeatKind = aisles.has(number) ? "aisle" : wheelchair.has(number) ? "wheelchair" : "seat";
    return { seat: `${row.row}${number}`, number, kind };
  });
}

/** Sellable places of a hall. */
export function hallCapacity(hall: Pick<Hall, "rows">): number {
  return hall.rows.reduce((sum, row) => sum + row.seats - (row.aisles?.length ?? 0), 0);
}

/** Every sellable seat of a hall. */
export function hallSeats(hall: Pick<Hall, "rows">): Set<string> {
  const seats = new Set<string>();
  for (const row of hall.rows) for (const place of rowPlaces(row)) if (place.kind !== "aisle") seats.add(place.seat);
  return seats;
}

/** The plan used for showings that are not in the programme: SEAT_ROWS × SEATS_PER_ROW, no aisles. */
export function defaultHall(rows: number, seatsPerRow: number): Pick<Hall, "rows"> {
  return { rows: Array.from({ length: rows }, (_, i) => ({ row: String.fromCharCode(65 + i), seats: seatsPerRow })) };
}

/** Where `seat` is in a plan: a sellable place, an aisle, or nowhere. */
export function seatKind(hall: Pick<Hall, "rows">, seat: string): SeatKind | "missing" {
  const match = /^([A-Z]{1,2})(\d{1,3})$/.exec(seat);
  if (!match) return "missing";
  const row = hall.rows.find((r) => r.row === match[1]);
  const number = Number(match[2]);
  if (!row || number < 1 || number > row.seats) return "missing";
  if (row.aisles?.includes(number)) return "aisle";
  return row.wheelchair?.includes(number) ? "wheelchair" : "seat";
}

/** When a showing ends, for the overlap rule: start plus the film's running time (a film without one blocks only its start minute). */
export function showingEndsMs(showing: Pick<Showing, "startsAt">, movie: Movie | undefined): number {
  return Date.parse(showing.startsAt) + Math.max(1, movie?.runtimeMinutes ?? 1) * 60_000;
}

/** True once sales have closed: `closeMinutes` after the start. */
export function salesClosed(showing: Pick<Showing, "startsAt">, nowMs: number, closeMinutes: number): boolean {
  return nowMs >= Date.parse(showing.startsAt) + closeMinutes * 60_000;
}

/**
 * The programme's own rules over a whole document: unique ids, showings naming a known film and hall,
 * and no two showings overlapping in one hall. Paths point into the document.
 * @param changed the showings being added or changed (by index), when the rest are already stored: an
 * overlap between one of them and a stored showing is theirs, so its path points at what the caller sent.
 * Otherwise, and between two changed ones, the one later in the document is named.
 */
export function programProblems(document: ProgramDocument, changed: (index: number) => boolean = () => true): ProgramProblem[] {
  const problems: ProgramProblem[] = [];
  const unique = <T>(list: T[], id: (item: T) => string, kind: "movies" | "halls" | "showings", label: string) => {
    const seen = new Map<string, number>();
    list.forEach((item, i) => {
      const first = seen.get(id(item));
      if (first !== undefined)
        problems.push({ path: `${kind}[${i}]`, message: `${label} ${id(item)} appears twice (also at ${kind}[${first}]).` });
      else seen.set(id(item), i);
    });
  };
  unique(document.movies, (m) => m.movieId, "movies", "Movie");
  unique(document.halls, (h) => h.hallId, "halls", "Hall");
  unique(document.showings, (s) => s.sessionId, "showings", "Session");
  const movies = new Map(document.movies.map((m) => [m.movieId, m]));
  const halls = new Map(document.halls.map((h) => [h.hallId, h]));
  document.showings.forEach((showing, i) => {
    if (!movies.has(showing.movieId))
      problems.push({ path: `showings[${i}].movieId`, message: `There is no film with movie id ${showing.movieId}; add it first.` });
    if (!halls.has(showing.hallId))
      problems.push({ path: `showings[${i}].hallId`, message: `There is no hall "${showing.hallId}"; add it first.` });
  });
  const byHall = new Map<string, { showing: Showing; index: number; start: number; end: number }[]>();
  document.showings.forEach((showing, index) => {
    const list = byHall.get(showing.hallId) ?? [];
    list.push({ showing, index, start: Date.parse(showing.startsAt), end: showingEndsMs(showing, movies.get(showing.movieId)) });
    byHall.set(showing.hallId, list);
  });
  for (const [hallId, list] of byHall) {
    list.sort((a, b) => a.start - b.start || a.index - b.index);
    // Against the showing that runs longest so far, not just the one before: a long film can span several short ones.
    let before = list[0]!;
    for (const after of list.slice(1)) {
      if (after.start < before.end) {
        const later =
          changed(after.index) !== changed(before.index)
            ? changed(after.index)
              ? after
              : before
            : after.index > before.index
              ? after
              : before;
        const other = later === after ? before : after;
        const hall = halls.get(hallId)?.name ?? hallId;
        problems.push({
          path: `showings[${later.index}].startsAt`,
          message: `Session ${later.showing.sessionId} overlaps session ${other.showing.sessionId} in ${hall} (${movies.get(other.showing.movieId)?.title ?? `movie ${other.showing.movieId}`}, ${utcClock(other.start)}–${utcClock(other.end)} UTC). Pick another time or hall.`,
        });
      }
      if (after.end > before.end) before = after;
    }
  }
  return problems;
}

const utcClock = (ms: number) => new Date(ms).toISOString().slice(11, 16);

/** Seats a sale names that the plan does not sell, each with the sentence to show. */
export function seatProblems(hall: Pick<Hall, "rows">, hallName: string, seats: readonly string[]): string[] {
  const problems: string[] = [];
  for (const seat of seats) {
    if (!SEAT_PATTERN.test(seat)) continue;
    const kind = seatKind(hall, seat);
    if (kind === "aisle") problems.push(`${seat} is an aisle in ${hallName}, not a seat.`);
    else if (kind === "missing") problems.push(`${seat} is not a seat in ${hallName}.`);
  }
  return problems;
}

function parseItem<T extends z.ZodType>(schema: T, body: unknown, what: string): z.output<T> {
  if (typeof body !== "object" || body === null || Array.isArray(body)) throw new ValidationError(`Send the ${what} as a JSON object.`);
  const result = schema.safeParse(body);
  if (!result.success) {
    const issue = result.error.issues[0]!;
    throw new ValidationError(issue.message, problemPath(issue.path) || undefined);
  }
  return result.data;
}

/** Checks an id from a path: a movie or session id (positive whole number) or a hall id. */
export function parseProgramId(kind: "movie" | "hall" | "session", raw: string): string {
  const value = kind === "hall" ? raw.trim().toLowerCase() : raw.trim();
  if (kind === "hall" ? !HALL_ID.test(value) : !POSITIVE_ID.test(value)) {
    throw new ValidationError(
      kind === "hall"
        ? "Hall id may use letters, digits and dashes (up to 32), like 2 or main."
        : `The ${kind} id must be a positive whole number, like 53.`,
      `${kind === "session" ? "sessionId" : `${kind}Id`}`,
    );
  }
  return value;
}

/** `PUT /api/program/movies/:movieId`. @throws ValidationError naming the field. */
export function parseMovie(movieId: string, body: unknown): Movie {
  const movie = parseItem(movieSchema, body, "film");
  return { movieId, title: movie.title, ...(movie.runtimeMinutes ? { runtimeMinutes: movie.runtimeMinutes } : {}) };
}

/** `PUT /api/program/halls/:hallId`. @throws ValidationError naming the field. */
export function parseHall(hallId: string, body: unknown): Hall {
  const hall = parseItem(hallSchema, body, "hall");
  return { hallId, name: hall.name, rows: hall.rows };
}

/** `PUT /api/program/showings/:sessionId`. @throws ValidationError naming the field. */
export function parseShowing(sessionId: string, body: unknown): Showing {
  const s = parseItem(showingSchema, body, "showing");
  return { sessionId, movieId: s.movieId, hallId: s.hallId, startsAt: s.startsAt, ...(s.price !== undefined ? { price: s.price } : {}) };
}

/**
 * `?from=<ISO date>&days=<n>` of `GET /api/program`: showings starting from midnight (the server's time)
 * of `from` (default today) for `days` days (default 7, at most 3660); `?all=1` for every showing.
 */
export function parseProgramWindow(params: URLSearchParams, nowMs: number): { fromMs?: number; toMs?: number } {
  if (params.get("all") === "1") return {};
  const from = params.get("from");
  const days = params.get("days");
  let start = new Date(nowMs);
  if (from) {
    const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(from);
    const date = match ? new Date(Number(match[1]), Number(match[2]) - 1, Number(match[3])) : null;
    if (!date || date.getDate() !== Number(match![3])) throw new ValidationError("from must be a date like 2026-12-02.", "from");
    start = date;
  }
  start.setHours(0, 0, 0, 0);
  const count = days === null || days === "" ? 7 : /^\d{1,4}$/.test(days) && Number(days) >= 1 && Number(days) <= 3660 ? Number(days) : NaN;
  if (Number.isNaN(count)) throw new ValidationError("days must be a whole number from 1 to 3660.", "days");
  const end = new Date(start);
  end.setDate(end.getDate() + count);
  return { fromMs: start.getTime(), toMs: end.getTime() };
}
