import { launchNode } from "@/harness/app-process";
import { childEnv } from "@/harness/env";
import { fileURLToPath } from "node:url";
import { onTestFinished } from "vitest";
import type { ChildAppOptions } from "./app-process";

const SCRIPT = fileURLToPath(new URL("./app-process.ts", import.meta.url));
const START_LIMIT_MS = 20_000;

export interface ChildApp {
  port: number;
  url: string;
  pid: number;
  /** SIGKILL, as a crash or an OOM kill would: no shutdown code runs. Resolves once it is gone. */
  kill(): Promise<void>;
  /** Sends SIGTERM; resolves with the exit code and how long the process took to exit. */
  terminate(): Promise<{ code: number | null; signal: NodeJS.Signals | null; ms: number }>;
  /** What it printed on stderr, for failure messages. */
  stderr(): string;
}

/**
 * Starts tests/support/app-process.ts under node with tsx as a loader (so the pid is the server itself
 * and kill -9 hits it) and waits for its `ready <port>` line. Killed when the test finishes.
 */
export async function startChildApp(options: ChildAppOptions): Promise<ChildApp> {
  const server = launchNode([SCRIPT, JSON.stringify(options)], { env: childEnv() });
  onTestFinished(() => server.kill());
  const ready = await server.waitFor(/^ready (\d+)$/m, START_LIMIT_MS);
  const port = Number(ready[1]);
  return {
    port,
    url: `http://127.0.0.1:${port}`,
    pid: server.pid,
    kill: server.kill,
    terminate: () => server.stop("SIGTERM"),
    stderr: server.stderr,
  };
}
