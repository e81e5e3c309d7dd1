"use client";

import { useEffect, useSyncExternalStore } from "react";
import { api } from "@/components/api";
import { isRefund } from "@/lib/entries";
import { feedStore } from "@/components/feed/feed-store";
import { getSocket } from "@/components/socket";
import { RenderThrottle } from "@/components/ui/render-throttle";
import { compareIds } from "@/lib/stream-id";
import type { TicketEntry } from "@/lib/entries";
import type { ProgramView, ShowingSummary } from "@/lib/validations/program";
import { indexProgram, type ProgramIndex } from "@/lib/validations/program-index";

export interface ProgramSnapshot {
  /** Null until the first programme arrived. */
  view: ProgramView | null;
  /** Lookups by id; empty until the first programme arrived. */
  index: ProgramIndex;
  /** Showings by session id, with their live sold counts. */
  showings: ReadonlyMap<string, ShowingSummary>;
  error: string | null;
}

/** Sold counts re-render at most this often, however busy the feed. */
const MIN_RENDER_MS = 250;
/** How often the sold counts are read again, so a drift never lasts. */
const RESYNC_MS = 60_000;

const EMPTY: ProgramSnapshot = {
  view: null,
  index: indexProgram({ movies: [], halls: [], showings: [] }),
  showings: new Map(),
  error: null,
};

/**
 * The tab's copy of the programme: every film, hall and showing, pushed by the server on connect and
 * whenever it changes (`program:update`), with each showing's sold count moved by the live feed in
 * between (a sale +1, a refund −1, a double booking nothing: one marked after it arrived is taken back).
 * Names are looked up here, never stored in entries.
 */
class ProgramStore {
  #snapshot: ProgramSnapshot = EMPTY;
  /** The programme as last read or pushed, its sold counts as of then: a new object only when it is read again. */
  #read: ProgramView | null = null;
  #listeners = new Set<() => void>();
  #started = false;
  #deltas = new Map<string, number>();
  /** The newest entry the feed has passed on. */
  #newest = "0-0";
  /** Entries up to here are in the programme's counts as the server read them, not in `#deltas`. */
  #readThrough = "0-0";
  readonly #render = new RenderThrottle(MIN_RENDER_MS, () => this.#applyDeltas());

  subscribe = (listener: () => void): (() => void) => {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  };

  getSnapshot = (): ProgramSnapshot => this.#snapshot;

  getRead = (): ProgramView | null => this.#read;

  start(): void {
    if (this.#started) return;
    this.#started = true;
    getSocket().on("program:update", (view) => this.#replace(view));
    feedStore.onBatch((entries) => this.#count(entries));
    feedStore.onMarks((entries) => this.#takeBack(entries));
    setInterval(() => void this.reload(), RESYNC_MS);
    void this.reload();
  }

  /** Reads the whole programme now; the programme page calls it after its own changes. */
  async reload(): Promise<void> {
    const result = await api<ProgramView>("/api/program?all=1");
    if (result.ok) this.#replace(result.data);
    else this.#set({ ...this.#snapshot, error: `Could not load the programme: ${result.error}` });
  }

  #replace(view: ProgramView): void {
    this.#deltas.clear();
    this.#readThrough = this.#newest;
    this.#read = view;
    this.#set({ view, index: indexProgram(view), showings: new Map(view.showings.map((s) => [s.sessionId, s])), error: null });
  }

  #count(entries: readonly TicketEntry[]): void {
    this.#newest = entries.at(-1)?.id ?? this.#newest;
    const showings = this.#snapshot.showings;
    if (showings.size === 0) return;
    for (const entry of entries) {
      const { movieId, sessionId } = entry.fields;
      const showing = sessionId ? showings.get(sessionId) : undefined;
      if (!showing || showing.movieId !== movieId) continue;
      const refund = isRefund(entry.fields);
      if (!refund && entry.doubleBooked) continue;
      this.#deltas.set(showing.sessionId, (this.#deltas.get(showing.sessionId) ?? 0) + (refund ? -1 : 1));
    }
    if (this.#deltas.size > 0) this.#render.schedule();
  }

  /** Takes back the +1 of sales counted live that turned out to be double-booked. */
  #takeBack(entries: readonly TicketEntry[]): void {
    const showings = this.#snapshot.showings;
    for (const entry of entries) {
      if (isRefund(entry.fields) || compareIds(entry.id, this.#readThrough) <= 0) continue;
      const { movieId, sessionId } = entry.fields;
      const showing = sessionId ? showings.get(sessionId) : undefined;
      if (!showing || showing.movieId !== movieId) continue;
      this.#deltas.set(showing.sessionId, (this.#deltas.get(showing.sessionId) ?? 0) - 1);
    }
    if (this.#deltas.size > 0) this.#render.schedule();
  }

  #applyDeltas(): void {
    const view = this.#snapshot.view;
    if (!view || this.#deltas.size === 0) return;
    const deltas = this.#deltas;
    this.#deltas = new Map();
    const showings = view.showings.map((s) => {
      const delta = deltas.get(s.sessionId);
      return delta ? { ...s, sold: Math.max(0, s.sold + delta) } : s;
    });
    this.#set({ ...this.#snapshot, view: { ...view, showings }, showings: new Map(showings.map((s) => [s.sessionId, s])) });
  }

  #set(snapshot: ProgramSnapshot): void {
    this.#snapshot = snapshot;
    for (const listener of this.#listeners) listener();
  }
}

export const programStore = new ProgramStore();

const indexOf = (): ProgramIndex => programStore.getSnapshot().index;
const emptyIndex = (): ProgramIndex => EMPTY.index;

/**
 * The programme's lookups alone: they change with the programme, not with every sold count, so a component
 * that only names screenings (the feed) does not re-render four times a second while sales pour in.
 */
export function useProgramIndex(): ProgramIndex {
  useEffect(() => programStore.start(), []);
  return useSyncExternalStore(programStore.subscribe, indexOf, emptyIndex);
}

const noProgram = (): ProgramView | null => null;

/**
 * The programme as last read or pushed (films, halls, showings, and each showing's sold count as of that
 * read), null until the first: for a component that takes the live counts from elsewhere (the board), so
 * it does not re-render four times a second while sales pour in.
 */
export function useProgramAsRead(): ProgramView | null {
  useEffect(() => programStore.start(), []);
  return useSyncExternalStore(programStore.subscribe, programStore.getRead, noProgram);
}

/** The programme, started on first use and shared by every component of the page. */
export function useProgram(): ProgramSnapshot {
  useEffect(() => programStore.start(), []);
  return useSyncExternalStore(programStore.subscribe, programStore.getSnapshot, () => EMPTY);
}
