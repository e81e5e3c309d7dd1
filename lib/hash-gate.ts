import { PasswordCheckBusyError } from "./errors";

export interface HashGateLimits {
  /** argon2 runs at once: each takes a core and 19 MiB, so more only slows every one of them down. */
  running: number;
  /** Runs waiting, in all. */
  waiting: number;
  /** Runs waiting for one key (one address), so one caller cannot fill the line. */
  waitingPerKey: number;
  /** How long a run may wait before it is refused, so a caller hears back while they still care. */
  maxWaitMs: number;
}

export const HASH_LIMITS: HashGateLimits = { running: 4, waiting: 256, waitingPerKey: 2, maxWaitMs: 3000 };

interface Waiter {
  start(): void;
  refuse(): void;
}

/** Keys whose last turn is remembered; beyond that the longest-ago ones are forgotten (and count as new). */
const REMEMBERED_KEYS = 10_000;

/**
 * Runs password hashes a few at a time. A free slot goes to the key (the caller's address) served longest
 * ago, not to the oldest waiting run: a flood from many addresses cannot push one person's sign-in past
 * the wait limit, because an address that has not had a turn lately goes before every one that has.
 */
export class HashGate {
  private running = 0;
  private waiting = 0;
  private turns = 0;
  private readonly queues = new Map<string, Waiter[]>();
  // Insertion order is recency: a served key is moved to the end.
  private readonly lastTurn = new Map<string, number>();

  constructor(private readonly limits: HashGateLimits = HASH_LIMITS) {}

  /**
   * Whether a run for `key` would be let in or wait now, so a caller can turn away before doing any work
   * for a check that would be refused (in a flood, that work is what slows everyone else down).
   */
  admits(key: string): boolean {
    if (this.running < this.limits.running && this.waiting === 0) return true;
    const waiting = this.queues.get(key)?.length ?? 0;
    if (waiting >= this.limits.waitingPerKey) return false;
    return this.waiting < this.limits.waiting || this.longest() > waiting + 1;
  }

  /** Runs `work` now or after its turn. @throws PasswordCheckBusyError when the line is full or too slow. */
  run<T>(key: string, work: () => Promise<T>): Promise<T> {
    if (this.running < this.limits.running && this.waiting === 0) return this.start(key, work);
    return new Promise<T>((resolve, reject) => {
      const queue = this.queues.get(key) ?? [];
      if (queue.length >= this.limits.waitingPerKey || (this.waiting >= this.limits.waiting && !this.evictFromLongest(queue.length))) {
        return reject(new PasswordCheckBusyError());
      }
      const timer = setTimeout(() => {
        const line = this.queues.get(key);
        const at = line?.indexOf(waiter) ?? -1;
        if (at === -1) return;
        line!.splice(at, 1);
        if (line!.length === 0) this.queues.delete(key);
        this.waiting--;
        waiter.refuse();
      }, this.limits.maxWaitMs);
      const waiter: Waiter = {
        start: () => {
          clearTimeout(timer);
          this.start(key, work).then(resolve, reject);
        },
        refuse: () => {
          clearTimeout(timer);
          reject(new PasswordCheckBusyError());
        },
      };
      queue.push(waiter);
      this.queues.set(key, queue);
      this.waiting++;
    });
  }

  /** Runs and waiting runs now, for tests and metrics. */
  get load(): { running: number; waiting: number } {
    return { running: this.running, waiting: this.waiting };
  }

  private longest(): number {
    let most = 0;
    for (const queue of this.queues.values()) most = Math.max(most, queue.length);
    return most;
  }

  /** Makes room by refusing the newest run of the key that waits most, if it waits more than `than` + 1. */
  private evictFromLongest(than: number): boolean {
    let longest: Waiter[] | undefined;
    let longestKey = "";
    for (const [key, queue] of this.queues) {
      if (!longest || queue.length > longest.length) [longest, longestKey] = [queue, key];
    }
    if (!longest || longest.length <= than + 1) return false;
    const evicted = longest.pop()!;
    if (longest.length === 0) this.queues.delete(longestKey);
    this.waiting--;
    evicted.refuse();
    return true;
  }

  private start<T>(key: string, work: () => Promise<T>): Promise<T> {
    this.running++;
    this.lastTurn.delete(key);
    this.lastTurn.set(key, ++this.turns);
    if (this.lastTurn.size > REMEMBERED_KEYS) this.lastTurn.delete(this.lastTurn.keys().next().value!);
    let result: Promise<T>;
    try {
      result = work();
    } catch (error) {
      result = Promise.reject(error);
    }
    return result.finally(() => {
      this.running--;
      this.next();
    });
  }

  private next(): void {
    let chosen: [string, Waiter[]] | undefined;
    let chosenTurn = Infinity;
    for (const entry of this.queues) {
      const turn = this.lastTurn.get(entry[0]) ?? 0;
      if (turn < chosenTurn) [chosen, chosenTurn] = [entry, turn];
    }
    if (!chosen) return;
    const [key, queue] = chosen;
    const waiter = queue.shift()!;
    if (queue.length === 0) this.queues.delete(key);
    this.waiting--;
    waiter.start();
  }
}

// Next.js bundles route handlers apart from the custom server: one process-wide gate, or the cap doubles.
const SLOT = Symbol.for("streamdesk.hashGate");
type Slot = { [SLOT]?: HashGate };

/** The process's one gate for argon2. */
export function hashGate(): HashGate {
  return ((globalThis as Slot)[SLOT] ??= new HashGate());
}
