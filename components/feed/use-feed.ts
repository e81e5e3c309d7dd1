"use client";

import { useEffect, useSyncExternalStore } from "react";
import { feedStore, type FeedSnapshot, type LinkState } from "./feed-store";

/** The live feed, started on first use and shared by every component of the page. */
export function useFeed(): FeedSnapshot {
  useEffect(() => feedStore.start(), []);
  return useSyncExternalStore(feedStore.subscribe, feedStore.getSnapshot, feedStore.getSnapshot);
}

export interface FeedLink {
  link: LinkState;
  downSince: number | null;
}

let lastLink: FeedLink = { link: feedStore.getSnapshot().link, downSince: feedStore.getSnapshot().downSince };

/** The link's state alone, the same object while it does not change: new entries do not change it. */
function linkOf(): FeedLink {
  const { link, downSince } = feedStore.getSnapshot();
  if (link !== lastLink.link || downSince !== lastLink.downSince) lastLink = { link, downSince };
  return lastLink;
}

/**
 * Whether the feed is live, and since when it is down: for components that show the link and not the
 * entries (the header's indicator, the stale banner), which then do not re-render with every batch of
 * entries, several times a second in a busy feed.
 */
export function useFeedLink(): FeedLink {
  useEffect(() => feedStore.start(), []);
  return useSyncExternalStore(feedStore.subscribe, linkOf, linkOf);
}
