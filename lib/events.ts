import type { GroupInfo } from "./groups";
import type { ProgramView } from "./validations/program";
import type { TicketEntry } from "./entries";

/** Whether the server is reading the stream; `since` is when that last changed (ms since epoch). */
export interface FeedStatus {
  redis: "up" | "down";
  since: number;
}

/** Ids of entries already sent to the tab, to be marked. */
export interface FeedMarks {
  doubleBooked: string[];
}

/** The reply to `feed:resume`: the tab now has every entry up to `upTo` and receives live ones. */
export interface ResumeAck {
  upTo: string;
}

/** Events the server sends to browsers. */
export interface ServerToClientEvents {
  "feed:entries": (entries: TicketEntry[]) => void;
  /**
   * Follows `feed:entries`: sales of batches already sent that another entry's seat claim beat. Live
   * batches go out before they are indexed, so they never carry `doubleBooked` themselves; this sets it.
   */
  "feed:marks": (marks: FeedMarks) => void;
  "feed:status": (status: FeedStatus) => void;
  /** The same object as `GET /api/groups`; sent on connect and whenever a group changes. */
  "groups:update": (snapshot: { groups: GroupInfo[] }) => void;
  /** The whole programme with sold counts, as `GET /api/program` shapes it; sent on connect and whenever it changes. */
  "program:update": (program: ProgramView) => void;
}

/** Events browsers send to the server. */
export interface ClientToServerEvents {
  /** `reload` in the error reply: the tab missed more than FEED_REPLAY_MAX entries and should read the feed again over HTTP. */
  "feed:resume": (payload: { afterId: string }, ack?: (reply: ResumeAck | { error: string; reload?: true }) => void) => void;
}
