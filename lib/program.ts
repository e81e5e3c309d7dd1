import { auditFields } from "./audit";
import { ProgramConflictError, ProgramInvalidError, ProgramItemMissingError, ValidationError } from "./errors";
import type { StreamKeys } from "./keys";
import { guard, type RedisClient } from "./redis";
import {
  EMPTY_PROGRAM,
  hallCapacity,
  hallSeats,
  programProblems,
  type Hall,
  type Movie,
  type ProgramDocument,
  type ProgramProblem,
  type ProgramView,
  type Showing,
} from "./validations/program";
import { describeShowing, indexProgram, type ProgramIndex } from "./validations/program-index";

export type { ProgramDocument, ProgramView } from "./validations/program";

/** The programme as stored, with the version every change moves on by one ("0" before the first). */
export interface ProgramState {
  document: ProgramDocument;
  version: string;
}

/** Reads the programme document and its version in one round trip. */
export async function readProgram(redis: RedisClient, keys: StreamKeys): Promise<ProgramState> {
  const [doc, version] = await guard(redis.hmget(keys.program, "doc", "version"));
  return { document: doc ? (JSON.parse(doc) as ProgramDocument) : EMPTY_PROGRAM, version: version ?? "0" };
}

/** The programme's version alone ("0" before the first change): a cheap check before reading the document again. */
export async function programVersion(redis: RedisClient, keys: StreamKeys): Promise<string> {
  return (await guard(redis.hget(keys.program, "version"))) ?? "0";
}

/**
 * The programme as `GET /api/program` shows it: films and halls, and the showings starting in
 * [`fromMs`, `toMs`) (all when omitted) in start order, each with its capacity and the seats held now.
 */
export async function programView(
  redis: RedisClient,
  keys: StreamKeys,
  document: ProgramDocument,
  window: { fromMs?: number; toMs?: number } = {},
): Promise<ProgramView> {
  const halls = new Map(document.halls.map((hall) => [hall.hallId, hall]));
  const showings = document.showings
    .filter((s) => {
      const start = Date.parse(s.startsAt);
      return (window.fromMs === undefined || start >= window.fromMs) && (window.toMs === undefined || start < window.toMs);
    })
    .sort((a, b) => a.startsAt.localeCompare(b.startsAt) || Number(a.sessionId) - Number(b.sessionId));
  let sold: number[] = [];
  if (showings.length > 0) {
    const pipeline = redis.pipeline();
    for (const s of showings) pipeline.hlen(keys.seats(s.movieId, s.sessionId));
    const replies = (await guard(pipeline.exec())) ?? [];
    sold = replies.map(([error, count]) => {
      if (error) throw error;
      return Number(count);
    });
  }
  return {
    movies: [...document.movies].sort((a, b) => a.title.localeCompare(b.title)),
    halls: [...document.halls].sort((a, b) => a.name.localeCompare(b.name, undefined, { numeric: true })),
    showings: showings.map((s, i) => ({ ...s, capacity: hallCapacity(halls.get(s.hallId) ?? { rows: [] }), sold: sold[i] ?? 0 })),
  };
}

/** One change to the programme, as the API names it. */
export type ProgramChange =
  | { kind: "movie.put"; movie: Movie }
  | { kind: "movie.delete"; movieId: string }
  | { kind: "hall.put"; hall: Hall }
  | { kind: "hall.delete"; hallId: string }
  | { kind: "showing.put"; showing: Showing }
  | { kind: "showing.delete"; sessionId: string }
  | { kind: "import"; document: ProgramDocument };

/** A seat hash a change must find empty ("*"), or holding only seats of a plan. */
interface SalesCheck {
  movieId: string;
  sessionId: string;
  /** null: no seat may be sold; otherwise only these seats may be. */
  allowed: Set<string> | null;
  /** The sentence when the check fails; `seat` is the sold seat that is in the way. */
  problem: (seat: string | null) => ProgramProblem;
}

interface Applied {
  next: ProgramDocument;
  /** Which showings of `next` this change adds or changes, when it names them (the rest were stored, and valid). */
  changed?: (showing: Showing) => boolean;
  created: boolean;
  target: string;
  checks: SalesCheck[];
}

const MAX_ATTEMPTS = 5;

