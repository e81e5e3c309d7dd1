import { processAlive } from "../harness/app-process";
import { runnerEnv } from "../harness/env";
import { rmSync } from "node:fs";
import { setTimeout as sleep } from "node:timers/promises";
import { ENV } from "./support/env";

/** Stops the redis-server global-setup started and removes its directory. */
export default async function globalTeardown(): Promise<void> {
  const pid = Number(runnerEnv(ENV.redisPid));
  if (Number.isInteger(pid) && pid > 0 && processAlive(pid)) {
    process.kill(pid, "SIGTERM");
    for (let waited = 0; waited < 5000 && processAlive(pid); waited += 100) await sleep(100);
    if (processAlive(pid)) process.kill(pid, "SIGKILL");
  }
  const dir = runnerEnv(ENV.redisDir);
  if (dir) rmSync(dir, { recursive: true, force: true });
}
