"use client";

import { useEffect, useState } from "react";
import { api } from "@/components/api";
import type { AccountingFigures, ScreeningAccounts } from "@/lib/accounting";

export type { AccountingFigures };

/** The accounting worker counts in batches; a few seconds behind the live counts is expected, not a fault. */
const POLL_MS = 5000;

/**
 * The accounting worker's figures by "movieId:sessionId", and today's, re-read every few seconds; null until
 * the first answer, and an empty map while no accounting worker has counted anything.
 */
export function useAccounting(): { byScreening: Map<string, AccountingFigures>; today: AccountingFigures | null } | null {
  const [figures, setFigures] = useState<{ byScreening: Map<string, AccountingFigures>; today: AccountingFigures | null } | null>(null);
  useEffect(() => {
    let stopped = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const poll = async () => {
      const result = await api<{ screenings: ScreeningAccounts[]; today: AccountingFigures }>("/api/accounting");
      if (stopped) return;
      if (result.ok) {
        setFigures({
          byScreening: new Map(result.data.screenings.map((s) => [`${s.movieId}:${s.sessionId}`, s])),
          today: result.data.today.sales + result.data.today.refunds > 0 ? result.data.today : null,
        });
      }
      timer = setTimeout(() => void poll(), POLL_MS);
    };
    void poll();
    return () => {
      stopped = true;
      clearTimeout(timer);
    };
  }, []);
  return figures;
}
