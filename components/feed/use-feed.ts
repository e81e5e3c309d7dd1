"use client";

import { useEffect, useSyncExternalStore } from "react";
import { feedStore, type FeedSnapshot } from "./feed-store";

/** The live feed, started on first use and shared by every component of the page. */
export function useFeed(): FeedSnapshot {
  useEffect(() => feedStore.start(), []);
  return useSyncExternalStore(feedStore.subscribe, feedStore.getSnapshot, feedStore.getSnapshot);
}
