import type { Config } from "@/lib/config";
import type { StreamKeys } from "@/lib/keys";
import type { RedisClient } from "@/lib/redis";
import type { FeedStatus } from "@/lib/events";
import type { ProgramCache } from "@/lib/program";
import type { EndedSessions } from "@/lib/sessions";

/** What route handlers need from the running server. */
export interface AppContext {
  config: Config;
  redis: RedisClient;
  keys: StreamKeys;
  feedStatus: () => FeedStatus;
  /** Tells every tab about a group change made through StreamDesk at once, instead of at the next poll. */
  groupsChanged: () => void;
  /** The programme sales are checked against. */
  program: ProgramCache;
  /** Tells every tab about a programme change made through StreamDesk at once. */
  programChanged: () => void;
  /** Signs cookies: STREAMDESK_SECRET, or a random one for this run. */
  secret: string;
  /**
   * Closes the open sockets of sessions that just ended (account disabled, password changed or reset,
   * signed out), on this instance and, through Redis, on every other. Never rejects.
   */
  endSessions: (ended: EndedSessions) => Promise<void>;
}

// Next.js bundles route handlers apart from the custom server, so a module-level variable would exist
// twice; a global symbol is the one place both bundles share within the process.
const SLOT = Symbol.for("streamdesk.context");
type Slot = { [SLOT]?: AppContext };

export function setContext(context: AppContext | undefined): void {
  (globalThis as Slot)[SLOT] = context;
}

/** The running server's context; throws when called outside it (for example during `next build`). */
export function getContext(): AppContext {
  const context = (globalThis as Slot)[SLOT];
  if (!context) throw new Error("StreamDesk context is not set: start the app through server/index.ts.");
  return context;
}
