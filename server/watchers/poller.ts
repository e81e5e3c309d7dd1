import { sleep } from "../sleep";

/**
 * Runs `poll` once per interval for the life of the process (never once per tab), or at once when
 * `refresh` is called, until `stop`. A failing poll is the poll's own business: it must not throw.
 */
export class Poller {
  readonly #abort = new AbortController();
  #wake: (() => void) | undefined;
  #running: Promise<void> | undefined;

  constructor(
    private readonly intervalMs: number,
    private readonly poll: () => Promise<void>,
    /** Polling pauses while this answers false (say, no tab is connected). */
    private readonly wanted: () => boolean = () => true,
  ) {}

  start(): void {
    this.#running ??= this.#run();
  }

  /** Polls now instead of at the next tick. */
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
      if (this.wanted()) await this.poll();
      await new Promise<void>((resolve) => {
        this.#wake = resolve;
        void sleep(this.intervalMs, signal).then(resolve);
      });
      this.#wake = undefined;
    }
  }
}
