"use client";

import { useEffect, useState } from "react";
import { api } from "@/components/api";

export interface AtRiskGroup {
  group: string;
  pending: number;
  oldestPendingId: string;
}

/** A group that has not even been delivered entries the next trim would delete. */
export interface LagAtRisk {
  group: string;
  lastDeliveredId: string;
  firstUndeliveredId: string;
}

export interface Retention {
  description: string;
  length: number;
  firstId: string | null;
  atRisk: AtRiskGroup[];
  lagAtRisk: LagAtRisk[];
}

export type RetentionState = { retention: Retention | null; error: string | null };

/** How often the retention figures are read again: trims and acks change them at any time. */
const REFRESH_MS = 15_000;

/** `GET /api/retention`, read now and every {@link REFRESH_MS}. */
export function useRetention(): RetentionState {
  const [state, setState] = useState<RetentionState>({ retention: null, error: null });
  useEffect(() => {
    let controller = new AbortController();
    const load = async () => {
      controller.abort();
      controller = new AbortController();
      const result = await api<Retention>("/api/retention", { signal: controller.signal });
      if (controller.signal.aborted) return;
      setState((current) =>
        result.ok
          ? { retention: { ...result.data, atRisk: result.data.atRisk ?? [], lagAtRisk: result.data.lagAtRisk ?? [] }, error: null }
          : { retention: current.retention, error: `Could not read the retention policy: ${result.error}` },
      );
    };
    void load();
    const timer = setInterval(() => void load(), REFRESH_MS);
    return () => {
      clearInterval(timer);
      controller.abort();
    };
  }, []);
  return state;
}
