import { EventEmitter } from "node:events";
import { programView, type ProgramCache, type ProgramView } from "@/lib/program";
import type { StreamKeys } from "@/lib/keys";
import type { RedisClient } from "@/lib/redis";
import { Poller } from "./poller";

interface WatcherEvents {
  update: [view: ProgramView];
}

/** A view with sold counts this old is read again before it is handed to a tab that just connected. */
const VIEW_MAX_AGE_MS = 2000;

/**
 * Keeps every tab's programme current: checks the programme's version once per interval for the whole
 * process (one HGET, whatever the number of tabs), and on a change made here or by any other instance
 * reloads the sale cache and emits `update` with the whole programme.
 */
export class ProgramWatcher extends EventEmitter<WatcherEvents> {
  #version: string | undefined;
  #view: { at: number; view: Promise<ProgramView> } | undefined;
  readonly #poller: Poller;

  constructor(
    private readonly redis: RedisClient,
    private readonly keys: StreamKeys,
    private readonly cache: ProgramCache,
    intervalMs: number,
  ) {
    super();
    this.#poller = new Poller(intervalMs, () => this.#poll());
  }

  start(): void {
    this.#poller.start();
  }

  /** Checks now instead of at the next tick: called after every change made through this instance. */
  refresh(): void {
    this.#poller.refresh();
  }

  /**
   * Called with every feed batch: seats were sold or freed, so the cached view's sold counts are behind.
   * A tab takes the view it is handed on connect as its base and only counts live sales on top of it, so
   * a view from before those sales would stay short of them until the tab's next full reload.
   */
  salesMoved(): void {
    this.#view = undefined;
  }

  /** The whole programme with sold counts, read again when older than a moment or when anything was sold since. */
  view(): Promise<ProgramView> {
    if (!this.#view || performance.now() - this.#view.at > VIEW_MAX_AGE_MS) {
      const view = this.cache.get().then((state) => programView(this.redis, this.keys, state.document));
      view.catch(() => (this.#view = undefined));
      this.#view = { at: performance.now(), view };
    }
    return this.#view.view;
  }

  stop(): Promise<void> {
    return this.#poller.stop();
  }

  async #poll(): Promise<void> {
    try {
      const version = (await this.redis.hget(this.keys.program, "version")) ?? "0";
      if (version === this.#version) return;
      const first = this.#version === undefined;
      this.#version = version;
      await this.cache.reload();
      this.#view = undefined;
      if (!first) this.emit("update", await this.view());
    } catch {
      // Redis is away: the feed status tells every tab; the next poll tries again.
    }
  }
}
