"use client";

import { api } from "@/components/api";
import { idMs } from "@/lib/stream-id";
import type { TicketEntry } from "@/lib/entries";
import { filterQuery, type Filters } from "./filters";

/** Matches gathered before a search pauses and offers Load more. */
export const PAGE = 50;

export interface SearchReply {
  entries: TicketEntry[];
  cursor: string | null;
  scanned: number;
  bounds?: { from: string; to: string } | null;
}

export type Phase = "scanning" | "paused" | "done" | "cancelled" | "error";

export interface Progress {
  phase: Phase;
  entries: TicketEntry[];
  cursor: string | null;
  scanned: number;
  bounds: { from: string; to: string } | null;
  /** 0–1: how far the scan moved from the range's newest end to its oldest. */
  fraction: number;
  error: string | null;
}

export function startProgress(): Progress {
  return { phase: "scanning", entries: [], cursor: null, scanned: 0, bounds: null, fraction: 0, error: null };
}

/**
 * Asks the server for matches, one request after another from `progress.cursor`, until it has
 * {@link PAGE} more or the scan reached the start of the range; reports after every request.
 */
export async function scan(filters: Filters, from: Progress, signal: AbortSignal, report: (progress: Progress) => void): Promise<void> {
  let progress: Progress = { ...from, phase: "scanning", error: null };
  const wanted = progress.entries.length + PAGE;
  report(progress);
  for (;;) {
    const query = filterQuery(filters);
    query.set("count", String(PAGE));
    if (progress.cursor) query.set("cursor", progress.cursor);
    const result = await api<SearchReply>(`/api/tickets/search?${query}`, { signal });
    if (signal.aborted) return report({ ...progress, phase: "cancelled" });
    if (!result.ok) return report({ ...progress, phase: "error", error: result.error });
    const reply = result.data;
    const bounds = progress.bounds ?? reply.bounds ?? null;
    progress = {
      ...progress,
      entries: progress.entries.concat(reply.entries),
      cursor: reply.cursor,
      scanned: progress.scanned + reply.scanned,
      bounds,
      fraction: reply.cursor === null ? 1 : fraction(bounds, reply.cursor),
    };
    if (reply.cursor === null) return report({ ...progress, phase: "done" });
    if (progress.entries.length >= wanted) return report({ ...progress, phase: "paused" });
    report(progress);
  }
}

function fraction(bounds: { from: string; to: string } | null, cursor: string): number {
  if (!bounds) return 0;
  const to = idMs(bounds.to);
  const span = to - idMs(bounds.from);
  if (span <= 0) return 1;
  return Math.min(1, Math.max(0, (to - idMs(cursor)) / span));
}
