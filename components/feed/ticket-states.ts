"use client";

import { useEffect, useRef, useState } from "react";
import { api } from "@/components/api";
import type { TicketState } from "@/lib/printed-tickets";

export type { TicketState };

/** Often enough that Print ticket appears within moments of the worker writing it. */
const POLL_MS = 1500;

// A printed ticket stays printed: remembered for the page's life, so scrolling back never asks again.
const done = new Map<string, TicketState>();

interface Reply {
  group: string;
  groupExists: boolean;
  tickets: Record<string, TicketState>;
}

/**
 * The ticket state of the sales on screen, one request per poll for all of them (and none once they are
 * all printed). `group` is null while no tickets worker has ever run, so the desk shows no column for it.
 */
export function useTicketStates(ids: string[]): { group: string | null; states: Record<string, TicketState> } {
  const [reply, setReply] = useState<{ group: string | null; states: Record<string, TicketState> }>({ group: null, states: {} });
  // Read by one steady poll rather than restarting it: while sales pour in, the rows on screen change every frame.
  const wanted = useRef<string[]>([]);
  const key = ids.join(",");
  useEffect(() => {
    wanted.current = key ? key.split(",") : [];
  }, [key]);
  useEffect(() => {
    let stopped = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const controller = new AbortController();
    const poll = async () => {
      const ids = wanted.current;
      const open = ids.filter((id) => !done.has(id));
      if (open.length > 0) {
        const result = await api<Reply>(`/api/tickets/printed?ids=${open.join(",")}`, { signal: controller.signal });
        if (stopped) return;
        if (result.ok) {
          for (const [id, state] of Object.entries(result.data.tickets)) if (state.state === "done") done.set(id, state);
          const states = Object.fromEntries(
            ids.flatMap((id) => {
              const state = done.get(id) ?? result.data.tickets[id];
              return state ? [[id, state]] : [];
            }),
          );
          setReply({ group: result.data.groupExists ? result.data.group : null, states });
        }
      } else if (ids.length > 0) {
        setReply((previous) => ({ group: previous.group, states: Object.fromEntries(ids.map((id) => [id, done.get(id)!])) }));
      }
      if (!stopped) timer = setTimeout(() => void poll(), POLL_MS);
    };
    timer = setTimeout(() => void poll(), 200);
    return () => {
      stopped = true;
      controller.abort();
      clearTimeout(timer);
    };
  }, []);
  return reply;
}
