"use client";

import { isRefund } from "@/lib/entries";
import { useFeed } from "@/components/feed/use-feed";
import { useProgram } from "@/components/program/program-store";
import { idMs } from "@/lib/stream-id";
import { describeShowing } from "@/lib/validations/program-index";

/** The bar under the pointer: its bucket and counts, and where the pointer is (px from the plot's left). */
export interface Hover {
  startMs: number;
  sizeMs: number;
  left: number;
  sales: number;
  refunds: number;
}

const clock = new Intl.DateTimeFormat(undefined, { hour: "2-digit", minute: "2-digit", hour12: false });
const TOP = 3;

/**
 * What one bar is made of: its time, sales and refunds, and the showings that sold most in it, named from
 * the programme ("Dune · 20:30 · Hall 2"). The breakdown counts the entries this desk holds (its newest
 * 10,000), so for an old, busy bucket it is a sample; the totals are the server's.
 */
export function ChartTooltip({ hover }: { hover: Hover }) {
  const { entries } = useFeed();
  const { index } = useProgram();
  const end = hover.startMs + hover.sizeMs;
  const bySession = new Map<string, { movieId: string; sessionId: string; count: number }>();
  for (const entry of entries) {
    const ms = idMs(entry.id);
    if (ms < hover.startMs) break;
    if (ms >= end || isRefund(entry.fields) || entry.doubleBooked) continue;
    const { movieId, sessionId } = entry.fields;
    if (!movieId || !sessionId) continue;
    const key = `${movieId}/${sessionId}`;
    const row = bySession.get(key) ?? { movieId, sessionId, count: 0 };
    row.count++;
    bySession.set(key, row);
  }
  const top = [...bySession.values()].sort((a, b) => b.count - a.count).slice(0, TOP);
  return (
    <div
      role="tooltip"
      data-testid="chart-tooltip"
      className="pointer-events-none absolute top-1 z-10 w-72 -translate-x-1/2 rounded-lg border border-slate-200 bg-white/95 px-3 py-2 text-xs shadow-lg"
      style={{ left: `clamp(9.5rem, ${hover.left + 8}px, calc(100% - 9.5rem))` }}
    >
      <p className="font-semibold text-slate-800">
        {clock.format(hover.startMs)}–{clock.format(end)} · <span className="text-emerald-700">{hover.sales} sold</span>
        {hover.refunds > 0 ? <span className="text-violet-700">, {hover.refunds} refunded</span> : null}
      </p>
      {top.length > 0 ? (
        <ul className="mt-1 space-y-0.5 text-slate-600">
          {top.map((row) => (
            <li key={`${row.movieId}/${row.sessionId}`} className="flex justify-between gap-2">
              <span className="truncate" data-testid="chart-tooltip-showing">
                {describeShowing(index, row.movieId, row.sessionId)}
              </span>
              <span className="tabular-nums">{row.count}</span>
            </li>
          ))}
        </ul>
      ) : null}
    </div>
  );
}
