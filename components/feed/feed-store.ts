"use client";

import type { FeedStatus } from "@/lib/events";
import { compareIds } from "@/lib/stream-id";
import type { TicketEntry } from "@/lib/entries";
import { api } from "@/components/api";
import { reloadTo } from "@/components/session/reload-to";
import { getSocket } from "@/components/socket";
import { floodPace, RenderThrottle } from "@/components/ui/render-throttle";

/** How many entries a tab keeps; older ones are dropped as new ones arrive, and reloaded on demand. */
export const FEED_CAPACITY = 10_000;
const FIRST_PAGE = 200;
const OLDER_PAGE = 500;

export type LinkState = "connecting" | "catching-up" | "live" | "down";

export type FeedLink = Pick<FeedSnapshot, "link" | "downSince">;

export interface FeedSnapshot {
  /** Newest first. */
  entries: TicketEntry[];
  link: LinkState;
  /** When the live link went down (socket lost, or the server lost Redis); null while it is up. */
  downSince: number | null;
  /** True once every older entry has been loaded. */
  reachedStart: boolean;
  loadingOlder: boolean;
  error: string | null;
}

type Listener = () => void;
type BatchListener = (entries: TicketEntry[]) => void;
type MarksListener = (marked: TicketEntry[]) => void;

/**
 * The tab's copy of the stream: first page over HTTP, then `feed:resume` from the newest id it holds,
 * on every (re)connect. Batches are applied in an animation frame, at the pace {@link floodPace} sets,
 * so thousands of entries per second cost ten renders a second (four while each one replaces the screen).
 * (Batch listeners, such as the chart's counters, still see every batch as it arrives.)
 */
