"use client";

/**
 * Runs `render` in an animation frame, at most once every `minMs`: a quiet feed renders in the next frame,
 * a busy one a few times a second, however many batches arrive in between. `minMs` may be a function, read
 * at each request, for a pace that follows the load.
 */
export class RenderThrottle {
  #frame: number | null = null;
  #timer: ReturnType<typeof setTimeout> | null = null;
  #last = -Infinity;

  constructor(
    private readonly minMs: number | (() => number),
    private readonly render: () => void,
  ) {}

  /** Asks for a render; does nothing when one is already on its way. */
  schedule(): void {
    if (this.#frame !== null || this.#timer !== null) return;
    const minMs = typeof this.minMs === "function" ? this.minMs() : this.minMs;
    const wait = this.#last + minMs - performance.now();
    if (wait <= 0) {
      this.#frame = requestAnimationFrame(this.#run);
      return;
    }
    this.#timer = setTimeout(() => {
      this.#timer = null;
      this.#frame = requestAnimationFrame(this.#run);
    }, wait);
  }

  /** Drops a render that was asked for and has not run yet. */
  cancel(): void {
    if (this.#frame !== null) cancelAnimationFrame(this.#frame);
    if (this.#timer !== null) clearTimeout(this.#timer);
    this.#frame = null;
    this.#timer = null;
  }

  readonly #run = (): void => {
    this.#frame = null;
    this.#last = performance.now();
    this.render();
  };
}
