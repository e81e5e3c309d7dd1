import { idMs } from "@/lib/stream-id";
import { nowMs } from "../support/entries";
import { Histogram } from "../support/histogram";
import { loadWindow } from "../support/load";
import type { ConsumerReport } from "../support/protocol";

const POLL_MS = 20;

/** What a consumer process counts as it acks, shared by the app's workers and the bare loop. */
export class AckTally {
  #latency = new Histogram();
  #acked = 0;
  #doneAt: number | null = null;
  #expected = Infinity;

  /** Ids just acked: XADD → ack is now − the id's ms, which Redis stamped from the same machine's clock. */
  record(ids: readonly string[]): void {
    const now = nowMs();
    for (const id of ids) this.#latency.record(now - idMs(id));
    this.#acked += ids.length;
    if (this.#doneAt === null && this.#acked >= this.#expected) this.#doneAt = now;
  }

  async collect({ expected, timeoutMs }: { expected: number; timeoutMs: number }): Promise<ConsumerReport> {
    const load = loadWindow();
    this.#expected = expected;
    const deadline = Date.now() + timeoutMs;
    while (this.#acked < expected && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, POLL_MS));
    return { acked: this.#acked, doneAt: this.#doneAt, latency: this.#latency.data, load: load() };
  }
}
