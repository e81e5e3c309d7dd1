"use client";

import { memo, useEffect, useMemo, useRef, useState, type KeyboardEvent } from "react";
import { api } from "@/components/api";
import { isRefund } from "@/lib/entries";
import { feedStore } from "@/components/feed/feed-store";
import { useProgram } from "@/components/program/program-store";
import { ErrorText } from "@/components/ui/error-text";
import { useNow } from "@/components/ui/use-now";
import { defaultHall, type HallRow } from "@/lib/validations/program";
import { isMoveKey, moveFrom, parseSeats, planLayout, tabStop, type PlacedSeat, type PlanLayout } from "./seats";
import { screeningName } from "./showings";

interface Props {
  movieId: string;
  sessionId: string;
  /** The default plan (SEAT_ROWS × SEATS_PER_ROW), for showings that are not in the programme. */
  rows: number;
  seatsPerRow: number;
  /** The Seat field as typed: every seat it names is shown pressed. */
  selected: string;
  /** A click (or Space, or Enter) on a free seat; `sold` is every seat sold for the screening right now. */
  onPick: (seat: string, sold: ReadonlySet<string>) => void;
  /** Changing it moves focus into the map (the desk does after a screening is picked with the keyboard). */
  focusRequest?: number;
}

type Load = { screening: string; plan: { rows: HallRow[] } | null } & ({ state: "ready" } | { state: "error"; message: string });

/**
 * The screening's hall as the audience sees it, screen at the top: sold seats marked and updated live,
 * free ones toggled by click, Space or Enter. One seat is in the tab order; arrows move between places.
 */