class FeedStore {
  #snapshot: FeedSnapshot = {
    entries: [],
    link: "connecting",
    downSince: null,
    reachedStart: false,
    loadingOlder: false,
    error: null,
  };
  /** The link's part of the snapshot, a new object only when it changes: see {@link getLink}. */
  #link: FeedLink = { link: this.#snapshot.link, downSince: this.#snapshot.downSince };
  #listeners = new Set<Listener>();
  #batchListeners = new Set<BatchListener>();
  #marksListeners = new Set<MarksListener>();
  #pending: TicketEntry[][] = [];
  #lastFlush = 0;
  readonly #render = new RenderThrottle(
    floodPace(() => this.#lastFlush),
    () => this.#flush(),
  );
  #newestId = "0-0";
  #started = false;
  #socketUp = false;
  #caughtUp = false;
  #redis: FeedStatus = { redis: "up", since: Date.now() };

  subscribe = (listener: Listener): (() => void) => {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  };

  getSnapshot = (): FeedSnapshot => this.#snapshot;

  /** Whether the feed is live and since when it is down: the same object while that stays, whatever entries arrive. */
  getLink = (): FeedLink => this.#link;

  /** Called with every batch as it arrives, before it is rendered. */
  onBatch(listener: BatchListener): () => void {
    this.#batchListeners.add(listener);
    return () => this.#batchListeners.delete(listener);
  }

  /**
   * Called with entries this tab holds (already passed to batch listeners) that the server has since
   * found double-booked, each once, already marked. Live batches are sent before the server indexes
   * them, so a double booking is learnt a moment after the sale itself.
   */
  onMarks(listener: MarksListener): () => void {
    this.#marksListeners.add(listener);
    return () => this.#marksListeners.delete(listener);
  }

  start(): void {
    if (this.#started) return;
    this.#started = true;
    void this.#loadFirstPage();
  }

  async loadOlder(): Promise<void> {
    const oldest = this.#snapshot.entries.at(-1);
    if (this.#snapshot.loadingOlder || this.#snapshot.reachedStart || !oldest) return;
    this.#set({ loadingOlder: true });
    try {
      const page = await fetchPage(`before=${encodeURIComponent(oldest.id)}&count=${OLDER_PAGE}`);
      this.#set({
        entries: [...this.#snapshot.entries, ...page.entries],
        reachedStart: page.next === null,
        loadingOlder: false,
        error: null,
      });
    } catch (error) {
      this.#set({ loadingOlder: false, error: messageOf(error) });
    }
  }

  async #loadFirstPage(): Promise<void> {
    for (let attempt = 0; ; attempt++) {
      try {
        const page = await fetchPage(`count=${FIRST_PAGE}`);
        this.#newestId = page.entries[0]?.id ?? "0-0";
        this.#set({ entries: page.entries, reachedStart: page.next === null, error: null });
        break;
      } catch (error) {
        this.#set({ error: messageOf(error), link: "down", downSince: this.#snapshot.downSince ?? Date.now() });
        await new Promise((resolve) => setTimeout(resolve, Math.min(500 * 2 ** attempt, 5000)));
      }
    }
    this.#connect();
  }

  #connect(): void {
    const socket = getSocket();
    socket.on("connect", () => {
      this.#socketUp = true;
      this.#caughtUp = false;
      this.#updateLink();
      this.#resume();
    });
    socket.on("disconnect", (reason) => {
      this.#socketUp = false;
      this.#updateLink();
      // The server closed the link on purpose: the session ended or the account was disabled.
      if (reason === "io server disconnect") void this.#afterRefusal();
    });
    socket.on("connect_error", () => {
      // A refusal by the server (no session) stops Socket.IO's own retries; network errors do not.
      if (!socket.active) void this.#afterRefusal();
    });
    socket.on("feed:status", (status) => {
      this.#redis = status;
      this.#updateLink();
    });
    socket.on("feed:entries", (entries) => this.#receive(entries));
    socket.on("feed:marks", ({ doubleBooked }) => this.#mark(doubleBooked));
    socket.connect();
  }

  /** Asks for everything after the newest entry held, then live ones. */
  #resume(): void {
    getSocket().emit("feed:resume", { afterId: this.#newestId }, (reply) => {
      if ("error" in reply) {
        // Too far behind to replay (FEED_REPLAY_MAX): read the newest page over HTTP and resume from there.
        if (reply.reload) void this.#reload();
        else this.#set({ error: reply.error });
        return;
      }
      this.#caughtUp = true;
      this.#updateLink();
    });
  }

  async #reload(): Promise<void> {
    try {
      const page = await fetchPage(`count=${FIRST_PAGE}`);
      this.#pending = [];
      this.#newestId = page.entries[0]?.id ?? this.#newestId;
      this.#set({ entries: page.entries, reachedStart: page.next === null, error: null });
    } catch (error) {
      this.#set({ error: messageOf(error) });
      return;
    }
    if (this.#socketUp) this.#resume();
  }

  /** Sends a signed-out tab to the sign-in page; otherwise (a passing refusal) connects again. */
  async #afterRefusal(): Promise<void> {
    const session = await api("/api/session");
    if (session.status === 401) {
      reloadTo(`/login?next=${encodeURIComponent(window.location.pathname + window.location.search)}`);
      return;
    }
    setTimeout(() => getSocket().connect(), 2000);
  }

  #updateLink(): void {
    if (!this.#socketUp || this.#redis.redis === "down") {
      const since = this.#socketUp ? this.#redis.since : Date.now();
      this.#set({ link: "down", downSince: this.#snapshot.downSince ?? since });
    } else {
      this.#set({ link: this.#caughtUp ? "live" : "catching-up", downSince: null });
    }
  }

  #receive(entries: TicketEntry[]): void {
    // The server never repeats an entry; this guard only protects the list if that promise breaks.
    const fresh = entries.filter((entry) => compareIds(entry.id, this.#newestId) > 0);
    if (fresh.length === 0) return;
    this.#newestId = fresh.at(-1)!.id;
    for (const listener of this.#batchListeners) listener(fresh);
    this.#pending.push(fresh);
    this.#render.schedule();
  }

  #mark(ids: readonly string[]): void {
    const wanted = new Set(ids);
    const marked: TicketEntry[] = [];
    const mark = (entry: TicketEntry): TicketEntry => {
      if (entry.doubleBooked || !wanted.has(entry.id)) return entry;
      const copy: TicketEntry = { ...entry, doubleBooked: true };
      marked.push(copy);
      return copy;
    };
    // Rows already shown are replaced (so the list re-renders them); batches waiting for a frame likewise.
    const entries = this.#snapshot.entries.map(mark);
    const shown = marked.length;
    this.#pending = this.#pending.map((batch) => batch.map(mark));
    if (marked.length === 0) return;
    for (const listener of this.#marksListeners) listener(marked);
    if (shown > 0) this.#set({ entries });
  }

  #flush(): void {
    const incoming: TicketEntry[] = [];
    for (let b = this.#pending.length - 1; b >= 0; b--) {
      const batch = this.#pending[b]!;
      for (let i = batch.length - 1; i >= 0; i--) incoming.push(batch[i]!);
    }
    this.#pending = [];
    this.#lastFlush = incoming.length;
    const keep = Math.max(0, FEED_CAPACITY - incoming.length);
    const trimmed = this.#snapshot.entries.length > keep;
    this.#set({
      entries: incoming.length >= FEED_CAPACITY ? incoming.slice(0, FEED_CAPACITY) : incoming.concat(this.#snapshot.entries.slice(0, keep)),
      reachedStart: this.#snapshot.reachedStart && !trimmed,
    });
  }

  #set(patch: Partial<FeedSnapshot>): void {
    this.#snapshot = { ...this.#snapshot, ...patch };
    const { link, downSince } = this.#snapshot;
    if (link !== this.#link.link || downSince !== this.#link.downSince) this.#link = { link, downSince };
    for (const listener of this.#listeners) listener();
  }
}

async function fetchPage(query: string): Promise<{ entries: TicketEntry[]; next: string | null }> {
  const result = await api<{ entries: TicketEntry[]; next?: string | null }>(`/api/tickets?${query}`);
  if (!result.ok) throw new Error(result.error);
  return { entries: result.data.entries, next: result.data.next ?? null };
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : "Something went wrong.";
}

export const feedStore = new FeedStore();
