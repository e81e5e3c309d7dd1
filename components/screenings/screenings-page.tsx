"use client";

import Link from "next/link";
import { useRouter } from "next/navigation";
import { memo, useCallback, useEffect, useMemo, useState, useSyncExternalStore, type ReactNode } from "react";
import { SeatMap } from "@/components/desk/seat-map";
import { formatClock } from "@/components/feed/format";
import { StaleBanner } from "@/components/groups/stale-banner";
import { RetentionSummary, RetentionWarning } from "@/components/retention/retention";
import { useRetention } from "@/components/retention/use-retention";
import { Dialog } from "@/components/ui/dialog";
import { buttonStyles } from "@/components/ui/field";
import { useProgramAsRead, useProgramIndex } from "@/components/program/program-store";
import { useNow } from "@/components/ui/use-now";
import { showtime } from "@/components/program/show-times";
import { describeShowing, formatPrice } from "@/lib/validations/program-index";
import type { ProgramView } from "@/lib/validations/program";
import { ScreeningsBoard, type Screening } from "./screenings-store";
import { useAccounting, type AccountingFigures } from "./use-accounting";

/** Above this share of seats sold a screening is highlighted as filling up. */
const ALMOST_FULL = 0.8;

/** Every screening with seats sold and left, live; a click opens its seat map. */
export function ScreeningsPage({ rows, seatsPerRow }: { rows: number; seatsPerRow: number }) {
  const [board] = useState(() => new ScreeningsBoard(rows * seatsPerRow));
  useEffect(() => {
    board.start();
    return () => board.stop();
  }, [board]);
  const { screenings, error, syncedAt } = useSyncExternalStore(board.subscribe, board.getSnapshot, board.getSnapshot);
  const retention = useRetention();
  const [open, setOpen] = useState<Screening | null>(null);
  const accounting = useAccounting();
  const accountsOf = (movieId: string, sessionId: string) =>
    accounting && accounting.byScreening.size > 0 ? (accounting.byScreening.get(`${movieId}:${sessionId}`) ?? null) : undefined;
  const onOpen = useCallback((screening: Screening) => setOpen(screening), []);

  // The programme as read, not as counted live: the board's own counts are the live ones, so the programme's
  // counting (four times a second in a flood) does not render the board again.
  const view = useProgramAsRead();
  const now = useNow(30_000);
  const layout = useMemo(() => programmeLayout(view, now), [view, now]);
  const [cards] = useState(() => new SameCards());
  const days = useMemo(() => cards.keep(withCounts(layout, screenings ?? [])), [cards, layout, screenings]);
  const inProgramme = useMemo(() => new Set((view?.showings ?? []).map((s) => `${s.movieId}/${s.sessionId}`)), [view]);
  const movies = useMemo(
    () => groupByMovie((screenings ?? []).filter((s) => !inProgramme.has(`${s.movieId}/${s.sessionId}`))),
    [screenings, inProgramme],
  );
  const totalSold = (screenings ?? []).reduce((sum, s) => sum + s.sold, 0);
  const takings = days.flatMap((d) => d.films.flatMap((f) => f.showings)).reduce((sum, s) => sum + (s.price ?? 0) * s.sold, 0);

  return (
    <div className="mx-auto w-full max-w-6xl space-y-4 p-4">
      <div className="flex flex-wrap items-baseline justify-between gap-2">
        <h1 className="text-xl font-semibold">Screenings</h1>
        <span className="text-sm text-slate-600">
          {screenings ? `${totalSold.toLocaleString()} seats sold · ` : ""}
          {takings > 0 ? (
            <>
              takings <span data-testid="total-takings">{formatPrice(takings)}</span> ·{" "}
            </>
          ) : null}
          {accounting?.today ? (
            <>
              accounting today <span data-testid="accounting-today">{formatPrice(accounting.today.takings)}</span> ·{" "}
            </>
          ) : null}
          Live; counts re-read {syncedAt ? `at ${formatClock(syncedAt)}` : "every 30 s"}.
        </span>
      </div>
      <StaleBanner error={error} />
      <RetentionWarning state={retention} />
      {screenings === null ? (
        <p className="text-slate-600">Loading screenings…</p>
      ) : days.length === 0 && movies.length === 0 ? (
        <p className="rounded-xl border border-dashed border-slate-300 bg-white p-8 text-center text-slate-600">
          No showings yet. Add them under Programme, or sell a seat: screenings appear here with their first sale.
        </p>
      ) : null}
      {days.map((day) => (
        <section key={day.key} aria-labelledby={`day-${day.key}`} className="space-y-3" data-testid="programme-day">
          <h2 id={`day-${day.key}`} className="border-b border-slate-200 pb-1 text-lg font-semibold text-slate-800">
            {day.label}
          </h2>
          {day.films.map((film) => (
            <div key={film.movieId} className="grid gap-2 md:grid-cols-[12rem_1fr] md:gap-4" data-testid="programme-film">
              <h3 className="pt-2 text-sm font-semibold text-slate-700">
                {film.title}
                {film.runtimeMinutes ? <span className="block text-xs font-normal text-slate-600">{film.runtimeMinutes} min</span> : null}
              </h3>
              <ul className="grid gap-3 sm:grid-cols-2 lg:grid-cols-3">
                {film.showings.map((showing) => (
                  <ShowingCard
                    key={showing.sessionId}
                    showing={showing}
                    now={now}
                    onOpen={onOpen}
                    accounts={accountsOf(showing.movieId, showing.sessionId)}
                  />
                ))}
              </ul>
            </div>
          ))}
        </section>
      ))}
      {movies.length > 0 ? (
        <section aria-labelledby="outside-programme" className="space-y-3">
          <h2 id="outside-programme" className="border-b border-slate-200 pb-1 text-lg font-semibold text-slate-800">
            Not in the programme
          </h2>
          {movies.map(([movieId, sessions]) => (
            <div key={movieId} className="grid gap-2 md:grid-cols-[12rem_1fr] md:gap-4">
              <h3 id={`movie-${movieId}`} className="pt-2 text-sm font-semibold uppercase tracking-wide text-slate-600">
                Movie {movieId}
              </h3>
              <ul className="grid gap-3 sm:grid-cols-2 lg:grid-cols-3">
                {sessions.map((screening) => (
                  <ScreeningCard
                    key={screening.sessionId}
                    screening={screening}
                    onOpen={onOpen}
                    accounts={accountsOf(screening.movieId, screening.sessionId)}
                  />
                ))}
              </ul>
            </div>
          ))}
        </section>
      ) : null}
      <RetentionSummary state={retention} />
      <SeatsDialog screening={open} rows={rows} seatsPerRow={seatsPerRow} onClose={() => setOpen(null)} />
    </div>
  );
}

