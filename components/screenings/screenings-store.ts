"use client";

import { api } from "@/components/api";
import { isRefund, screeningKey, seatOf } from "@/lib/entries";
import { feedStore } from "@/components/feed/feed-store";
import { getSocket } from "@/components/socket";
import { compareIds } from "@/lib/stream-id";
import type { TicketEntry } from "@/lib/entries";
import { floodPace, RenderThrottle } from "@/components/ui/render-throttle";

export interface Screening {
  movieId: string;
  sessionId: string;
  sold: number;
  capacity: number;
}

export interface BoardSnapshot {
  /** Sorted by movie, then session (numerically); null until the first load. */
  screenings: Screening[] | null;
  error: string | null;
  /** When the counts were last read from the server (ms since epoch). */
  syncedAt: number | null;
}

/** How soon a read that live entries crossed is repeated: long enough for the server to have indexed them. */
const REREAD_MS = 1000;

/** How often the board reads every count again, so a missed or double-counted entry never lasts. */
export const RESYNC_MS = 30_000;

const byNumber = (a: string, b: string) => a.length - b.length || (a < b ? -1 : a > b ? 1 : 0);

/**
 * Seats sold per screening: read from `GET /api/screenings`, then moved by the live feed (a sale +1, a
 * refund −1, a double-booking nothing, so a sale the server marks double-booked after it arrived is taken
 * back) and read again every {@link RESYNC_MS}, on every reconnect and when the tab becomes visible.
 * Renders in an animation frame, at the pace {@link floodPace} sets (at most ten times a second, four in a flood).
 */
export class ScreeningsBoard {
  #counts = new Map<string, Screening>();
  /** Keys whose count changed since the last frame; the others keep their objects, so their cards skip rendering. */
  #dirty = new Set<string>();
  #order: string[] | null = null;
  #shown = new Map<string, Screening>();
  #snapshot: BoardSnapshot = { screenings: null, error: null, syncedAt: null };
  #listeners = new Set<() => void>();
  /** Entries counted since the last render, and in the one before it. */
  #counted = 0;
  #lastCounted = 0;
  readonly #render = new RenderThrottle(
    floodPace(() => this.#lastCounted),
    () => this.#flush(),
  );
  #stops: (() => void)[] = [];
  #sync: AbortController | null = null;
  /** The newest entry the feed has passed on. */
  #newest = "0-0";
  /** Entries up to here are in the counts as the server read them (and it never counts a double booking). */
  #readThrough = "0-0";
  /** Entries arrived while a read was in flight, so that read may lack some of them. */
  #overlapped = false;
  #reread: ReturnType<typeof setTimeout> | undefined;

  constructor(private readonly defaultCapacity: number) {}

  subscribe = (listener: () => void): (() => void) => {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  };

  getSnapshot = (): BoardSnapshot => this.#snapshot;

  start(): void {
    this.#stops.push(feedStore.onBatch((entries) => this.#apply(entries)));
    this.#stops.push(feedStore.onMarks((entries) => this.#takeBack(entries)));
    const socket = getSocket();
    const onConnect = () => void this.sync();
    socket.on("connect", onConnect);
    this.#stops.push(() => socket.off("connect", onConnect));
    const timer = setInterval(() => void this.sync(), RESYNC_MS);
    this.#stops.push(() => clearInterval(timer));
    const onVisible = () => {
      if (document.visibilityState === "visible") void this.sync();
    };
    document.addEventListener("visibilitychange", onVisible);
    this.#stops.push(() => document.removeEventListener("visibilitychange", onVisible));
    void this.sync();
  }

