"use client";

import { formatClock } from "@/components/feed/format";
import { useFeedLink } from "@/components/feed/use-feed";

/** Says plainly when the figures on screen may be out of date. */
export function StaleBanner({ error }: { error?: string | null }) {
  const { link, downSince } = useFeedLink();
  if (link !== "down" && !error) return null;
  return (
    <p role="alert" className="rounded-lg border border-amber-300 bg-amber-50 px-4 py-2 text-sm text-amber-900">
      {link === "down"
        ? `These figures may be stale: the live link has been down since ${downSince ? formatClock(downSince) : "a moment ago"}. They update again as soon as it is back.`
        : error}
    </p>
  );
}
