import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { onTestFinished } from "vitest";
import type { ChildAppOptions } from "./app-process";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));
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
 * Starts tests/support/app-process.ts under tsx (not through the tsx CLI's relay, so the pid is the server
 * itself and kill -9 hits it) and waits for its `ready <port>` line. Killed when the test finishes.
 */
export async function startChildApp(options: ChildAppOptions): Promise<ChildApp> {
  const child = spawn(process.execPath, ["--import", "tsx", SCRIPT, JSON.stringify(options)], {
    cwd: ROOT,
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  const exit = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once("exit", (code, signal) => resolve({ code, signal })),
  );
  const gone = () => child.exitCode !== null || child.signalCode !== null;
  onTestFinished(async () => {
    if (!gone()) child.kill("SIGKILL");
    await exit;
  });
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the app process printed no ready line within ${START_LIMIT_MS} ms:\n${stderr}`)), START_LIMIT_MS);
    child.stdout.on("data", (chunk: Buffer) => {
      stdout += chunk.toString();
      const ready = /^ready (\d+)$/m.exec(stdout);
      if (ready) {
        clearTimeout(timer);
        resolve(Number(ready[1]));
      }
    });
    void exit.then(({ code, signal }) => {
      clearTimeout(timer);
      reject(new Error(`the app process exited with ${code ?? signal} before it was ready:\n${stderr}`));
    });
  });
  return {
    port,
    url: `http://127.0.0.1:${port}`,
    pid: child.pid!,
    async kill() {
      if (!gone()) child.kill("SIGKILL");
      await exit;
    },
    async terminate() {
      const began = performance.now();
      child.kill("SIGTERM");
      const { code, signal } = await exit;
      return { code, signal, ms: performance.now() - began };
    },
    stderr: () => stderr,
  };
}
