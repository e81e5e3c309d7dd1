"use client";

import { api } from "@/components/api";
import { isRefund } from "@/lib/entries";
import { idMs } from "@/lib/stream-id";
import { feedStore } from "@/components/feed/feed-store";
import { getSocket } from "@/components/socket";
import { compareIds } from "@/lib/stream-id";
import type { TicketEntry } from "@/lib/entries";

export const MINUTE_MS = 60_000;
export const HOUR_MS = 3_600_000;
export type Resolution = "minute" | "hour";

interface Bucket {
  start: number;
  sales: number;
  refunds: number;
}

interface StatsReply {
  minutes: Bucket[];
  hours: Bucket[];
  /** The newest entry the server's counters hold; null before it counted any. */
  countedUpTo: string | null;
}

/** What the chart draws: one array per series, bucket starts in seconds (uPlot's time unit). */
export interface Series {
  resolution: Resolution;
  x: number[];
  /** Null for an empty bucket, so no flat bar is drawn along the zero line. */
  sales: (number | null)[];
  /** Negative, so refunds hang below the zero line; null when there were none. */
  refunds: (number | null)[];
  current: { sales: number; refunds: number };
  total: { sales: number; refunds: number };
}

export interface StatsState {
  loaded: boolean;
  error: string | null;
}

/** How often the counts are read again from the server (and on every reconnect). */
const RESYNC_MS = 5 * 60_000;
const WINDOW = { minute: { size: MINUTE_MS, count: 60 }, hour: { size: HOUR_MS, count: 24 } } as const;

/**
 * Sales and refunds per minute (last hour) and per hour (last day): read from `GET /api/stats/sales`, then
 * counted from the live feed by each entry id's time. Counting is a map increment per entry; the arrays
 * the chart draws are built at most once per animation frame, by whoever asks for them.
 */
class SalesStats {
  #minutes = new Map<number, Bucket>();
  #hours = new Map<number, Bucket>();
  /** Entries up to this id are in the server's counts. */
  #countedUpTo: string | null = null;
  /** Entries that arrived while a read was in flight: the reply may or may not hold them. */
  #inFlight: TicketEntry[][] | null = null;
  #state: StatsState = { loaded: false, error: null };
  #version = 0;
  #listeners = new Set<() => void>();
  #started = false;

  /** Bumped on every change; the chart redraws when it moved. */
  get version(): number {
    return this.#version;
  }

  subscribe = (listener: () => void): (() => void) => {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  };

  getState = (): StatsState => this.#state;

  start(): void {
    if (this.#started) return;
    this.#started = true;
    feedStore.onBatch((entries) => this.#receive(entries));
    getSocket().on("connect", () => void this.sync());
    setInterval(() => void this.sync(), RESYNC_MS);
    void this.sync();
  }

  async sync(): Promise<void> {
    if (this.#inFlight) return;
    this.#inFlight = [];
    for (let attempt = 0; ; attempt++) {
      const result = await api<StatsReply>("/api/stats/sales");
      if (result.ok) {
        this.#replace(result.data);
        return;
      }
      this.#setState({ loaded: this.#state.loaded, error: `Could not read the sales figures: ${result.error}` });
      await new Promise((resolve) => setTimeout(resolve, Math.min(1000 * 2 ** attempt, 30_000)));
    }
  }

  #replace(reply: StatsReply): void {
    const pending = this.#inFlight ?? [];
    this.#inFlight = null;
    this.#minutes = new Map(reply.minutes.map((b) => [b.start, { ...b }]));
    this.#hours = new Map(reply.hours.map((b) => [b.start, { ...b }]));
    this.#countedUpTo = reply.countedUpTo ?? "0-0";
    for (const batch of pending) this.#count(batch);
    this.#setState({ loaded: true, error: null });
  }

  #receive(entries: TicketEntry[]): void {
    this.#inFlight?.push(entries);
    this.#count(entries);
  }

  #count(entries: readonly TicketEntry[]): void {
    const upTo = this.#countedUpTo;
    if (upTo === null) return;
    const upToMs = idMs(upTo);
    let counted = 0;
    for (const entry of entries) {
      const ms = idMs(entry.id);
      if (ms < upToMs || (ms === upToMs && compareIds(entry.id, upTo) <= 0)) continue;
      const refund = isRefund(entry.fields);
      bump(this.#minutes, ms - (ms % MINUTE_MS), refund);
      bump(this.#hours, ms - (ms % HOUR_MS), refund);
      counted++;
    }
    if (counted > 0) this.#changed();
  }

  /** The last 60 minutes or 24 hours up to the one holding `now`, oldest first. */
  series(resolution: Resolution, now: number): Series {
    const { size, count } = WINDOW[resolution];
    const buckets = resolution === "minute" ? this.#minutes : this.#hours;
    const last = now - (now % size);
    const x: number[] = [];
    const sales: (number | null)[] = [];
    const refunds: (number | null)[] = [];
    const total = { sales: 0, refunds: 0 };
    for (let i = count - 1; i >= 0; i--) {
      const start = last - i * size;
      const bucket = buckets.get(start);
      x.push(start / 1000);
      sales.push(bucket?.sales || null);
      refunds.push(bucket?.refunds ? -bucket.refunds : null);
      total.sales += bucket?.sales ?? 0;
      total.refunds += bucket?.refunds ?? 0;
    }
    const current = buckets.get(last);
    return { resolution, x, sales, refunds, current: { sales: current?.sales ?? 0, refunds: current?.refunds ?? 0 }, total };
  }

  #setState(state: StatsState): void {
    this.#state = state;
    this.#changed();
  }

  #changed(): void {
    this.#version++;
    for (const listener of this.#listeners) listener();
  }
}

function bump(buckets: Map<number, Bucket>, start: number, refund: boolean): void {
  let bucket = buckets.get(start);
  if (!bucket) {
    bucket = { start, sales: 0, refunds: 0 };
    buckets.set(start, bucket);
  }
  if (refund) bucket.refunds++;
  else bucket.sales++;
}

export const salesStats = new SalesStats();
