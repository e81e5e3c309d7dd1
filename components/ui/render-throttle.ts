"use client";

/**
 * The pace of a list or board that follows the feed: a quiet page shows each entry in the next frame, a
 * busy one (thousands a second, far more than anyone reads) renders at most every MIN_RENDER_MS, and after
 * a render that brought more entries than a screen holds (FLOOD_ENTRIES: every row or count on screen was
 * replaced and nobody could read them) the next waits FLOOD_RENDER_MS, which halves again what a flood
 * costs the page. The desk's feed and the board both use it.
 */
const MIN_RENDER_MS = 100;
const FLOOD_RENDER_MS = 250;
const FLOOD_ENTRIES = 50;

/** A {@link RenderThrottle} pace from how many entries the last render brought (see MIN_RENDER_MS). */
export function floodPace(lastRendered: () => number): () => number {
  return () => (lastRendered() > FLOOD_ENTRIES ? FLOOD_RENDER_MS : MIN_RENDER_MS);
}

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
