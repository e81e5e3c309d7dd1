import { childEnv } from "@/harness/env";
import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { onTestFinished } from "vitest";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));

export interface WorkerProcess {
  pid: number;
  /** SIGKILL, as a crash would: the entries in hand stay pending. Resolves once it is gone. */
  kill(): Promise<void>;
  /** SIGTERM; resolves with the exit code and how long it took. */
  terminate(): Promise<{ code: number | null; ms: number }>;
  /** Its log lines so far (stdout and stderr), for assertions and failure messages. */
  output(): string;
}

/**
 * Starts `workers/index.ts <kind>` under tsx directly (not through npm, so the pid is the worker itself and
 * kill -9 hits it), with `env` on top of this process's environment. Killed when the test finishes.
 */
export function startWorker(kind: "tickets" | "accounting", env: Record<string, string>): WorkerProcess {
  const child = spawn(process.execPath, ["--import", "tsx", "workers/index.ts", kind], {
    cwd: ROOT,
    env: childEnv(env),
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()));
  const exit = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  const gone = () => child.exitCode !== null || child.signalCode !== null;
  onTestFinished(async () => {
    if (!gone()) child.kill("SIGKILL");
    await exit;
  });
  return {
    pid: child.pid!,
    async kill() {
      if (!gone()) child.kill("SIGKILL");
      await exit;
    },
    async terminate() {
      const began = Date.now();
      if (!gone()) child.kill("SIGTERM");
      const code = await exit;
      return { code, ms: Date.now() - began };
    },
    output: () => output,
  };
}