interface BoardShowing extends Screening {
  startsAt: string;
  hall: string;
  price?: number;
}

/**
 * Hands back last render's object for a showing whose figures did not change, so its memoised card skips
 * rendering: at thousands of sales a second only the one or two showings selling re-render, not the board.
 */
class SameCards {
  #shown = new Map<string, BoardShowing>();

  keep<T extends { films: { showings: BoardShowing[] }[] }>(days: T[]): T[] {
    const next = new Map<string, BoardShowing>();
    for (const day of days) {
      for (const film of day.films) {
        film.showings = film.showings.map((showing) => {
          const key = `${showing.movieId}/${showing.sessionId}`;
          const old = this.#shown.get(key);
          const kept = old && sameShowing(old, showing) ? old : showing;
          next.set(key, kept);
          return kept;
        });
      }
    }
    this.#shown = next;
    return days;
  }
}

function sameShowing(a: BoardShowing, b: BoardShowing): boolean {
  return a.sold === b.sold && a.capacity === b.capacity && a.startsAt === b.startsAt && a.hall === b.hall && a.price === b.price;
}

/** "Thursday 4 December": built once, not per showing per render. */
const LONG_DAY = new Intl.DateTimeFormat("en-GB", { weekday: "long", day: "numeric", month: "long" });

/** Within this long before its start a showing is flagged, so the desk pushes its last seats. */
const STARTS_SOON_MS = 10 * 60_000;

type ProgrammeDay = {
  key: string;
  label: string;
  films: { movieId: string; title: string; runtimeMinutes?: number; showings: BoardShowing[] }[];
};

/**
 * The programme's showings from today on, by day, then film (in the order of its first showing), then start,
 * with the sold counts of the programme as read: worked out when the programme or the minute changes, not
 * with every count (see {@link withCounts}).
 */
