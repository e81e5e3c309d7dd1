import type { Server, Socket } from "socket.io";
import type { ClientToServerEvents, ServerToClientEvents } from "@/lib/events";
import { compareIds, isStreamId, type StreamId } from "@/lib/stream-id";
import type { TicketEntry } from "@/lib/tickets";
import type { FeedLoop } from "./feed-loop";
import { backoff, sleep } from "./sleep";

type FeedServer = Server<ClientToServerEvents, ServerToClientEvents>;
type FeedSocket = Socket<ClientToServerEvents, ServerToClientEvents>;

/** Sockets in this room have every entry up to the loop's last id and get each batch as it is read. */
export const LIVE_ROOM = "feed:live";
const CATCH_UP_PAGE = 1000;

export type ReadRange = (after: StreamId, until: StreamId, count: number) => Promise<TicketEntry[]>;

/**
 * Fans the feed loop's batches out to every tab and brings reconnecting tabs up to date. A tab first
 * replays what it missed straight from the stream, then joins the live room in the same tick in which
 * its cursor equals the loop's last id, so it gets no gap and no duplicate.
 */
export class FeedHub {
  readonly #resumes = new WeakMap<FeedSocket, number>();

  constructor(
    private readonly io: FeedServer,
    private readonly loop: FeedLoop,
    private readonly readRange: ReadRange,
  ) {
    loop.on("batch", (entries) => io.to(LIVE_ROOM).emit("feed:entries", entries));
    loop.on("status", (status) => io.emit("feed:status", status));
  }

  /** Wires one connected socket. */
  attach(socket: FeedSocket): void {
    socket.emit("feed:status", this.loop.status);
    socket.on("feed:resume", (payload, ack) => {
      const afterId = typeof payload === "object" && payload !== null ? payload.afterId : undefined;
      if (typeof afterId !== "string" || !isStreamId(afterId)) {
        ack?.({ error: "feed:resume needs afterId, a stream id like 1700000000000-0 (use 0-0 for everything)." });
        return;
      }
      void this.#resume(socket, afterId).then((upTo) => {
        if (upTo !== undefined) ack?.({ upTo });
      });
    });
  }

  async #resume(socket: FeedSocket, afterId: StreamId): Promise<StreamId | undefined> {
    const generation = (this.#resumes.get(socket) ?? 0) + 1;
    this.#resumes.set(socket, generation);
    const current = () => socket.connected && this.#resumes.get(socket) === generation;
    void socket.leave(LIVE_ROOM);
    let cursor = afterId;
    let failures = 0;
    while (current()) {
      const target = this.loop.lastId;
      const order = target === undefined ? 1 : compareIds(cursor, target);
      if (order === 0) {
        // No await between the comparison and the join: a batch emitted in between would be lost.
        void socket.join(LIVE_ROOM);
        return cursor;
      }
      if (order > 0) {
        // This process has not read that far yet (the tab came from a faster instance): wait for the loop.
        await this.loop.next();
        continue;
      }
      try {
        const entries = await this.readRange(cursor, target!, CATCH_UP_PAGE);
        failures = 0;
        if (!current()) break;
        if (entries.length > 0) socket.emit("feed:entries", entries);
        // A short page means nothing else lies between the cursor and the target.
        cursor = entries.length < CATCH_UP_PAGE ? target! : entries.at(-1)!.id;
      } catch {
        await sleep(backoff(failures++));
      }
    }
    return undefined;
  }
}
