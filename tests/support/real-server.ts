/**
 * The real StreamDesk process (`server/index.ts` with Next.js and the production build), as `npm start`
 * and the Dockerfile run it, for tests whose promise is about the process itself: what it prints, how it
 * stops, what the first start does.
 */
import { childEnv } from "@/harness/env";
import { spawn } from "node:child_process";
import { launchNode, type NodeProcess } from "@/harness/app-process";
import { mkdirSync, rmdirSync, statSync } from "node:fs";
import { randomUUID } from "node:crypto";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { onTestFinished } from "vitest";
import { buildIsStale } from "@/scripts/build";
import { freePort } from "@/harness/ports";

export const ROOT = fileURLToPath(new URL("../..", import.meta.url));
const START_LIMIT_MS = 30_000;
/** How long a `next build` may take on a loaded two-core machine. */
export const BUILD_LIMIT_MS = 300_000;
const LOCK = join(ROOT, ".data", "test-build.lock");

/** Settings the caller's shell may hold that would point the server elsewhere or change what it prints. */
const INHERITED = [
  "REDIS_URL",
  "REDIS_CLUSTER_NODES",
  "TICKETS_STREAM",
  "STREAMDESK_ADMIN_PASSWORD",
  "STREAMDESK_SECRET",
  "METRICS_TOKEN",
  "LOG_LEVEL",
  "PORT",
  "HOST",
  "TRUST_PROXY",
  "TICKETS_RETENTION",
];

/** The environment of a child StreamDesk process: the caller's, minus anything that would redirect it. */
export function serverEnv(overrides: Record<string, string | undefined>): NodeJS.ProcessEnv {
  const env = childEnv({ NODE_ENV: "production", NEXT_TELEMETRY_DISABLED: "1" });
  for (const name of INHERITED) delete env[name];
  for (const [name, value] of Object.entries(overrides)) {
    if (value === undefined) delete env[name];
    else env[name] = value;
  }
  return env;
}

/**
 * Runs `next build` when `.next` is missing or older than a source file, once for all test files at a time
 * (a lock directory; another file waits for it). The e2e run after the unit tests then finds it fresh.
 */
export async function ensureFreshBuild(): Promise<void> {
  mkdirSync(join(ROOT, ".data"), { recursive: true });
  const deadline = Date.now() + BUILD_LIMIT_MS;
  for (;;) {
    if (!buildIsStale(ROOT)) return;
    try {
      mkdirSync(LOCK);
    } catch {
      // Someone else builds; a lock left by a killed run is older than any build.
      if (Date.now() - statSync(LOCK, { throwIfNoEntry: false })!.mtimeMs > BUILD_LIMIT_MS) rmdirSync(LOCK);
      if (Date.now() > deadline) throw new Error("waited too long for another test file's next build");
      await new Promise((resolve) => setTimeout(resolve, 1000));
      continue;
    }
    try {
      if (!buildIsStale(ROOT)) return;
      const child = spawn(join(ROOT, "node_modules", ".bin", "next"), ["build"], {
        cwd: ROOT,
        env: serverEnv({}),
        stdio: ["ignore", "pipe", "pipe"],
      });
      let output = "";
      child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()));
      child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()));
      const code = await new Promise<number | null>((resolve) => child.once("exit", resolve));
      if (code !== 0) throw new Error(`next build failed:\n${output}`);
      return;
    } finally {
      rmdirSync(LOCK);
    }
  }
}

export type { Exit } from "@/harness/app-process";

export interface Running extends Omit<NodeProcess, "waitFor"> {
  /** Resolves once stdout holds text matching `pattern`; rejects if the process exits first or after `ms`. */
  waitFor(pattern: RegExp, ms?: number): Promise<string>;
}

/** Spawns `args` under node (tsx as a loader) in its own process group; killed with its group when the test ends. */
export function runNode(args: string[], options: { env: NodeJS.ProcessEnv; cwd?: string; command?: string[] }): Running {
  const running = launchNode(args, { ...options, detached: true });
  // The whole group, even after the process itself exited: anything it started and left behind goes too.
  onTestFinished(() => running.kill());
  return { ...running, waitFor: async (pattern, ms = START_LIMIT_MS) => (await running.waitFor(pattern, ms))[0] };
}

export interface RealServer extends Running {
  url: string;
  stream: string;
}

/**
 * Starts `server/index.ts` on a free port against `redisUrl`, with a stream of its own unless `stream` is
 * given, and waits for its "listening" line. Build first with {@link ensureFreshBuild}.
 */
export async function startRealServer(
  redisUrl: string,
  options: { stream?: string; env?: Record<string, string | undefined> } = {},
): Promise<RealServer> {
  const port = await freePort();
  const stream = options.stream ?? `test:${randomUUID().slice(0, 8)}`;
  const running = runNode(["server/index.ts"], {
    env: serverEnv({
      PORT: String(port),
      HOST: "127.0.0.1",
      REDIS_URL: redisUrl,
      TICKETS_STREAM: stream,
      STREAMDESK_SECRET: "real-server-secret-0123456789",
      ...options.env,
    }),
  });
  await running.waitFor(/StreamDesk listening on/);
  return { ...running, url: `http://127.0.0.1:${port}`, stream };
}

/** Signs in through `POST /api/session`; returns the Cookie header to send. */
export async function signInTo(
  url: string,
  username: string,
  password: string,
): Promise<{ status: number; cookie: string; mustChange: boolean }> {
  const response = await fetch(`${url}/api/session`, {
    method: "POST",
    headers: { "content-type": "application/json", origin: url },
    body: JSON.stringify({ username, password }),
  });
  return {
    status: response.status,
    cookie: response.headers.get("set-cookie")?.split(";")[0] ?? "",
    mustChange: response.headers.get("x-streamdesk-must-change-password") === "1",
  };
}
