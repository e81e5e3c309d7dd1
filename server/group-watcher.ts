import { EventEmitter } from "node:events";
import { listGroups, type GroupInfo } from "@/lib/groups";
import type { StreamKeys } from "@/lib/keys";
import type { RedisClient } from "@/lib/redis";
import { sleep } from "./sleep";

export interface GroupsSnapshot {
  groups: GroupInfo[];
}

interface WatcherEvents {
  update: [snapshot: GroupsSnapshot];
}

/**
 * Polls the stream's consumer groups once per interval for the whole process — never once per tab — and
 * emits `update` only when something a person would see changed. Idle times are left out of that
 * comparison: they change on every poll, and browsers advance them on their own.
 */
export class GroupWatcher extends EventEmitter<WatcherEvents> {
  #snapshot: GroupsSnapshot | undefined;
  #fingerprint = "";
  readonly #abort = new AbortController();
  #wake: (() => void) | undefined;
  #running: Promise<void> | undefined;
  #polls = 0;

  constructor(
    private readonly redis: RedisClient,
    private readonly keys: StreamKeys,
    private readonly intervalMs: number,
    /** Polling pauses while this answers false (no tab is connected). */
    private readonly wanted: () => boolean,
  ) {
    super();
  }

  /** The last state read, if any. */
  get snapshot(): GroupsSnapshot | undefined {
    return this.#snapshot;
  }

  /** How many polls ran: each costs two Redis round trips, whatever the number of tabs. */
  get polls(): number {
    return this.#polls;
  }

  start(): void {
    this.#running ??= this.#run();
  }

  /** Polls now instead of at the next tick: called after every change made through StreamDesk. */
  refresh(): void {
    this.#wake?.();
  }

  async stop(): Promise<void> {
    this.#abort.abort();
    await this.#running;
  }

  async #run(): Promise<void> {
    const signal = this.#abort.signal;
    while (!signal.aborted) {
      if (this.wanted()) await this.#poll();
      await new Promise<void>((resolve) => {
        this.#wake = resolve;
        void sleep(this.intervalMs, signal).then(resolve);
      });
      this.#wake = undefined;
    }
  }

  async #poll(): Promise<void> {
    this.#polls++;
    try {
      const groups = await listGroups(this.redis, this.keys);
      const fingerprint = JSON.stringify(groups, (key, value: unknown) => (key === "idleMs" ? undefined : value));
      if (fingerprint === this.#fingerprint) return;
      this.#fingerprint = fingerprint;
      this.#snapshot = { groups };
      this.emit("update", this.#snapshot);
    } catch {
      // Redis is away: the feed status already tells every tab; the next poll tries again.
    }
  }
}
