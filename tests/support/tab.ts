import { io as connect, type Socket } from "socket.io-client";
import { onTestFinished } from "vitest";
import type { ClientToServerEvents, FeedStatus, ServerToClientEvents } from "@/lib/events";
import type { GroupInfo } from "@/lib/groups";
import type { RedisClient } from "@/lib/redis";

/** The reconnection settings of the desk's own socket (components/socket.ts): backoff with jitter. */
export const BROWSER_RECONNECTION = { reconnectionDelay: 500, reconnectionDelayMax: 5000, randomizationFactor: 0.5 };

export interface Tab {
  socket: Socket<ServerToClientEvents, ClientToServerEvents>;
  /** Every entry id received, in order of arrival (duplicates kept, so a test can see them). */
  ids: string[];
  /** Every `feed:status` received. */
  statuses: FeedStatus[];
  /** The groups of every `groups:update` received. */
  groups: GroupInfo[][];
  /** How many times `feed:resume` was acknowledged (once per successful connect). */
  readonly resumed: number;
  /** How many times the socket connected. */
  readonly connects: number;
}

/**
 * A tab as the desk runs it: its own connection (WebSocket first, polling as fallback), the session
 * cookie, and `feed:resume` from the newest id it holds on every connect and reconnect.
 */
export function openTab(
  url: string,
  cookie: string,
  afterId: string,
  reconnection: Partial<typeof BROWSER_RECONNECTION> & { refusalRetryMs?: number } = {},
): Tab {
  const { refusalRetryMs = 2000, ...delays } = reconnection;
  const socket: Tab["socket"] = connect(url, {
    transports: ["websocket", "polling"],
    forceNew: true,
    ...BROWSER_RECONNECTION,
    ...delays,
    extraHeaders: { cookie },
  });
  onTestFinished(() => void socket.disconnect());
  let newest = afterId;
  let resumed = 0;
  let connects = 0;
  const tab: Tab = {
    socket,
    ids: [],
    statuses: [],
    groups: [],
    get resumed() {
      return resumed;
    },
    get connects() {
      return connects;
    },
  };
  socket.on("connect", () => {
    connects++;
    socket.emit("feed:resume", { afterId: newest }, (reply) => {
      if ("upTo" in reply) resumed++;
    });
  });
  // A refusal by the server (it could not check the session while Redis was down) stops Socket.IO's own
  // retries; the desk then tries again by itself after a pause (components/feed/feed-store.ts).
  socket.on("connect_error", () => {
    if (!socket.active) setTimeout(() => socket.connect(), refusalRetryMs);
  });
  socket.on("feed:entries", (entries) => {
    for (const entry of entries) tab.ids.push(entry.id);
    newest = entries.at(-1)?.id ?? newest;
  });
  socket.on("feed:status", (status) => tab.statuses.push(status));
  socket.on("groups:update", ({ groups }) => tab.groups.push(groups));
  return tab;
}

/** Every id in the stream, oldest first: what every tab must end up holding. */
export async function streamIds(redis: RedisClient, stream: string): Promise<string[]> {
  return ((await redis.xrange(stream, "-", "+")) as [string, string[]][]).map(([id]) => id);
}

/** The ids that occur more than once, and the stream ids a tab lacks: both must be empty. */
export function compareFeed(received: string[], stream: string[]): { duplicated: string[]; missing: string[] } {
  const seen = new Set<string>();
  const duplicated: string[] = [];
  for (const id of received) {
    if (seen.has(id)) duplicated.push(id);
    seen.add(id);
  }
  return { duplicated, missing: stream.filter((id) => !seen.has(id)) };
}
