import type { Server, Socket } from "socket.io";
import type { ClientToServerEvents, ServerToClientEvents } from "@/lib/events";
import { compareIds, isStreamId, type StreamId } from "@/lib/stream-id";
import type { TicketEntry } from "@/lib/entries";
import type { FeedLoop } from "./loop";
import { backoff, sleep } from "../sleep";
import { broadcastFramed, type EngineConn } from "./fan-out";

type FeedServer = Server<ClientToServerEvents, ServerToClientEvents>;
type FeedSocket = Socket<ClientToServerEvents, ServerToClientEvents>;

/** Sockets in this room have every entry up to the loop's last id and get each batch as it is read. */
export const LIVE_ROOM = "feed:live";
const CATCH_UP_PAGE = 1000;

/**
 * A tab that does not read what it is sent: once its unsent data stays above `bytes` or `packets` for
 * `graceMs` it is disconnected, so one stalled or hostile client cannot make the server hold the stream
 * in memory. A replay waits until a tab is below the low-water mark before it sends the next page.
 */
export const SLOW_TAB = { bytes: 8 * 2 ** 20, packets: 2000, graceMs: 10_000, lowBytes: 2 ** 20, lowPackets: 8 };
const SWEEP_MS = 1000;

export type ReadRange = (after: StreamId, until: StreamId, count: number) => Promise<TicketEntry[]>;

/**
 * Fans the feed loop's batches out to every tab and brings reconnecting tabs up to date. A tab first
 * replays what it missed, from the loop's ring of recent entries when the gap lies inside it and
 * straight from the stream otherwise, then joins the live room in the same tick in which its cursor
 * equals the loop's last id, so it gets no gap and no duplicate.
 */
export class FeedHub {
  readonly #resumes = new WeakMap<FeedSocket, number>();
  /** Sockets with a replay in flight: one at a time each. */
  readonly #replaying = new WeakSet<FeedSocket>();
  /** When each socket's backlog first went over the limit. */
  readonly #overSince = new WeakMap<FeedSocket, number>();
  readonly #sweep: ReturnType<typeof setInterval>;

  constructor(
    private readonly io: FeedServer,
    private readonly loop: FeedLoop,
    private readonly readRange: ReadRange,
    /** FEED_REPLAY_MAX: the most entries one `feed:resume` replays; a tab further behind is told to reload. */
    private readonly replayMax = 10_000,
    /**
     * Whether the ring may serve a replay after this id. Retention by age may have trimmed from Redis
     * entries the ring still holds: a tab that old is replayed from the stream, as it stands.
     */
    private readonly ringServes: (afterId: StreamId) => boolean = () => true,
  ) {
    loop.on("batch", (entries) => broadcastFramed(io, LIVE_ROOM, "feed:entries", entries));
    // Only the live room: a replaying tab reads its entries' marks from the seat index (readRange). One
    // whose replay read an entry in the milliseconds before it was indexed, and that joins the room after
    // its mark went out, misses that mark; only entries other programs append can be double-booked.
    loop.on("marks", (doubleBooked) => io.to(LIVE_ROOM).emit("feed:marks", { doubleBooked }));
    loop.on("status", (status) => io.emit("feed:status", status));
    this.#sweep = setInterval(() => this.#dropSlowTabs(), SWEEP_MS);
    this.#sweep.unref();
  }

  close(): void {
    clearInterval(this.#sweep);
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
      if (this.#replaying.has(socket)) {
        ack?.({ error: "This tab is already catching up; wait for it to finish." });
        return;
      }
      this.#replaying.add(socket);
      void this.#resume(socket, afterId)
        .then((outcome) => {
          if (outcome === "too-far") {
            ack?.({
              error: `This tab missed more than ${this.replayMax.toLocaleString("en")} entries; it reloads the feed instead of replaying them.`,
              reload: true,
            });
          } else if (outcome !== undefined) ack?.({ upTo: outcome });
        })
        .finally(() => this.#replaying.delete(socket));
    });
  }

  async #resume(socket: FeedSocket, afterId: StreamId): Promise<StreamId | "too-far" | undefined> {
    const generation = (this.#resumes.get(socket) ?? 0) + 1;
    this.#resumes.set(socket, generation);
    const current = () => socket.connected && this.#resumes.get(socket) === generation;
    void socket.leave(LIVE_ROOM);
    let cursor = afterId;
    let failures = 0;
    let replayed = 0;
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
        // Read in the same tick as the target: the ring ends exactly at the loop's last id.
        const recent = this.ringServes(cursor) ? this.loop.recent.after(cursor, CATCH_UP_PAGE) : undefined;
        const entries = recent ?? (await this.readRange(cursor, target!, CATCH_UP_PAGE));
        failures = 0;
        if (!current()) break;
        if (replayed + entries.length > this.replayMax) return "too-far";
        replayed += entries.length;
        if (entries.length > 0) socket.emit("feed:entries", entries);
        // Back-pressure: the next page waits until this one has left for the network.
        if (!(await this.#drained(socket))) break;
        // A short page means nothing else lies between the cursor and the target.
        cursor = entries.length < CATCH_UP_PAGE ? target! : entries.at(-1)!.id;
      } catch {
        await sleep(backoff(failures++));
      }
    }
    return undefined;
  }

  /** Resolves true once the socket's backlog is below the low-water mark; false when it was dropped meanwhile. */
  async #drained(socket: FeedSocket): Promise<boolean> {
    const deadline = performance.now() + SLOW_TAB.graceMs;
    for (;;) {
      if (!socket.connected) return false;
      const { bytes, packets } = backlog(socket);
      if (bytes <= SLOW_TAB.lowBytes && packets <= SLOW_TAB.lowPackets) return true;
      if (performance.now() > deadline) {
        dropTab(socket);
        return false;
      }
      await sleep(20);
    }
  }

  #dropSlowTabs(): void {
    const now = performance.now();
    for (const socket of this.io.sockets.sockets.values()) {
      const { bytes, packets } = backlog(socket);
      if (bytes <= SLOW_TAB.bytes && packets <= SLOW_TAB.packets) {
        this.#overSince.delete(socket);
        continue;
      }
      const since = this.#overSince.get(socket) ?? now;
      this.#overSince.set(socket, since);
      if (now - since >= SLOW_TAB.graceMs) dropTab(socket);
    }
  }
}

/**
 * Disconnects a tab that does not read. A WebSocket's close frame would queue behind the data it never
 * read, and the connection would linger until the closing handshake times out: end the TCP connection now.
 */
function dropTab(socket: FeedSocket): void {
  socket.disconnect(true);
  (socket.conn as unknown as EngineConn).transport?.socket?.terminate?.();
}

/** What a socket has queued and not yet handed to the kernel: engine.io packets, and bytes in the WebSocket's buffer. */
function backlog(socket: FeedSocket): { bytes: number; packets: number } {
  const conn = socket.conn as unknown as EngineConn;
  const ws = conn.transport?.socket;
  return { packets: conn.writeBuffer?.length ?? 0, bytes: ws?._socket?.writableLength ?? ws?.bufferedAmount ?? 0 };
}
