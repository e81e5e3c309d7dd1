import type { RedisClient } from "@/lib/redis";

/**
 * Appends entries in small pipelined bursts until stopped, carrying on through Redis outages (failed
 * writes are simply retried later: the stream, not this writer, is the record of what was written).
 */
export function startWriter(redis: RedisClient, stream: string, options: { perTick?: number; total?: number } = {}) {
  const perTick = options.perTick ?? 20;
  let written = 0;
  let stopped = false;
  const done = (async () => {
    let n = 0;
    while (!stopped && (options.total === undefined || written < options.total)) {
      const pipeline = redis.pipeline();
      for (let i = 0; i < perTick; i++) {
        n++;
        pipeline.xadd(stream, "*", "name", `Guest ${n}`, "seat", `A${(n % 20) + 1}`, "movieId", "1", "sessionId", String(n));
      }
      try {
        const replies = (await pipeline.exec()) ?? [];
        written += replies.filter(([error]) => !error).length;
      } catch {
        // Redis is away; the next tick tries again.
      }
      await new Promise((resolve) => setTimeout(resolve, 2));
    }
  })();
  return {
    get written() {
      return written;
    },
    async stop() {
      stopped = true;
      await done;
    },
    done,
  };
}

/** Polls `check` until it returns true or `timeoutMs` passes. */
export async function until(check: () => boolean | Promise<boolean>, timeoutMs = 15_000, what = "condition"): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
