import { childEnv } from "../../harness/env";
import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync } from "node:fs";
import { resolve } from "node:path";
import { buildIsStale } from "@/scripts/build";
import { processTree } from "./cpu";
import { freePort } from "../../harness/ports";
import { ask, type EluSample } from "./server-probe";

export interface AppServer {
  url: string;
  /** The node process running the server. */
  pid: number;
  startupMs: number;
  /** The operator password the server was started with, for the supervisor `admin`. */
  adminPassword: string;
  /** Warnings and errors the server printed (LOG_LEVEL=warn), last 50 lines. */
  stderrTail(): string[];
  /** Null while it runs; how it ended once it has. */
  exit(): string | null;
  /** The server's cumulative event-loop idle and active time, from inside it (server-probe-hook.ts). */
  elu(): Promise<EluSample>;
  /** Starts the V8 profiler in the server; the returned call stops it and writes a `.cpuprofile` to `file`. */
  profile(): Promise<(file: string) => Promise<void>>;
  stop(): Promise<void>;
}

const ROOT = resolve(import.meta.dirname, "../..");
const HOOK = resolve(import.meta.dirname, "server-probe-hook.ts");
const STARTUP_LIMIT_MS = 90_000;
const STOP_GRACE_MS = 8000;

/**
 * Builds the production bundle when there is none or it is older than the sources (the rule `npm start`
 * uses): benchmarking stale code gives figures for code that no longer exists.
 * @returns whether it built, and whether what it will benchmark is older than the sources.
 */
export async function ensureBuild(): Promise<{ built: boolean; stale: boolean }> {
  const missing = !existsSync(resolve(ROOT, ".next/BUILD_ID"));
  if (!missing && !buildIsStale(ROOT)) return { built: false, stale: false };
  process.stderr.write(`bench: ${missing ? "no .next/BUILD_ID" : "the build is older than the sources"}, running \`npx next build\` first\n`);
  const child = spawn("npx", ["next", "build"], {
    cwd: ROOT,
    stdio: ["ignore", "inherit", "inherit"],
    env: childEnv({ NEXT_TELEMETRY_DISABLED: "1" }),
  });
  const code = await new Promise<number | null>((done) => child.once("exit", done));
  if (code !== 0) throw new Error(`next build failed with code ${code}`);
  return { built: true, stale: false };
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Starts StreamDesk in production mode against `redisUrl` and waits for /api/health to answer 200. */
export async function startAppServer(redisUrl: string, stream: string): Promise<AppServer> {
  const port = await freePort();
  const adminPassword = `bench-${randomBytes(9).toString("base64url")}`;
  const env: NodeJS.ProcessEnv = {
    ...childEnv(),
    NODE_ENV: "production",
    NEXT_TELEMETRY_DISABLED: "1",
    HOST: "127.0.0.1",
    PORT: String(port),
    REDIS_URL: redisUrl,
    TICKETS_STREAM: stream,
    LOG_LEVEL: "warn",
    STREAMDESK_ADMIN_PASSWORD: adminPassword,
    STREAMDESK_SECRET: randomBytes(24).toString("base64url"),
  };
  delete env.REDIS_CLUSTER_NODES;
  const started = performance.now();
  // Not detached: a session of its own would be a scheduler autogroup of its own on Linux, and the
  // niced client processes (see phases/workers.ts) would then compete with it as equals.
  // `node --import tsx`, as `npm start` runs it: one process, which the probe hook can answer for.
  const child = spawn(process.execPath, ["--import", "tsx", "--import", HOOK, "server/index.ts"], {
    cwd: ROOT,
    env,
    stdio: ["ignore", "ignore", "pipe"],
  });
  const pid = child.pid ?? -1;
  const tail: string[] = [];
  let partial = "";
  child.stderr?.setEncoding("utf8").on("data", (chunk: string) => {
    const lines = (partial + chunk).split("\n");
    partial = lines.pop() ?? "";
    tail.push(...lines.filter(Boolean));
    tail.splice(0, Math.max(0, tail.length - 50));
  });
  let exit: string | null = null;
  const exited = new Promise<void>((done) =>
    child.once("exit", (code, signal) => {
      exit = signal ? `killed by ${signal}` : `exited with code ${code}`;
      done();
    }),
  );

  // SIGTERM makes the server shut down cleanly; whatever of its tree is still there after the grace
  // period is killed by its pid.
  const stop = async () => {
    const tree = processTree(pid).filter((p) => p !== pid);
    const alive = () => exit === null || tree.some(isAlive);
    if (exit === null) child.kill("SIGTERM");
    const deadline = Date.now() + STOP_GRACE_MS;
    while (alive() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    if (exit === null) child.kill("SIGKILL");
    for (const p of tree.filter(isAlive)) process.kill(p, "SIGKILL");
    await exited;
  };

  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + STARTUP_LIMIT_MS;
  for (;;) {
    if (child.exitCode !== null) {
      throw new Error(`the server exited with code ${child.exitCode} while starting:\n${tail.join("\n")}`);
    }
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`the server did not answer /api/health within ${STARTUP_LIMIT_MS / 1000} s`);
    }
    const ok = await fetch(`${url}/api/health`, { signal: AbortSignal.timeout(1000) }).then(
      (response) => response.status === 200,
      () => false,
    );
    if (ok) break;
    await new Promise((r) => setTimeout(r, 200));
  }
  return {
    url,
    pid,
    startupMs: performance.now() - started,
    adminPassword,
    stderrTail: () => [...tail],
    exit: () => exit,
    elu: async () => {
      const reply = await ask(pid, { op: "elu" });
      if (!reply.ok || !reply.elu) throw new Error(`the server's probe: ${reply.ok ? "no ELU" : reply.error}`);
      return reply.elu;
    },
    profile: async () => {
      const started = await ask(pid, { op: "profile-start" });
      if (!started.ok) throw new Error(`the server's probe: ${started.error}`);
      return async (file) => {
        const stopped = await ask(pid, { op: "profile-stop", file });
        if (!stopped.ok) throw new Error(`the server's probe: ${stopped.error}`);
      };
    },
    stop,
  };
}