export function SeatMap({ movieId, sessionId, rows, seatsPerRow, selected, onPick, focusRequest }: Props) {
  const screening = `${movieId}/${sessionId}`;
  const [sold, setSold] = useState<{ screening: string; seats: ReadonlySet<string> }>({ screening, seats: new Set() });
  const [loaded, setLoad] = useState<Load | null>(null);
  const [focused, setFocused] = useState<{ screening: string; seat: string } | null>(null);
  const gridRef = useRef<HTMLDivElement>(null);
  const program = useProgram();
  const now = useNow(60_000);

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
        const refund = isRefund(entry.fields);
        // A double-booked sale never takes its seat: another entry holds it, so it is sold either way. For
        // the same reason a mark that follows the sale (feed:marks) needs nothing here: freeing the seat
        // then would show a seat its holder paid for as free.
        if (!refund && entry.doubleBooked) continue;
        changes.push([entry.fields.seat.toUpperCase(), !refund]);
      }
      if (changes.length > 0) apply(changes);
    });
    void api<{ sold: Record<string, string>; plan?: { rows: HallRow[] } }>(
      `/api/screenings/${encodeURIComponent(movieId)}/${encodeURIComponent(sessionId)}`,
    ).then((result) => {
      if (cancelled) return;
      if (!result.ok) {
        setLoad({ screening, plan: null, state: "error", message: result.error });
        return;
      }
      apply(Object.keys(result.data.sold).map((seat) => [seat, true] as const));
      setLoad({ screening, plan: result.data.plan ?? null, state: "ready" });
    });
    return () => {
      cancelled = true;
      unsubscribe();
    };
  }, [screening, movieId, sessionId]);

  const load = loaded?.screening === screening ? loaded : null;
  const showing = program.index.showings.get(sessionId);
  const hall = showing?.movieId === movieId ? program.index.halls.get(showing.hallId) : undefined;
  // The programme the server pushes is the live one (a hall edited a moment ago is drawn anew); the plan
  // fetched with the sold seats stands in until it has arrived. Nothing is drawn before either says which.
  let plan: { rows: HallRow[] } | null = null;
  if (hall) plan = hall;
  else if (program.view) plan = defaultPlan(rows, seatsPerRow);
  else if (load) plan = load.plan ?? defaultPlan(rows, seatsPerRow);
  const layout = useMemo(() => (plan ? planLayout(plan) : null), [plan]);

  const soldSeats = sold.screening === screening ? sold.seats : EMPTY;
  const selection = useMemo(() => new Set(parseSeats(selected)), [selected]);
  const focusedSeat = focused?.screening === screening ? focused.seat : null;
  const stop = layout ? tabStop(layout, { focused: focusedSeat, selected: [...selection], sold: soldSeats }) : null;

  useEffect(() => {
    if (focusRequest) gridRef.current?.querySelector<HTMLButtonElement>('button[tabindex="0"]')?.focus();
  }, [focusRequest]);

  const name = program.view ? screeningName(program.index, movieId, sessionId, now) : `movie ${movieId} · session ${sessionId}`;
  const free = layout ? layout.capacity - [...soldSeats].filter((seat) => layout.seats.has(seat)).length : 0;

  function onKeyDown(event: KeyboardEvent<HTMLDivElement>) {
    const seat = (event.target as HTMLElement).dataset.seat;
    if (!layout || !seat || !isMoveKey(event.key)) return;
    event.preventDefault();
    const next = moveFrom(layout, seat, event.key, event.ctrlKey || event.metaKey);
    if (next) gridRef.current?.querySelector<HTMLButtonElement>(`[data-seat="${next}"]`)?.focus();
  }

  return (
    <section aria-labelledby="seat-map-title" className="space-y-2">
      <div className="flex items-baseline justify-between gap-3">
        <h2 id="seat-map-title" className="min-w-0 truncate text-sm font-semibold text-slate-800" title={name}>
          {name}
        </h2>
        <span className="shrink-0 text-xs text-slate-600 tabular-nums" data-testid="seats-free">
          {!layout || !load ? "Loading…" : `${free} of ${layout.capacity} free`}
        </span>
      </div>
      <ErrorText message={load?.state === "error" ? load.message : null} />
      <div
        aria-hidden
        className="mx-auto w-4/5 rounded-b-[50%] border-t-4 border-slate-400 pt-0.5 text-center text-[10px] uppercase tracking-[0.3em] text-slate-500"
      >
        Screen
      </div>
      {layout ? (
        <div
          ref={gridRef}
          role="group"
          aria-label="Seats"
          aria-describedby="seat-map-keys"
          onKeyDown={onKeyDown}
          onFocus={(event) => {
            const seat = (event.target as HTMLElement).dataset.seat;
            if (seat) setFocused({ screening, seat });
          }}
          className="grid items-center gap-y-1"
          style={{ gridTemplateColumns: `1.25rem repeat(${layout.columns}, minmax(0, 1fr)) 1.25rem` }}
          data-testid="seat-map"
        >
          {layout.rows.map((row, r) => (
            <SeatRow
              key={row.row}
              line={r + 1}
              row={row.row}
              places={row.places}
              layout={layout}
              sold={soldSeats}
              selection={selection}
              stop={stop}
              onPick={onPick}
            />
          ))}
        </div>
      ) : (
        <p className="py-6 text-center text-sm text-slate-600">Loading the seat plan…</p>
      )}
      <p id="seat-map-keys" className="sr-only">
        Arrow keys move between seats, Space or Enter selects.
      </p>
      <p className="flex flex-wrap gap-x-4 gap-y-1 text-xs text-slate-600">
        <Legend className="border border-slate-300 bg-white" label="Free" />
        <Legend className="bg-amber-400" label="Selected" />
        <Legend className="bg-slate-700" label="Sold" />
        {layout?.rows.some((row) => row.places.some((place) => place.kind === "wheelchair")) ? (
          <Legend className="border border-sky-500 bg-sky-100 text-[9px] leading-3 text-sky-800" label="Wheelchair place" mark="♿" />
        ) : null}
      </p>
    </section>
  );
}

const EMPTY: ReadonlySet<string> = new Set();

