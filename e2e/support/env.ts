import { runnerEnv } from "../../harness/env";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";

/** The repository root. */
export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..", "..");

/** Variables global-setup sets for the workers (they inherit the runner's environment) and global-teardown. */
export const ENV = {
  redisPort: "STREAMDESK_E2E_REDIS_PORT",
  redisPid: "STREAMDESK_E2E_REDIS_PID",
  redisDir: "STREAMDESK_E2E_REDIS_DIR",
} as const;

/** The port of the run's redis-server, as global-setup left it. */
export function e2eRedisPort(): number {
  const port = Number(runnerEnv(ENV.redisPort));
  if (!Number.isInteger(port) || port <= 0) {
    throw new Error(`${ENV.redisPort} is not set: run the suite with \`npx playwright test\` so e2e/global-setup.ts starts Redis.`);
  }
  return port;
}
