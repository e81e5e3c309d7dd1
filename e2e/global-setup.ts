import { childEnv, setRunnerEnv } from "../harness/env";
import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { ENV, ROOT } from "./support/env";
import { freePort, redisCliArgs, waitFor } from "./support/processes";

// Anything the production bundle is built from; a change to one of them makes `.next` stale.
const SOURCES = ["app", "components", "lib", "server", "next.config.js", "postcss.config.mjs", "package-lock.json"];

function newestMtime(path: string): number {
  if (!existsSync(path)) return 0;
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  return readdirSync(path).reduce((newest, name) => Math.max(newest, newestMtime(join(path, name))), stat.mtimeMs);
}

function staleBuildReason(): string | null {
  const marker = join(ROOT, ".next", "BUILD_ID");
  if (!existsSync(marker)) return "there is no production build";
  const built = statSync(marker).mtimeMs;
  const changed = SOURCES.find((source) => newestMtime(join(ROOT, source)) > built);
  return changed ? `${changed} changed after the last build` : null;
}

function buildIfStale(): void {
  const reason = staleBuildReason();
  if (!reason) return;
  process.stdout.write(`e2e: running next build (${reason})…\n`);
  const result = spawnSync(resolve(ROOT, "node_modules/.bin/next"), ["build"], {
    cwd: ROOT,
    stdio: "inherit",
    env: childEnv({ NODE_ENV: "production", NEXT_TELEMETRY_DISABLED: "1" }),
  });
  if (result.status !== 0) throw new Error("e2e: next build failed (see above); the suite tests the production build only.");
}

/** Starts the run's own redis-server, away from anything on 6379; global-teardown stops it. */
async function startRedis(): Promise<void> {
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), "streamdesk-e2e-redis-"));
  const child = spawn(
    "redis-server",
    ["--save", "", "--appendonly", "no", "--port", String(port), "--bind", "127.0.0.1", "--dir", dir],
    { cwd: dir, stdio: ["ignore", "ignore", "pipe"] },
  );
  let stderr = "";
  child.stderr?.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  const spawned = new Promise<void>((ok, fail) => {
    child.once("spawn", ok);
    child.once("error", (error) => fail(new Error(`e2e: cannot run redis-server (${error.message}); install it (apt-get install redis-server).`)));
  });
  await spawned;
  // If the runner dies without reaching global-teardown, Redis must not outlive it.
  process.once("exit", () => child.kill("SIGKILL"));
  setRunnerEnv({ [ENV.redisPort]: String(port), [ENV.redisPid]: String(child.pid), [ENV.redisDir]: dir });
  await waitFor(
    async () => (await redisCliArgs(port, ["PING"])) === "PONG",
    10_000,
    `e2e: redis-server on port ${port} did not answer PING within 10 s. ${stderr}`,
  );
}

export default async function globalSetup(): Promise<void> {
  buildIfStale();
  await startRedis();
}
