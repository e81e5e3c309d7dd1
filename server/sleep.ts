import type { RedisClient } from "@/lib/redis";

/** Waits `ms`, or less when `signal` aborts; never rejects. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal?.removeEventListener("abort", done);
      resolve();
    }
    signal?.addEventListener("abort", done, { once: true });
  });
}

/** Capped exponential backoff with full jitter, so many clients do not retry in step. */
export function backoff(attempt: number, baseMs = 100, capMs = 5000): number {
  const ceiling = Math.min(capMs, baseMs * 2 ** Math.min(attempt, 16));
  return Math.round(ceiling / 2 + Math.random() * (ceiling / 2));
}

/**
 * Waits `ms`, or less when `redis` is connected again or `signal` aborts: after an outage the backoff has
 * grown to seconds, and a restarted Redis should be used the moment the client is back, not a backoff later.
 */
export async function pauseUntilReady(redis: RedisClient, ms: number, signal: AbortSignal): Promise<void> {
  const wake = new AbortController();
  const onWake = () => wake.abort();
  redis.once("ready", onWake);
  signal.addEventListener("abort", onWake, { once: true });
  await sleep(ms, wake.signal);
  redis.off("ready", onWake);
  signal.removeEventListener("abort", onWake);
}
