import { setRunnerEnv } from "../harness/env";
import { startRedisServer } from "../harness/redis-server";
import { nextBuild, staleBuildReason } from "../scripts/build";
import { ENV, ROOT } from "./support/env";

function buildIfStale(): void {
  const reason = staleBuildReason(ROOT);
  if (!reason) return;
  process.stdout.write(`e2e: running next build (${reason})…\n`);
  if (!nextBuild(ROOT)) throw new Error("e2e: next build failed (see above); the suite tests the production build only.");
}

/** Starts the run's own redis-server, away from anything on 6379; global-teardown stops it. */
async function startRedis(): Promise<void> {
  const redis = await startRedisServer({ stderr: "inherit" }).catch((error: NodeJS.ErrnoException) => {
    throw error.code === "ENOENT"
      ? new Error(`e2e: cannot run redis-server (${error.message}); install it (apt-get install redis-server).`)
      : error;
  });
  // If the runner dies without reaching global-teardown, Redis must not outlive it.
  process.once("exit", () => void redis.kill());
  setRunnerEnv({ [ENV.redisPort]: String(redis.port), [ENV.redisPid]: String(redis.pid), [ENV.redisDir]: redis.dir });
}

export default async function globalSetup(): Promise<void> {
  buildIfStale();
  await startRedis();
}