/**
 * Applies one change and writes it with its audit entry (`program.*`) in one script, retrying when
 * another change landed in between. Every write validates the whole resulting programme, so it is never
 * stored in a state that breaks its rules.
 * @returns whether the change created the item, and the programme's new version.
 * @throws ProgramInvalidError (400) listing every problem of an import; ValidationError (400) naming `movieId`
 * or `hallId` when one showing names a film or hall that is not there; ProgramConflictError (409) for an overlap or
 * sales in the way; ProgramItemMissingError (404) when deleting something that is not there.
 */
export async function changeProgram(
  redis: RedisClient,
  keys: StreamKeys,
  actor: string,
  change: ProgramChange,
): Promise<{ created: boolean; version: string }> {
  for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
    const state = await readProgram(redis, keys);
    const applied = apply(state.document, change);
    const { changed } = applied;
    const problems = programProblems(applied.next, changed ? (i) => changed(applied.next.showings[i]!) : undefined);
    if (problems.length > 0) {
      if (change.kind === "import") throw new ProgramInvalidError(problems);
      // One item changed: a missing film or hall is the caller's mistake (400); an overlap is a conflict with another showing (409).
      const reference = problems.find((p) => /\.(movieId|hallId)$/.test(p.path));
      // Its path points into the whole stored programme (`showings[41].hallId`); the caller sent one showing, so name the field.
      if (reference) throw new ValidationError(reference.message, reference.path.endsWith(".movieId") ? "movieId" : "hallId");
      throw new ProgramConflictError(problems[0]!.message);
    }
    const blocked = await salesInTheWay(redis, keys, applied.checks);
    if (blocked.length > 0) {
      if (change.kind === "import") throw new ProgramInvalidError(blocked);
      throw new ProgramConflictError(blocked[0]!.message);
    }
    const checkKeys = applied.checks.map((c) => keys.seats(c.movieId, c.sessionId));
    const specs = applied.checks.map((c) => (c.allowed ? `=${[...c.allowed].join(",")}` : "*"));
    const audit = auditFields({ actor, action: `program.${change.kind}`, target: applied.target, ...summary(change) });
    const [ok, a, b] = await guard(
      redis.sdWriteProgram(
        2 + checkKeys.length,
        keys.program,
        keys.audit,
        ...checkKeys,
        state.version,
        JSON.stringify(applied.next),
        String(specs.length),
        ...specs,
        ...audit,
      ),
    );
    if (ok === 1) return { created: applied.created, version: String(a) };
    if (ok === 2) {
      // A sale landed between the check above and the write: say which.
      const problem = applied.checks[Number(a) - 1]!.problem(b || null);
      if (change.kind === "import") throw new ProgramInvalidError([problem]);
      throw new ProgramConflictError(problem.message);
    }
  }
  throw new ProgramConflictError("The programme kept changing while this change was saved; nothing was changed. Reload and try again.");
}

/** The audit entry's details: what a person would want to read back. */
function summary(change: ProgramChange): Record<string, string> {
  switch (change.kind) {
    case "movie.put":
      return { title: change.movie.title };
    case "hall.put":
      return { name: change.hall.name, capacity: String(hallCapacity(change.hall)) };
    case "showing.put":
      return {
        movieId: change.showing.movieId,
        hallId: change.showing.hallId,
        startsAt: change.showing.startsAt,
        ...(change.showing.price !== undefined ? { price: String(change.showing.price) } : {}),
      };
    case "import":
      return {
        movies: String(change.document.movies.length),
        halls: String(change.document.halls.length),
        showings: String(change.document.showings.length),
      };
    default:
      return {};
  }
}

function upsert<T>(list: T[], item: T, same: (a: T) => boolean): { list: T[]; created: boolean } {
  const index = list.findIndex(same);
  if (index === -1) return { list: [...list, item], created: true };
  return { list: list.map((x, i) => (i === index ? item : x)), created: false };
}

/** The showings of a hall must keep every sold seat in its plan. */
function planChecks(document: ProgramDocument, hall: Hall, where: (i: number) => string): SalesCheck[] {
  const seats = hallSeats(hall);
  return document.showings.flatMap((showing, i) =>
    showing.hallId !== hall.hallId
      ? []
      : [
          {
            movieId: showing.movieId,
            sessionId: showing.sessionId,
            allowed: seats,
            problem: (seat: string | null) => ({
              path: where(i),
              message: `Seat ${seat ?? "?"} is sold for session ${showing.sessionId}, and ${hall.name}'s plan would no longer have it. Keep that seat in the plan, or refund it first.`,
            }),
          },
        ],
  );
}

