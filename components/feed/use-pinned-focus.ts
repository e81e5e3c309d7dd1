"use client";

import { useState, type FocusEvent, type RefObject } from "react";
import type { PinnedRow } from "./feed-rows";

/**
 * The feed row that holds keyboard focus (see `rowSlots`), from the list's focus events. The row stays
 * pinned while the focus is in a dialog it opened (Refund), so the dialog can hand the focus back to it.
 */
export function usePinnedFocus(list: RefObject<HTMLElement | null>) {
  const [pinned, setPinned] = useState<PinnedRow | null>(null);

  const onFocus = (event: FocusEvent<HTMLElement>) => {
    const row = event.target.closest<HTMLElement>("[data-row-key]");
    const id = row?.querySelector<HTMLElement>("[data-entry-id]")?.dataset.entryId;
    if (!row || !id) return;
    const key = row.dataset.rowKey!;
    setPinned((old) => (old?.id === id && old.key === key ? old : { id, key }));
  };

  const onBlur = (event: FocusEvent<HTMLElement>) => {
    const next = event.relatedTarget;
    if (next instanceof Element && (list.current?.contains(next) || next.closest("dialog"))) return;
    if (next !== null) {
      setPinned(null);
      return;
    }
    // Nowhere in particular: a click on the page, another window, or the sale leaving the feed. Where
    // the focus is once the event is over tells which.
    requestAnimationFrame(() => {
      const active = document.activeElement;
      if (!active || !list.current?.contains(active)) setPinned(null);
    });
  };

  return { pinned, onFocus, onBlur };
}
