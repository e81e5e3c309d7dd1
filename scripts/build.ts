import { spawnSync } from "node:child_process";
import { existsSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";

// Anything the production bundle is built from; a change to one of them makes `.next` stale.
const SOURCES = ["app", "components", "lib", "server", "next.config.js", "postcss.config.mjs", "package-lock.json"];

function newestMtime(path: string): number {
  if (!existsSync(path)) return 0;
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  return readdirSync(path).reduce((newest, name) => Math.max(newest, newestMtime(join(path, name))), stat.mtimeMs);
}

/** Why the production build must be made again, or null when it is fresh. */
export function staleBuildReason(root = process.cwd()): string | null {
  const marker = join(root, ".next", "BUILD_ID");
  if (!existsSync(marker)) return "there is no production build";
  const built = statSync(marker).mtimeMs;
  const changed = SOURCES.find((source) => newestMtime(join(root, source)) > built);
  return changed ? `${changed} changed after the last build` : null;
}

/** True when there is no production build, or a source file changed after it was made. */
export function buildIsStale(root = process.cwd()): boolean {
  return staleBuildReason(root) !== null;
}

/** Runs `next build` in `root`, its output on this process's; true when it succeeded. */
export function nextBuild(root = process.cwd()): boolean {
  const result = spawnSync(join(root, "node_modules", ".bin", "next"), ["build"], {
    cwd: root,
    stdio: "inherit",
    env: { ...process.env, NODE_ENV: "production", NEXT_TELEMETRY_DISABLED: "1" },
  });
  return result.status === 0;
}

/** Runs `next build` when the build is missing or stale; exits the process if the build fails. */
export function buildIfStale(root = process.cwd()): void {
  if (!buildIsStale(root)) return;
  process.stdout.write("StreamDesk: building the production bundle (next build)…\n");
  if (!nextBuild(root)) {
    process.stderr.write("StreamDesk cannot start: the production build failed (see above).\n");
    process.exit(1);
  }
}
