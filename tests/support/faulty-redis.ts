import { onTestFinished } from "vitest";
import { startRedisServer, type RedisServer } from "@/harness/redis-server";

/**
 * A redis-server of the test's own, append-only file on (fsync always), that the test may kill -9 and
 * start again; removed when the test finishes, whether it was up or down at that moment.
 */
export async function startFaultyRedis(): Promise<RedisServer & { readonly up: boolean }> {
  const server = await startRedisServer({ appendonly: true });
  let up = true;
  onTestFinished(async () => {
    // dispose() kills first, and waiting for a process that is already gone would never end.
    if (!up) await server.start().catch(() => {});
    await server.dispose();
  });
  return {
    ...server,
    get up() {
      return up;
    },
    async kill() {
      await server.kill();
      up = false;
    },
    async start() {
      await server.start();
      up = true;
    },
  };
}
