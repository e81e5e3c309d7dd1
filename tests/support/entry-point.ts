import { childEnv } from "@/harness/env";
import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { onTestFinished } from "vitest";
import { TEST_SECRET } from "./session";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));
// Next.js in development mode compiles on start and on each route's first request; two busy cores are slow.
const START_LIMIT_MS = 60_000;

export interface EntryPoint {
  port: number;
  url: string;
  /** Sends SIGTERM; resolves with how the process ended and how long it took. */
  terminate(): Promise<{ code: number | null; signal: NodeJS.Signals | null; ms: number }>;
  /** Everything it printed (stdout and stderr): its JSON log lines. */
  output(): string;
}

/**
 * Starts the real `server/index.ts` (Next.js in development mode, so no build is needed) under tsx
 * directly, so the pid is the server and SIGTERM reaches its own shutdown. Listens on a free port, on
 * `redisUrl` and `stream`, with the tests' session secret, so cookies from `signedIn` work. Killed when
 * the test finishes.
 */
export async function startEntryPoint(redisUrl: string, stream: string, env: Record<string, string> = {}): Promise<EntryPoint> {
  const child = spawn(process.execPath, ["--import", "tsx", "server/index.ts"], {
    cwd: ROOT,
    env: {
      ...childEnv(),
      NODE_ENV: "development",
      NEXT_TELEMETRY_DISABLED: "1",
      PORT: "0",
      HOST: "127.0.0.1",
      REDIS_URL: redisUrl,
      TICKETS_STREAM: stream,
      STREAMDESK_SECRET: TEST_SECRET,
      STREAMDESK_ADMIN_PASSWORD: "entry-point-admin",
      LOG_LEVEL: "info",
      ...env,
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()));
  const exit = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once("exit", (code, signal) => resolve({ code, signal })),
  );
  const gone = () => child.exitCode !== null || child.signalCode !== null;
  onTestFinished(async () => {
    if (!gone()) child.kill("SIGKILL");
    await exit;
  });
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server/index.ts did not listen within ${START_LIMIT_MS} ms:\n${output}`)), START_LIMIT_MS);
    const check = () => {
      const listening = /StreamDesk listening on http:\/\/127\.0\.0\.1:(\d+)/.exec(output);
      if (!listening) return;
      clearTimeout(timer);
      resolve(Number(listening[1]));
    };
    child.stdout.on("data", check);
    void exit.then(({ code, signal }) => {
      clearTimeout(timer);
      reject(new Error(`server/index.ts exited with ${code ?? signal} before it listened:\n${output}`));
    });
  });
  return {
    port,
    url: `http://127.0.0.1:${port}`,
    async terminate() {
      const began = performance.now();
      child.kill("SIGTERM");
      const ended = await exit;
      return { ...ended, ms: performance.now() - began };
    },
    output: () => output,
  };
}