/** What a showing's change must find: no sales at all when its film or hall changes, else only seats of its hall. */
function showingCheck(before: Showing | undefined, showing: Showing, hall: Hall | undefined, path: string): SalesCheck {
  const moved = before && (before.hallId !== showing.hallId || before.movieId !== showing.movieId);
  if (moved) {
    const what = before.hallId !== showing.hallId ? "hall" : "film";
    return {
      movieId: before.movieId,
      sessionId: before.sessionId,
      allowed: null,
      problem: () => ({
        path,
        message: `Session ${showing.sessionId} already has sales, so its ${what} cannot change. Refund them first, or add a new showing.`,
      }),
    };
  }
  return {
    movieId: showing.movieId,
    sessionId: showing.sessionId,
    allowed: hallSeats(hall ?? { rows: [] }),
    problem: (seat) => ({
      path,
      message: `Seat ${seat ?? "?"} is sold for session ${showing.sessionId} but is not a seat of ${hall?.name ?? showing.hallId}. Pick a hall that has it, or refund it first.`,
    }),
  };
}

function apply(document: ProgramDocument, change: ProgramChange): Applied {
  switch (change.kind) {
    case "movie.put": {
      const { list, created } = upsert(document.movies, change.movie, (m) => m.movieId === change.movie.movieId);
      return { next: { ...document, movies: list }, created, target: change.movie.movieId, checks: [] };
    }
    case "hall.put": {
      const { list, created } = upsert(document.halls, change.hall, (h) => h.hallId === change.hall.hallId);
      return {
        next: { ...document, halls: list },
        created,
        target: change.hall.hallId,
        checks: planChecks(document, change.hall, () => "rows"),
      };
    }
    case "showing.put": {
      const before = document.showings.find((s) => s.sessionId === change.showing.sessionId);
      const { list, created } = upsert(document.showings, change.showing, (s) => s.sessionId === change.showing.sessionId);
      const hall = document.halls.find((h) => h.hallId === change.showing.hallId);
      return {
        next: { ...document, showings: list },
        created,
        target: change.showing.sessionId,
        checks: [showingCheck(before, change.showing, hall, "hallId")],
        changed: (s) => s.sessionId === change.showing.sessionId,
      };
    }
    case "movie.delete": {
      const movie = document.movies.find((m) => m.movieId === change.movieId);
      if (!movie) throw new ProgramItemMissingError(`There is no film with movie id ${change.movieId} in the programme.`);
      const showings = document.showings.filter((s) => s.movieId === change.movieId);
      if (showings.length > 0) {
        throw new ProgramConflictError(
          `${movie.title} has ${showings.length === 1 ? "a showing" : `${showings.length} showings`} (session ${showings.map((s) => s.sessionId).join(", ")}); delete ${showings.length === 1 ? "it" : "them"} first.`,
        );
      }
      return {
        next: { ...document, movies: document.movies.filter((m) => m !== movie) },
        created: false,
        target: change.movieId,
        checks: [],
      };
    }
    case "hall.delete": {
      const hall = document.halls.find((h) => h.hallId === change.hallId);
      if (!hall) throw new ProgramItemMissingError(`There is no hall "${change.hallId}" in the programme.`);
      const showings = document.showings.filter((s) => s.hallId === change.hallId);
      if (showings.length > 0) {
        throw new ProgramConflictError(
          `${hall.name} has ${showings.length === 1 ? "a showing" : `${showings.length} showings`} (session ${showings.map((s) => s.sessionId).join(", ")}); delete ${showings.length === 1 ? "it" : "them"} first.`,
        );
      }
      return { next: { ...document, halls: document.halls.filter((h) => h !== hall) }, created: false, target: change.hallId, checks: [] };
    }
    case "showing.delete": {
      const showing = document.showings.find((s) => s.sessionId === change.sessionId);
      if (!showing) throw new ProgramItemMissingError(`There is no showing with session id ${change.sessionId} in the programme.`);
      return {
        next: { ...document, showings: document.showings.filter((s) => s !== showing) },
        created: false,
        target: change.sessionId,
        checks: [
          {
            movieId: showing.movieId,
            sessionId: showing.sessionId,
            allowed: null,
            problem: () => ({
              path: "sessionId",
              message: `Session ${showing.sessionId} has sales, so it cannot be deleted. Refund them first.`,
            }),
          },
        ],
      };
    }
    case "import":
      return applyImport(document, change.document);
  }
}

