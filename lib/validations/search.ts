import { z } from "zod";
import { ValidationError } from "../errors";
import { compareIds, isStreamId, type StreamId } from "../stream-id";
import { POSITIVE_ID as POSITIVE } from "./ids";

const MAX_SEQ = "18446744073709551615";
const ISO_TIME = /^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?)?(Z|[+-]\d{2}:?\d{2})?$/;

/**
 * A bound of the search: an entry id, milliseconds since the epoch, or a time like 2026-11-28T21:40.
 * A time becomes the first id of that millisecond for `from` and the last one for `to`, so both ends are
 * inclusive.
 */
const position = (name: "from" | "to") =>
  z
    .string()
    .trim()
    .transform((value, ctx): StreamId => {
      if (isStreamId(value)) return value;
      const ms = /^\d{1,15}$/.test(value) ? Number(value) : ISO_TIME.test(value) ? Date.parse(value) : NaN;
      if (Number.isNaN(ms) || ms < 0) {
        ctx.addIssue({
          code: "custom",
          message: `${name} must be an entry id like 1700000000000-0, a time in milliseconds, or a time like 2026-11-28T21:40.`,
        });
        return z.NEVER;
      }
      return name === "from" ? `${ms}-0` : `${ms}-${MAX_SEQ}`;
    });

const positiveText = (label: string, name: string) =>
  z.string().trim().regex(POSITIVE, `${label} (${name}) must be a positive whole number, like 53.`);

const searchSchema = z.object({
  name: z.string().trim().max(100, "name must be at most 100 characters.").optional(),
  seat: z.string().trim().toUpperCase().max(20, "seat must be at most 20 characters.").optional(),
  movieId: positiveText("Movie", "movieId").optional(),
  sessionId: positiveText("Session", "sessionId").optional(),
  from: position("from").optional(),
  to: position("to").optional(),
  cursor: z
    .string()
    .trim()
    .refine(isStreamId, "cursor must be an entry id like 1700000000000-0, as the previous page returned it.")
    .optional(),
  count: z.coerce
    .number({ error: "count must be a whole number from 1 to 500." })
    .int("count must be a whole number from 1 to 500.")
    .min(1, "count must be a whole number from 1 to 500.")
    .max(500, "count must be a whole number from 1 to 500.")
    .default(50),
});

/** What an entry must match; every filter given must hold. */
export interface SearchFilters {
  /** Case-insensitive substring of the name. */
  name?: string;
  /** Exact seat, case-insensitive (already upper-cased). */
  seat?: string;
  movieId?: string;
  sessionId?: string;
}

/**
 * True when an entry's fields pass every filter given (`name` already lower-cased, `seat` upper-cased):
 * the one rule the server's scan, the CSV export and the browser's live matches share.
 */
export function matchesFilters(filters: SearchFilters, fields: Record<string, string>): boolean {
  if (filters.name && !(fields.name ?? "").toLowerCase().includes(filters.name)) return false;
  if (filters.seat && (fields.seat ?? "").trim().toUpperCase() !== filters.seat) return false;
  if (filters.movieId && (fields.movieId ?? "").trim() !== filters.movieId) return false;
  if (filters.sessionId && (fields.sessionId ?? "").trim() !== filters.sessionId) return false;
  return true;
}

export interface SearchQuery {
  filters: SearchFilters;
  /** Oldest entry to consider (inclusive); the stream's start when omitted. */
  from?: StreamId;
  /** Newest entry to consider (inclusive); the stream's end when omitted. */
  to?: StreamId;
  /** Continue below this id (exclusive), as a previous page returned it. */
  cursor?: StreamId;
  count: number;
}

/**
 * Parses the query string of the search and the CSV export; empty parameters count as absent.
 * @throws ValidationError naming the parameter to fix.
 */
export function parseSearchQuery(params: URLSearchParams): SearchQuery {
  const input: Record<string, string> = {};
  for (const key of ["name", "seat", "movieId", "sessionId", "from", "to", "cursor", "count"]) {
    const value = params.get(key);
    if (value !== null && value.trim() !== "") input[key] = value;
  }
  const result = searchSchema.safeParse(input);
  if (!result.success) {
    const issue = result.error.issues[0]!;
    throw new ValidationError(issue.message, String(issue.path[0] ?? ""));
  }
  const { name, seat, movieId, sessionId, from, to, cursor, count } = result.data;
  if (from !== undefined && to !== undefined && compareIds(from, to) > 0) {
    throw new ValidationError("from must not be after to: swap them, or widen the range.", "from");
  }
  const filters: SearchFilters = {};
  if (name) filters.name = name.toLowerCase();
  if (seat) filters.seat = seat;
  if (movieId) filters.movieId = movieId;
  if (sessionId) filters.sessionId = sessionId;
  return { filters, from, to, cursor, count };
}
