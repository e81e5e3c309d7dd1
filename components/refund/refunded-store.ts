"use client";

import { useEffect, useSyncExternalStore } from "react";
import { feedStore } from "@/components/feed/feed-store";
import { isRefund } from "@/lib/entries";
import type { TicketEntry } from "@/lib/entries";

/**
 * The sales this tab knows to be refunded: from refund entries it has seen (live, in the feed's pages,
 * in search results) and from refunds made here. Only hides buttons; the server answers 409 either way.
 */
class RefundedStore {
  #ids: ReadonlySet<string> = new Set();
  #listeners = new Set<() => void>();
  #listening = false;

  subscribe = (listener: () => void): (() => void) => {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  };

  getSnapshot = (): ReadonlySet<string> => this.#ids;

  start(): void {
    if (this.#listening) return;
    this.#listening = true;
    feedStore.onBatch((entries) => this.noteEntries(entries));
  }

  /** Records the refunds among `entries`. */
  noteEntries(entries: readonly TicketEntry[]): void {
    const fresh: string[] = [];
    for (const entry of entries) {
      const of = entry.fields.refundOf;
      if (of && isRefund(entry.fields) && !this.#ids.has(of)) fresh.push(of);
    }
    if (fresh.length > 0) this.add(fresh);
  }

  add(saleIds: readonly string[]): void {
    const next = new Set(this.#ids);
    for (const id of saleIds) next.add(id);
    this.#ids = next;
    for (const listener of this.#listeners) listener();
  }
}

export const refundedStore = new RefundedStore();

/** Sale ids known to be refunded, updated live. */
export function useRefunded(): ReadonlySet<string> {
  useEffect(() => refundedStore.start(), []);
  return useSyncExternalStore(refundedStore.subscribe, refundedStore.getSnapshot, refundedStore.getSnapshot);
}
