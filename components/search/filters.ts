import { idMs } from "@/lib/stream-id";
import type { TicketEntry } from "@/lib/entries";
import { matchesFilters } from "@/lib/validations/search";
import { POSITIVE_ID as POSITIVE } from "@/lib/validations/ids";

/** The search form as typed: From and To are `datetime-local` values in the browser's time zone. */
export interface FilterForm {
  name: string;
  seat: string;
  movieId: string;
  sessionId: string;
  from: string;
  to: string;
}

/** What the server and the live matcher both apply. */
export interface Filters {
  name: string;
  seat: string;
  movieId: string;
  sessionId: string;
  fromMs: number | null;
  toMs: number | null;
}

export const EMPTY_FORM: FilterForm = { name: "", seat: "", movieId: "", sessionId: "", from: "", to: "" };

export type Parsed = { ok: true; filters: Filters } | { ok: false; field: keyof FilterForm; error: string };

/** Checks the form as the server would, so a mistake is named before anything is sent. */
export function parseFilters(form: FilterForm): Parsed {
  const movieId = form.movieId.trim();
  const sessionId = form.sessionId.trim();
  if (movieId && !POSITIVE.test(movieId)) return { ok: false, field: "movieId", error: "Movie must be a positive whole number, like 53." };
  if (sessionId && !POSITIVE.test(sessionId))
    return { ok: false, field: "sessionId", error: "Session must be a positive whole number, like 832." };
  const fromMs = form.from ? new Date(form.from).getTime() : null;
  const toMs = form.to ? endOfMinute(new Date(form.to).getTime()) : null;
  if (fromMs !== null && Number.isNaN(fromMs)) return { ok: false, field: "from", error: "From must be a date and time." };
  if (toMs !== null && Number.isNaN(toMs)) return { ok: false, field: "to", error: "To must be a date and time." };
  if (fromMs !== null && toMs !== null && fromMs > toMs) return { ok: false, field: "to", error: "To must be after From." };
  return { ok: true, filters: { name: form.name.trim(), seat: form.seat.trim(), movieId, sessionId, fromMs, toMs } };
}

/** A `datetime-local` value names a minute; "to 14:05" means up to the end of that minute. */
function endOfMinute(ms: number): number {
  return Number.isNaN(ms) ? ms : ms + 59_999;
}

/** The query string for `/api/tickets/search` and `/api/tickets/export.csv`, filters only. */
export function filterQuery(filters: Filters): URLSearchParams {
  const query = new URLSearchParams();
  if (filters.name) query.set("name", filters.name);
  if (filters.seat) query.set("seat", filters.seat);
  if (filters.movieId) query.set("movieId", filters.movieId);
  if (filters.sessionId) query.set("sessionId", filters.sessionId);
  if (filters.fromMs !== null) query.set("from", String(filters.fromMs));
  if (filters.toMs !== null) query.set("to", String(filters.toMs));
  return query;
}

/** The server's rules, for live entries: name a case-insensitive substring, seat case-insensitive, movie and session exact, time within From–To. */
export function matcher(filters: Filters): (entry: TicketEntry) => boolean {
  const fieldFilters = {
    name: filters.name.toLowerCase(),
    seat: filters.seat.toUpperCase(),
    movieId: filters.movieId,
    sessionId: filters.sessionId,
  };
  return (entry) => {
    if (!matchesFilters(fieldFilters, entry.fields)) return false;
    const ms = idMs(entry.id);
    if (filters.fromMs !== null && ms < filters.fromMs) return false;
    if (filters.toMs !== null && ms > filters.toMs) return false;
    return true;
  };
}
