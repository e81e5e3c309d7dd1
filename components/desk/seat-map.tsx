"use client";

import { useEffect, useState } from "react";
import { isRefund } from "@/components/feed/entry-kind";
import { feedStore } from "@/components/feed/feed-store";
import { seatLabel, rowLetters } from "./seats";
import { ErrorText } from "@/components/ui/error-text";

interface Props {
  movieId: string;
  sessionId: string;
  rows: number;
  seatsPerRow: number;
  selected: string;
  onPick: (seat: string) => void;
}

type Load = { screening: string } & ({ state: "ready" } | { state: "error"; message: string });

/** The screening's seats: sold ones marked and updated live, free ones clickable. */
export function SeatMap({ movieId, sessionId, rows, seatsPerRow, selected, onPick }: Props) {
  const screening = `${movieId}/${sessionId}`;
  const [sold, setSold] = useState<{ screening: string; seats: ReadonlySet<string> }>({ screening, seats: new Set() });
  const [loaded, setLoad] = useState<Load | null>(null);

  useEffect(() => {
    let cancelled = false;
    // Changes in stream order: a sale takes its seat, a refund frees it.
    const apply = (changes: readonly (readonly [seat: string, taken: boolean])[]) =>
      setSold((current) => {
        const base = current.screening === screening ? current.seats : new Set<string>();
        const next = new Set(base);
        for (const [seat, taken] of changes) {
          if (taken) next.add(seat);
          else next.delete(seat);
        }
        return { screening, seats: next };
      });
    // Live sales are merged with the fetched map, so one that lands while the fetch is in flight still shows.
    const unsubscribe = feedStore.onBatch((entries) => {
      const changes: (readonly [string, boolean])[] = [];
      for (const entry of entries) {
        if (entry.fields.movieId !== movieId || entry.fields.sessionId !== sessionId || !entry.fields.seat) continue;
        const refund = isRefund(entry);
        if (!refund && entry.doubleBooked) continue;
        changes.push([entry.fields.seat.toUpperCase(), !refund]);
      }
      if (changes.length > 0) apply(changes);
    });
    fetch(`/api/screenings/${encodeURIComponent(movieId)}/${encodeURIComponent(sessionId)}`, { cache: "no-store" })
      .then(async (response) => {
        const body = (await response.json()) as { sold?: Record<string, string>; error?: string };
        if (!response.ok || !body.sold) throw new Error(body.error ?? `The server answered ${response.status}.`);
        if (cancelled) return;
        apply(Object.keys(body.sold).map((seat) => [seat, true] as const));
        setLoad({ screening, state: "ready" });
      })
      .catch((error: unknown) => {
        if (!cancelled) setLoad({ screening, state: "error", message: error instanceof Error ? error.message : "Could not load seats." });
      });
    return () => {
      cancelled = true;
      unsubscribe();
    };
  }, [screening, movieId, sessionId]);

  const load = loaded?.screening === screening ? loaded : { state: "loading" as const };
  const soldSeats = sold.screening === screening ? sold.seats : new Set<string>();
  const letters = rowLetters(rows);
  const free = rows * seatsPerRow - [...soldSeats].filter((seat) => isOnMap(seat, letters, seatsPerRow)).length;

  return (
    <section aria-labelledby="seat-map-title" className="space-y-3">
      <div className="flex items-baseline justify-between">
        <h2 id="seat-map-title" className="text-sm font-semibold text-slate-700">
          Seats · movie {movieId}, session {sessionId}
        </h2>
        <span className="text-xs text-slate-500" data-testid="seats-free">
          {load.state === "loading" ? "Loading…" : `${free} of ${rows * seatsPerRow} free`}
        </span>
      </div>
      <ErrorText message={load.state === "error" ? load.message : null} />
      <div className="rounded-md bg-slate-200 py-1 text-center text-[10px] uppercase tracking-[0.3em] text-slate-500">Screen</div>
      <div
        className="grid gap-1"
        style={{ gridTemplateColumns: `1.25rem repeat(${seatsPerRow}, minmax(0, 1fr))` }}
        data-testid="seat-map"
      >
        {letters.map((row) => (
          <SeatRow key={row} row={row} seatsPerRow={seatsPerRow} sold={soldSeats} selected={selected} onPick={onPick} />
        ))}
      </div>
      <p className="flex gap-4 text-xs text-slate-500">
        <Legend className="border border-slate-300 bg-white" label="Free" />
        <Legend className="bg-amber-400" label="Selected" />
        <Legend className="bg-slate-700" label="Sold" />
      </p>
    </section>
  );
}

function SeatRow(props: { row: string; seatsPerRow: number; sold: ReadonlySet<string>; selected: string; onPick: (seat: string) => void }) {
  const { row, seatsPerRow, sold, selected, onPick } = props;
  return (
    <>
      <span className="self-center text-center text-xs font-semibold text-slate-500">{row}</span>
      {Array.from({ length: seatsPerRow }, (_, i) => {
        const seat = seatLabel(row, i + 1);
        const isSold = sold.has(seat);
        const isSelected = seat === selected;
        return (
          <button
            key={seat}
            type="button"
            disabled={isSold}
            onClick={() => onPick(seat)}
            aria-label={`${seat} ${isSold ? "sold" : "free"}`}
            aria-pressed={isSelected}
            data-seat={seat}
            data-sold={isSold || undefined}
            title={seat}
            className={`aspect-square min-w-0 rounded-t-md text-[10px] leading-none font-semibold transition-colors ${
              isSold
                ? "cursor-not-allowed bg-slate-700 text-slate-300"
                : isSelected
                  ? "bg-amber-400 text-slate-900 ring-2 ring-amber-600"
                  : "border border-slate-300 bg-white text-slate-600 hover:border-amber-500 hover:bg-amber-50"
            }`}
          >
            {i + 1}
          </button>
        );
      })}
    </>
  );
}

function Legend({ className, label }: { className: string; label: string }) {
  return (
    <span className="flex items-center gap-1.5">
      <span aria-hidden className={`inline-block h-3 w-3 rounded-sm ${className}`} />
      {label}
    </span>
  );
}

function isOnMap(seat: string, letters: string[], seatsPerRow: number): boolean {
  const match = /^([A-Z]+)(\d+)$/.exec(seat);
  return !!match && letters.includes(match[1]!) && Number(match[2]) <= seatsPerRow;
}
