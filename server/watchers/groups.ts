import { EventEmitter } from "node:events";
import { listGroups, type GroupInfo } from "@/lib/groups";
import type { StreamKeys } from "@/lib/keys";
import type { RedisClient } from "@/lib/redis";
import { Poller } from "./poller";

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
  readonly #poller: Poller;
  #polls = 0;

  constructor(
    private readonly redis: RedisClient,
    private readonly keys: StreamKeys,
    intervalMs: number,
    /** Polling pauses while this answers false (no tab is connected). */
    wanted: () => boolean,
  ) {
    super();
    this.#poller = new Poller(intervalMs, () => this.#poll(), wanted);
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
    this.#poller.start();
  }

  /** Polls now instead of at the next tick: called after every change made through StreamDesk. */
  refresh(): void {
    this.#poller.refresh();
  }

  stop(): Promise<void> {
    return this.#poller.stop();
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