  stop(): void {
    for (const stop of this.#stops.splice(0)) stop();
    clearTimeout(this.#reread);
    this.#sync?.abort();
    this.#render.cancel();
  }

  /** Reads every count from the server; live changes that land while the read is in flight are in it. */
  async sync(): Promise<void> {
    this.#sync?.abort();
    const controller = new AbortController();
    this.#sync = controller;
    const result = await api<{ screenings: Screening[] }>("/api/screenings", { signal: controller.signal });
    if (controller.signal.aborted) return;
    this.#sync = null;
    if (!result.ok) {
      this.#snapshot = { ...this.#snapshot, error: `Could not refresh the counts: ${result.error}` };
      this.#emit();
      return;
    }
    const counts = new Map<string, Screening>();
    for (const s of result.data.screenings) {
      const screening = { movieId: String(s.movieId), sessionId: String(s.sessionId), sold: s.sold, capacity: s.capacity };
      counts.set(screeningKey(screening.movieId, screening.sessionId), screening);
    }
    this.#counts = counts;
    // Whatever arrived before the read or while it was in flight was left to it (see #apply).
    this.#readThrough = this.#newest;
    if (this.#overlapped) {
      // Entries that crossed the read may not have been indexed when it ran: read again once they are.
      this.#overlapped = false;
      clearTimeout(this.#reread);
      this.#reread = setTimeout(() => void this.sync(), REREAD_MS);
    }
    this.#order = null;
    this.#shown.clear();
    this.#snapshot = { ...this.#snapshot, error: null, syncedAt: Date.now() };
    this.#render.schedule();
  }

  #apply(entries: readonly TicketEntry[]): void {
    this.#newest = entries.at(-1)?.id ?? this.#newest;
    // Entries that arrive while a read is in flight are left to that read, or to the one after it: the
    // server sends an entry before it indexes it, so the read may or may not hold it yet.
    if (this.#sync !== null) {
      this.#overlapped = true;
      return;
    }
    let changed = false;
    for (const entry of entries) {
      const refund = isRefund(entry.fields);
      if (!refund && entry.doubleBooked) continue;
      const claim = seatOf(entry.fields);
      if (!claim) continue;
      const key = screeningKey(claim.movieId, claim.sessionId);
      let screening = this.#counts.get(key);
      if (!screening) {
        screening = { movieId: claim.movieId, sessionId: claim.sessionId, sold: 0, capacity: this.defaultCapacity };
        this.#counts.set(key, screening);
        this.#order = null;
      }
      screening.sold = Math.max(0, screening.sold + (refund ? -1 : 1));
      this.#dirty.add(key);
      this.#counted++;
      changed = true;
    }
    if (changed) this.#render.schedule();
  }

  /** Takes back the +1 of sales counted here that turned out to be double-booked. */
  #takeBack(entries: readonly TicketEntry[]): void {
    let changed = false;
    for (const entry of entries) {
      if (isRefund(entry.fields) || compareIds(entry.id, this.#readThrough) <= 0) continue;
      const claim = seatOf(entry.fields);
      const key = claim && screeningKey(claim.movieId, claim.sessionId);
      const screening = key ? this.#counts.get(key) : undefined;
      if (!key || !screening) continue;
      screening.sold = Math.max(0, screening.sold - 1);
      this.#dirty.add(key);
      changed = true;
    }
    if (changed) this.#render.schedule();
  }

  #flush(): void {
    this.#order ??= [...this.#counts.values()]
      .sort((a, b) => byNumber(a.movieId, b.movieId) || byNumber(a.sessionId, b.sessionId))
      .map((s) => screeningKey(s.movieId, s.sessionId));
    const screenings = this.#order.map((key) => {
      const shown = this.#shown.get(key);
      if (shown && !this.#dirty.has(key)) return shown;
      const fresh = { ...this.#counts.get(key)! };
      this.#shown.set(key, fresh);
      return fresh;
    });
    this.#dirty.clear();
    this.#lastCounted = this.#counted;
    this.#counted = 0;
    this.#snapshot = { ...this.#snapshot, screenings };
    this.#emit();
  }

  #emit(): void {
    for (const listener of this.#listeners) listener();
  }
}
