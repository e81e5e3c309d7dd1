"use client";

import { useEffect, useSyncExternalStore } from "react";
import { feedStore, type FeedLink, type FeedSnapshot } from "./feed-store";

/** The live feed, started on first use and shared by every component of the page. */
export function useFeed(): FeedSnapshot {
  useEffect(() => feedStore.start(), []);
  return useSyncExternalStore(feedStore.subscribe, feedStore.getSnapshot, feedStore.getSnapshot);
}

/**
 * Whether the feed is live, and since when it is down: for components that show the link and not the
 * entries (the header's indicator, the stale banner), which then do not re-render with every batch of
 * entries, several times a second in a busy feed.
 */
export function useFeedLink(): FeedLink {
  useEffect(() => feedStore.start(), []);
  return useSyncExternalStore(feedStore.subscribe, feedStore.getLink, feedStore.getLink);
}