/** An import adds or replaces every film, hall and showing it names, and keeps the rest. */
function applyImport(document: ProgramDocument, incoming: ProgramDocument): Applied {
  let next = document;
  for (const movie of incoming.movies) next = { ...next, movies: upsert(next.movies, movie, (m) => m.movieId === movie.movieId).list };
  for (const hall of incoming.halls) next = { ...next, halls: upsert(next.halls, hall, (h) => h.hallId === hall.hallId).list };
  for (const showing of incoming.showings)
    next = { ...next, showings: upsert(next.showings, showing, (s) => s.sessionId === showing.sessionId).list };
  const checks: SalesCheck[] = [];
  const checked = new Set<string>();
  incoming.showings.forEach((showing, i) => {
    const before = document.showings.find((s) => s.sessionId === showing.sessionId);
    const hall = next.halls.find((h) => h.hallId === showing.hallId);
    checks.push(showingCheck(before, showing, hall, `showings[${i}].hallId`));
    checked.add(showing.sessionId);
  });
  incoming.halls.forEach((hall, h) => {
    for (const check of planChecks(next, hall, () => `halls[${h}].rows`)) if (!checked.has(check.sessionId)) checks.push(check);
  });
  // The resulting document is validated as a whole; its problems must point into what was sent.
  const sent = new Set(incoming.showings.map((s) => s.sessionId));
  return { next: remapForImport(next, incoming), created: false, target: "import", checks, changed: (s) => sent.has(s.sessionId) };
}

/**
 * Orders the merged programme so that the imported items come first, in the document's order: the whole
 * programme's problems then carry the paths of the document the person sent (`showings[3]`), and problems
 * of items already stored, which were valid before, can only be caused by the import.
 */
function remapForImport(merged: ProgramDocument, incoming: ProgramDocument): ProgramDocument {
  const first = <T>(list: T[], mine: T[], id: (x: T) => string) => {
    const ids = new Set(mine.map(id));
    return [...mine.map((x) => list.find((y) => id(y) === id(x))!), ...list.filter((x) => !ids.has(id(x)))];
  };
  return {
    movies: first(merged.movies, incoming.movies, (m) => m.movieId),
    halls: first(merged.halls, incoming.halls, (h) => h.hallId),
    showings: first(merged.showings, incoming.showings, (s) => s.sessionId),
  };
}

/** Reads the seats the checks look at (one pipeline) and returns every check that sold seats break. */
async function salesInTheWay(redis: RedisClient, keys: StreamKeys, checks: SalesCheck[]): Promise<ProgramProblem[]> {
  if (checks.length === 0) return [];
  const pipeline = redis.pipeline();
  for (const check of checks) pipeline.hkeys(keys.seats(check.movieId, check.sessionId));
  const replies = (await guard(pipeline.exec())) ?? [];
  const problems: ProgramProblem[] = [];
  checks.forEach((check, i) => {
    const [error, sold] = replies[i] ?? [null, []];
    if (error) throw error;
    const seats = sold as string[];
    const stray = check.allowed ? seats.find((seat) => !check.allowed!.has(seat)) : seats[0];
    if (stray !== undefined) problems.push(check.problem(stray));
  });
  return problems;
}

/**
 * The programme held in memory for sales: checked against Redis on every sale by its version (the sale
 * script refuses a stale one), so it only needs reloading when that happens or when it changes.
 */
export class ProgramCache {
  #current: Promise<ProgramState & { index: ProgramIndex }> | undefined;

  constructor(
    private readonly redis: RedisClient,
    private readonly keys: StreamKeys,
  ) {}

  /** The programme as last read; reads it on first use. */
  get(): Promise<ProgramState & { index: ProgramIndex }> {
    this.#current ??= this.#load();
    return this.#current;
  }

  /** Reads it again now (after a refused sale, or when the version moved on). */
  reload(): Promise<ProgramState & { index: ProgramIndex }> {
    this.#current = this.#load();
    return this.#current;
  }

  async #load(): Promise<ProgramState & { index: ProgramIndex }> {
    try {
      const state = await readProgram(this.redis, this.keys);
      return { ...state, index: indexProgram(state.document) };
    } catch (error) {
      this.#current = undefined;
      throw error;
    }
  }
}

export { describeShowing };