function programmeLayout(view: ProgramView | null, now: number): ProgrammeDay[] {
  if (!view) return [];
  const movies = new Map(view.movies.map((m) => [m.movieId, m]));
  const halls = new Map(view.halls.map((h) => [h.hallId, h]));
  const today = new Date(now);
  today.setHours(0, 0, 0, 0);
  const dayKey = (ms: number) => {
    const d = new Date(ms);
    return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, "0")}-${String(d.getDate()).padStart(2, "0")}`;
  };
  const tomorrow = new Date(today);
  tomorrow.setDate(tomorrow.getDate() + 1);
  const days = new Map<
    string,
    {
      key: string;
      label: string;
      films: Map<string, { movieId: string; title: string; runtimeMinutes?: number; showings: BoardShowing[] }>;
    }
  >();
  const showings = [...view.showings]
    .filter((s) => Date.parse(s.startsAt) >= today.getTime())
    .sort((a, b) => a.startsAt.localeCompare(b.startsAt));
  for (const s of showings) {
    const start = Date.parse(s.startsAt);
    const key = dayKey(start);
    const label =
      key === dayKey(today.getTime()) ? "Today" : key === dayKey(tomorrow.getTime()) ? "Tomorrow" : LONG_DAY.format(new Date(start));
    let day = days.get(key);
    if (!day) days.set(key, (day = { key, label, films: new Map() }));
    const movie = movies.get(s.movieId);
    let film = day.films.get(s.movieId);
    if (!film)
      day.films.set(
        s.movieId,
        (film = { movieId: s.movieId, title: movie?.title ?? `Movie ${s.movieId}`, runtimeMinutes: movie?.runtimeMinutes, showings: [] }),
      );
    film.showings.push({
      movieId: s.movieId,
      sessionId: s.sessionId,
      sold: s.sold,
      capacity: s.capacity,
      startsAt: s.startsAt,
      hall: halls.get(s.hallId)?.name ?? s.hallId,
      ...(s.price !== undefined ? { price: s.price } : {}),
    });
  }
  return [...days.values()].map((day) => ({ ...day, films: [...day.films.values()] }));
}

/** The layout with the board's live counts; a showing the board has no count for keeps the programme's. */
function withCounts(layout: ProgrammeDay[], screenings: Screening[]): ProgrammeDay[] {
  const counts = new Map(screenings.map((s) => [`${s.movieId}/${s.sessionId}`, s.sold]));
  return layout.map((day) => ({
    ...day,
    films: day.films.map((film) => ({
      ...film,
      showings: film.showings.map((showing) => {
        const sold = counts.get(`${showing.movieId}/${showing.sessionId}`);
        return sold === undefined || sold === showing.sold ? showing : { ...showing, sold };
      }),
    })),
  }));
}

/** One showing of the programme: its time and hall, seats sold and left, takings, and how soon it starts. */
const ShowingCard = memo(function ShowingCard({
  showing,
  now,
  onOpen,
  accounts,
}: {
  showing: BoardShowing;
  now: number;
  onOpen: (screening: Screening) => void;
  accounts: AccountingFigures | null | undefined;
}) {
  const { movieId, sessionId, sold, capacity, price } = showing;
  const fill = fillOf(sold, capacity);
  const { left, share, soldOut, almostFull } = fill;
  const untilStart = Date.parse(showing.startsAt) - now;
  const startsSoon = untilStart > 0 && untilStart <= STARTS_SOON_MS;
  const started = untilStart <= 0;
  return (
    <CardShell
      movieId={movieId}
      sessionId={sessionId}
      fill={fill}
      dimmed={started}
      onClick={() => onOpen(showing)}
      label={`${showtime(showing.startsAt)} in ${showing.hall}: ${sold} sold, ${left} left. Open the seat map.`}
    >
      <div className="flex items-start justify-between gap-2">
        <span>
          <span className="text-lg font-semibold text-slate-900 tabular-nums">{showtime(showing.startsAt)}</span>
          <span className="ml-2 text-sm text-slate-600">{showing.hall}</span>
        </span>
        {soldOut ? (
          <span className="rounded bg-red-600 px-2 py-0.5 text-xs font-bold uppercase tracking-wide text-white">Sold out</span>
        ) : startsSoon ? (
          <span className="rounded bg-sky-600 px-2 py-0.5 text-xs font-semibold text-white" data-testid="starts-soon">
            Starts in {Math.max(1, Math.ceil(untilStart / 60_000))} min
          </span>
        ) : started ? (
          <span className="rounded bg-slate-200 px-2 py-0.5 text-xs font-semibold text-slate-700">Started</span>
        ) : almostFull ? (
          <span className="rounded bg-amber-400 px-2 py-0.5 text-xs font-semibold text-amber-950">{Math.round(share * 100)}% full</span>
        ) : null}
      </div>
      <SoldFigures fill={fill} />
      <AccountsLine accounts={accounts} sold={sold} />
      {price !== undefined ? (
        <div className="flex justify-between text-xs text-slate-600">
          <span>{formatPrice(price)} a seat</span>
          <span>
            takings{" "}
            <span className="font-semibold text-slate-800 tabular-nums" data-testid="takings">
              {formatPrice(price * sold)}
            </span>
          </span>
        </div>
      ) : null}
    </CardShell>
  );
});

/**
 * What the accounting worker counted for the screening, beside the live count, flagged when they differ:
 * the worker is behind (moments), stopped, or a double booking holds one seat for two sales. Nothing when
 * no accounting worker runs (`undefined`).
 */
function AccountsLine({ accounts, sold }: { accounts: AccountingFigures | null | undefined; sold: number }) {
  if (accounts === undefined) return null;
  const seats = accounts?.seats ?? 0;
  const differs = seats !== sold;
  return (
    <div
      className={`flex justify-between text-xs ${differs ? "text-amber-800" : "text-slate-600"}`}
      data-testid="accounts"
      data-differs={differs}
    >
      <span>
        accounting <span className="font-semibold tabular-nums">{seats}</span> seats
        {differs ? (
          <span className="ml-1 rounded bg-amber-100 px-1 font-semibold">
            {seats > sold ? "+" : ""}
            {seats - sold} vs live
          </span>
        ) : null}
      </span>
      <span className="tabular-nums">{formatPrice(accounts?.takings ?? 0)}</span>
    </div>
  );
}

/** How full a screening is: what every card shows and colours itself by. */
interface Fill {
  sold: number;
  capacity: number;
  left: number;
  share: number;
  soldOut: boolean;
  almostFull: boolean;
}

function fillOf(sold: number, capacity: number): Fill {
  const left = Math.max(0, capacity - sold);
  const share = capacity > 0 ? Math.min(1, sold / capacity) : 0;
  const soldOut = capacity > 0 && left === 0;
  return { sold, capacity, left, share, soldOut, almostFull: !soldOut && share > ALMOST_FULL };
}

/**
 * A card on the board: outlined by how full it is, the whole card a button that opens the seat map.
 * `content-visibility: auto`: a card off screen is neither laid out nor painted, and a sale that changes
 * its figures does not lay out the grid of every other card again (see bench/README.md, "Desk frames");
 * until a card was first on screen it holds the place of a typical card.
 */
function CardShell({
  movieId,
  sessionId,
  fill,
  dimmed = false,
  onClick,
  label,
  children,
}: {
  movieId: string;
  sessionId: string;
  fill: Fill;
  dimmed?: boolean;
  onClick: () => void;
  label: string;
  children: ReactNode;
}) {
  const { soldOut, almostFull } = fill;
  return (
    <li
      data-testid="screening"
      data-movie={movieId}
      data-session={sessionId}
      data-state={soldOut ? "sold-out" : almostFull ? "almost-full" : "open"}
      className={`rounded-xl border bg-white shadow-sm [contain-intrinsic-size:auto_9rem] [content-visibility:auto] ${soldOut ? "border-red-300" : almostFull ? "border-amber-400 ring-1 ring-amber-300" : "border-slate-200"} ${dimmed ? "opacity-70" : ""}`}
    >
      <button
        type="button"
        onClick={onClick}
        className="w-full space-y-2 rounded-xl p-4 text-left hover:bg-slate-50 focus-visible:outline-2 focus-visible:outline-amber-500"
        aria-label={label}
      >
        {children}
      </button>
    </li>
  );
}

/** Seats sold (large), out of how many, seats left, and the fill bar: the same on every card. */
function SoldFigures({ fill }: { fill: Fill }) {
  const { sold, capacity, left, share, soldOut, almostFull } = fill;
  return (
    <>
      <div className="flex items-baseline gap-2">
        <span className="text-3xl font-semibold tabular-nums" data-testid="sold-count">
          {sold}
        </span>
        <span className="text-sm text-slate-600">of {capacity} sold</span>
        <span className="ml-auto text-sm tabular-nums text-slate-700">
          <span data-testid="seats-left">{left}</span> left
        </span>
      </div>
      <div
        className="h-2 overflow-hidden rounded-full bg-slate-100"
        role="meter"
        aria-label="Seats sold"
        aria-valuemin={0}
        aria-valuemax={capacity}
        aria-valuenow={Math.min(sold, capacity)}
      >
        <div
          className={`h-full rounded-full ${soldOut ? "bg-red-600" : almostFull ? "bg-amber-500" : "bg-emerald-500"}`}
          // Scaled rather than resized: a count that changes every frame then costs no layout.
          style={{ width: "100%", transform: `scaleX(${share})`, transformOrigin: "left" }}
        />
      </div>
    </>
  );
}

/** One screening; memoised, since at thousands of sales a second only the cards that sold re-render. */
const ScreeningCard = memo(function ScreeningCard({
  screening,
  onOpen,
  accounts,
}: {
  screening: Screening;
  onOpen: (screening: Screening) => void;
  accounts: AccountingFigures | null | undefined;
}) {
  const { movieId, sessionId, sold, capacity } = screening;
  const fill = fillOf(sold, capacity);
  const { left, share, soldOut, almostFull } = fill;
  return (
    <CardShell
      movieId={movieId}
      sessionId={sessionId}
      fill={fill}
      onClick={() => onOpen(screening)}
      label={`Movie ${movieId}, session ${sessionId}: ${sold} sold, ${left} left. Open the seat map.`}
    >
      <div className="flex items-start justify-between gap-2">
        <span className="font-semibold text-slate-900">Session {sessionId}</span>
        {soldOut ? (
          <span className="rounded bg-red-600 px-2 py-0.5 text-xs font-bold uppercase tracking-wide text-white">Sold out</span>
        ) : almostFull ? (
          <span className="rounded bg-amber-400 px-2 py-0.5 text-xs font-semibold text-amber-950">{Math.round(share * 100)}% full</span>
        ) : null}
      </div>
      <SoldFigures fill={fill} />
      <AccountsLine accounts={accounts} sold={sold} />
    </CardShell>
  );
});

function SeatsDialog({
  screening,
  rows,
  seatsPerRow,
  onClose,
}: {
  screening: Screening | null;
  rows: number;
  seatsPerRow: number;
  onClose: () => void;
}) {
  const router = useRouter();
  const index = useProgramIndex();
  const desk = (seat?: string) =>
    `/?${new URLSearchParams({ movieId: screening?.movieId ?? "", sessionId: screening?.sessionId ?? "", ...(seat ? { seat } : {}) })}`;
  return (
    <Dialog
      title={screening ? describeShowing(index, screening.movieId, screening.sessionId) : ""}
      open={screening !== null}
      onClose={onClose}
    >
      {screening ? (
        <>
          <SeatMap
            movieId={screening.movieId}
            sessionId={screening.sessionId}
            rows={rows}
            seatsPerRow={seatsPerRow}
            selected=""
            onPick={(seat) => router.push(desk(seat))}
          />
          <p className="text-xs text-slate-600">Click a free seat to sell it at the desk.</p>
          <div className="flex justify-end gap-2">
            <button type="button" className={buttonStyles.secondary} onClick={onClose}>
              Close
            </button>
            <Link href={desk()} className={buttonStyles.primary}>
              Sell at the desk
            </Link>
          </div>
        </>
      ) : null}
    </Dialog>
  );
}

function groupByMovie(screenings: Screening[]): [string, Screening[]][] {
  const movies = new Map<string, Screening[]>();
  for (const screening of screenings) {
    const list = movies.get(screening.movieId);
    if (list) list.push(screening);
    else movies.set(screening.movieId, [screening]);
  }
  return [...movies];
}
