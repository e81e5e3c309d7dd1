"use client";

import Link from "next/link";
import { useRouter } from "next/navigation";
import { memo, useCallback, useEffect, useState, useSyncExternalStore } from "react";
import { SeatMap } from "@/components/desk/seat-map";
import { formatClock } from "@/components/feed/format";
import { StaleBanner } from "@/components/groups/stale-banner";
import { RetentionSummary, RetentionWarning } from "@/components/retention/retention";
import { useRetention } from "@/components/retention/use-retention";
import { Dialog } from "@/components/ui/dialog";
import { buttonStyles } from "@/components/ui/field";
import { ScreeningsBoard, type Screening } from "./screenings-store";

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
  const onOpen = useCallback((screening: Screening) => setOpen(screening), []);

  const movies = groupByMovie(screenings ?? []);
  const totalSold = (screenings ?? []).reduce((sum, s) => sum + s.sold, 0);

  return (
    <div className="mx-auto w-full max-w-6xl space-y-4 p-4">
      <div className="flex flex-wrap items-baseline justify-between gap-2">
        <h1 className="text-xl font-semibold">Screenings</h1>
        <span className="text-sm text-slate-500">
          {screenings ? `${screenings.length} screenings · ${totalSold.toLocaleString()} seats sold · ` : ""}
          Live; counts re-read {syncedAt ? `at ${formatClock(syncedAt)}` : "every 30 s"}.
        </span>
      </div>
      <StaleBanner error={error} />
      <RetentionWarning state={retention} />
      {screenings === null ? (
        <p className="text-slate-500">Loading screenings…</p>
      ) : screenings.length === 0 ? (
        <p className="rounded-xl border border-dashed border-slate-300 bg-white p-8 text-center text-slate-500">
          No seats sold yet. Screenings appear here with their first sale.
        </p>
      ) : (
        movies.map(([movieId, sessions]) => (
          <section key={movieId} aria-labelledby={`movie-${movieId}`} className="grid gap-2 md:grid-cols-[7rem_1fr] md:gap-4">
            <h2 id={`movie-${movieId}`} className="pt-2 text-sm font-semibold uppercase tracking-wide text-slate-500">
              Movie {movieId}
            </h2>
            <ul className="grid gap-3 sm:grid-cols-2 lg:grid-cols-3">
              {sessions.map((screening) => (
                <ScreeningCard key={screening.sessionId} screening={screening} onOpen={onOpen} />
              ))}
            </ul>
          </section>
        ))
      )}
      <RetentionSummary state={retention} />
      <SeatsDialog screening={open} rows={rows} seatsPerRow={seatsPerRow} onClose={() => setOpen(null)} />
    </div>
  );
}

/** One screening; memoised, since at thousands of sales a second only the cards that sold re-render. */
const ScreeningCard = memo(function ScreeningCard({ screening, onOpen }: { screening: Screening; onOpen: (screening: Screening) => void }) {
  const { movieId, sessionId, sold, capacity } = screening;
  const left = Math.max(0, capacity - sold);
  const share = capacity > 0 ? Math.min(1, sold / capacity) : 0;
  const soldOut = capacity > 0 && left === 0;
  const almostFull = !soldOut && share > ALMOST_FULL;
  return (
    <li
      data-testid="screening"
      data-movie={movieId}
      data-session={sessionId}
      data-state={soldOut ? "sold-out" : almostFull ? "almost-full" : "open"}
      className={`rounded-xl border bg-white shadow-sm [contain:content] ${soldOut ? "border-red-300" : almostFull ? "border-amber-400 ring-1 ring-amber-300" : "border-slate-200"}`}
    >
      <button
        type="button"
        onClick={() => onOpen(screening)}
        className="w-full space-y-2 rounded-xl p-4 text-left hover:bg-slate-50 focus-visible:outline-2 focus-visible:outline-amber-500"
        aria-label={`Movie ${movieId}, session ${sessionId}: ${sold} sold, ${left} left. Open the seat map.`}
      >
        <div className="flex items-start justify-between gap-2">
          <span className="font-semibold text-slate-900">Session {sessionId}</span>
          {soldOut ? (
            <span className="rounded bg-red-600 px-2 py-0.5 text-xs font-bold uppercase tracking-wide text-white">Sold out</span>
          ) : almostFull ? (
            <span className="rounded bg-amber-400 px-2 py-0.5 text-xs font-semibold text-amber-950">{Math.round(share * 100)}% full</span>
          ) : null}
        </div>
        <div className="flex items-baseline gap-2">
          <span className="text-3xl font-semibold tabular-nums" data-testid="sold-count">
            {sold}
          </span>
          <span className="text-sm text-slate-500">of {capacity} sold</span>
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
      </button>
    </li>
  );
});

function SeatsDialog({ screening, rows, seatsPerRow, onClose }: { screening: Screening | null; rows: number; seatsPerRow: number; onClose: () => void }) {
  const router = useRouter();
  const desk = (seat?: string) =>
    `/?${new URLSearchParams({ movieId: screening?.movieId ?? "", sessionId: screening?.sessionId ?? "", ...(seat ? { seat } : {}) })}`;
  return (
    <Dialog title={screening ? `Movie ${screening.movieId}, session ${screening.sessionId}` : ""} open={screening !== null} onClose={onClose}>
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
          <p className="text-xs text-slate-500">Click a free seat to sell it at the desk.</p>
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
