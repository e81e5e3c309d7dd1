import { salesClosed, type ProgramView } from "@/lib/validations/program";
import { screeningLabel, type ProgramIndex } from "@/lib/validations/program-index";
import { showtime } from "@/components/program/show-times";

/** One showing the desk can sell, as the Screening picker lists it. */
export interface ShowingOption {
  sessionId: string;
  movieId: string;
  /** "Dune · 20:30 · Hall 2", with " · tomorrow" or " · Sat 5 Dec" when it is not today. */
  name: string;
  startsAt: string;
  /** Seats still free. */
  left: number;
  /** Lower case text that typing is matched against. */
  search: string;
}

const DAY_MS = 86_400_000;
/** Built once: the picker names every showing again whenever a sold count moves. */
const SHORT_DAY = new Intl.DateTimeFormat("en-GB", { weekday: "short", day: "numeric", month: "short" });

function startOfDay(ms: number): number {
  const day = new Date(ms);
  day.setHours(0, 0, 0, 0);
  return day.getTime();
}

/** Null for today, "tomorrow", else "Sat 5 Dec": a seller must never sell the right film on the wrong day. */
export function dayLabel(iso: string, nowMs: number): string | null {
  const days = Math.round((startOfDay(Date.parse(iso)) - startOfDay(nowMs)) / DAY_MS);
  if (days === 0) return null;
  if (days === 1) return "tomorrow";
  if (days === -1) return "yesterday";
  return SHORT_DAY.format(new Date(iso));
}

/** "Dune · 20:30 · Hall 2" (plus the day when not today), or "movie 53 · session 832" outside the programme. */
export function screeningName(index: ProgramIndex, movieId: string, sessionId: string, nowMs: number): string {
  const label = screeningLabel(index, movieId, sessionId);
  if (!label) return `movie ${movieId} · session ${sessionId}`;
  const day = dayLabel(label.startsAt, nowMs);
  return `${label.title} · ${showtime(label.startsAt)} · ${label.hall}${day ? ` · ${day}` : ""}`;
}

/** Showings still selling (not past their start plus `closeMinutes`), soonest first. */
export function sellableShowings(view: ProgramView | null, index: ProgramIndex, nowMs: number, closeMinutes: number): ShowingOption[] {
  if (!view) return [];
  return view.showings
    .filter((showing) => !salesClosed(showing, nowMs, closeMinutes))
    .sort((a, b) => a.startsAt.localeCompare(b.startsAt) || Number(a.sessionId) - Number(b.sessionId))
    .map((showing) => {
      const name = screeningName(index, showing.movieId, showing.sessionId, nowMs);
      return {
        sessionId: showing.sessionId,
        movieId: showing.movieId,
        name,
        startsAt: showing.startsAt,
        left: Math.max(0, showing.capacity - showing.sold),
        search: `${name.toLowerCase()} ${dayLabel(showing.startsAt, nowMs) === null ? "today" : ""}`,
      };
    });
}

/**
 * The options a query keeps: the query as one piece of the name ("20:30", "hall 2"), or each of its words
 * somewhere in it ("dune 20"). Case does not matter.
 */
export function matchShowings(options: readonly ShowingOption[], query: string): ShowingOption[] {
  const text = query.trim().toLowerCase();
  if (!text) return [...options];
  const words = text.split(/\s+/);
  return options.filter((option) => option.search.includes(text) || words.every((word) => option.search.includes(word)));
}
