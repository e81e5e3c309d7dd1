"use client";

import { formatClock } from "./format";
import { useFeedLink } from "./use-feed";

const LOOK = {
  connecting: { dot: "bg-slate-400", text: "Connecting…" },
  "catching-up": { dot: "bg-amber-400 animate-pulse", text: "Catching up…" },
  live: { dot: "bg-emerald-400", text: "Live" },
  down: { dot: "bg-red-500 animate-pulse", text: "Live link down" },
} as const;

/** Tells staff whether the feed is live, catching up, or down (and since when). */
export function ConnectionIndicator() {
  const { link, downSince } = useFeedLink();
  const look = LOOK[link];
  return (
    <div
      data-testid="link-state"
      data-state={link}
      aria-live="polite"
      className={`flex items-center gap-2 rounded-full px-3 py-1 text-sm ${link === "down" ? "bg-red-950 text-red-100" : "bg-slate-800 text-slate-200"}`}
    >
      <span aria-hidden className={`h-2.5 w-2.5 rounded-full ${look.dot}`} />
      <span>
        {look.text}
        {link === "down" && downSince !== null ? ` since ${formatClock(downSince)}` : ""}
      </span>
    </div>
  );
}