// One plan object per size, so the layout is computed once rather than on every render.
const defaultPlans = new Map<string, { rows: HallRow[] }>();
function defaultPlan(rows: number, seatsPerRow: number): { rows: HallRow[] } {
  const key = `${rows}x${seatsPerRow}`;
  let plan = defaultPlans.get(key);
  if (!plan) defaultPlans.set(key, (plan = defaultHall(rows, seatsPerRow)));
  return plan;
}

interface RowProps {
  line: number;
  row: string;
  places: PlacedSeat[];
  layout: PlanLayout;
  sold: ReadonlySet<string>;
  selection: ReadonlySet<string>;
  stop: string | null;
  onPick: (seat: string, sold: ReadonlySet<string>) => void;
}

const SeatRow = memo(function SeatRow({ line, row, places, layout, sold, selection, stop, onPick }: RowProps) {
  const letter = (column: number) => (
    <span aria-hidden className="text-center text-[11px] font-semibold text-slate-500" style={{ gridRow: line, gridColumn: column }}>
      {row}
    </span>
  );
  return (
    <>
      {letter(1)}
      {places.map((place) =>
        place.kind === "aisle" ? null : (
          <Seat
            key={place.seat}
            place={place}
            line={line}
            sold={sold.has(place.seat)}
            selected={selection.has(place.seat)}
            tabbable={place.seat === stop}
            onPick={() => onPick(place.seat, sold)}
          />
        ),
      )}
      {letter(layout.columns + 2)}
    </>
  );
});

function Seat({
  place,
  line,
  sold,
  selected,
  tabbable,
  onPick,
}: {
  place: PlacedSeat;
  line: number;
  sold: boolean;
  selected: boolean;
  tabbable: boolean;
  onPick: () => void;
}) {
  const wheelchair = place.kind === "wheelchair";
  // A selected seat someone else sold meanwhile: the next pick drops it, the sale would be refused.
  const lost = sold && selected;
  const look = lost
    ? "bg-red-600 text-white line-through"
    : sold
      ? "bg-slate-700 text-slate-300"
      : selected
        ? "bg-amber-400 text-slate-900 shadow-[inset_0_0_0_2px_var(--color-amber-600)]"
        : wheelchair
          ? "border border-sky-500 bg-sky-100 text-sky-800 hover:bg-amber-50"
          : "border border-slate-300 bg-white text-slate-600 hover:border-amber-500 hover:bg-amber-50";
  return (
    <span className="flex px-px" style={{ gridRow: line, gridColumn: `${place.column + 2} / span 2` }}>
      <button
        type="button"
        // Sold seats stay focusable (aria-disabled, not disabled), so arrows and screen readers pass over them.
        aria-disabled={sold || undefined}
        onClick={() => {
          if (!sold) onPick();
        }}
        tabIndex={tabbable ? 0 : -1}
        aria-label={`${place.seat} ${sold ? "sold" : "free"}${wheelchair ? ", wheelchair place" : ""}`}
        aria-pressed={selected}
        data-seat={place.seat}
        data-sold={sold || undefined}
        data-kind={place.kind}
        title={`${place.seat}${wheelchair ? " · wheelchair place" : ""}${sold ? " · sold" : ""}`}
        className={`aspect-square max-h-7 w-full min-w-0 rounded-t-md text-[10px] leading-none font-semibold transition-colors focus-visible:relative focus-visible:z-10 focus-visible:outline-[3px] focus-visible:outline-offset-1 focus-visible:outline-sky-600 ${
          sold ? "cursor-not-allowed" : "cursor-pointer"
        } ${look}`}
      >
        {wheelchair ? <span className="text-xs">♿</span> : place.number}
      </button>
    </span>
  );
}

function Legend({ className, label, mark }: { className: string; label: string; mark?: string }) {
  return (
    <span className="flex items-center gap-1.5">
      <span aria-hidden className={`inline-flex h-3 w-3 items-center justify-center rounded-sm ${className}`}>
        {mark}
      </span>
      {label}
    </span>
  );
}
