import { childEnv } from "../../harness/env";
import { randomBytes } from "node:crypto";
import { existsSync } from "node:fs";
import { resolve } from "node:path";
import { buildIsStale, nextBuild } from "@/scripts/build";
import { launchNode, processAlive, waitForHealth } from "../../harness/app-process";
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
  process.stderr.write(`bench: ${missing ? "no .next/BUILD_ID" : "the build is older than the sources"}, running \`next build\` first\n`);
  if (!nextBuild(ROOT)) throw new Error("next build failed (see above)");
  return { built: true, stale: false };
}

/** Starts StreamDesk in production mode against `redisUrl` and waits for /api/health to answer 200. */
export async function startAppServer(redisUrl: string, stream: string): Promise<AppServer> {
  const port = await freePort();
  const adminPassword = `bench-${randomBytes(9).toString("base64url")}`;
  const started = performance.now();
  // Not detached: a session of its own would be a scheduler autogroup of its own on Linux, and the
  // niced client processes (see phases/workers.ts) would then compete with it as equals.
  // The probe hook answers for the server from inside its one process.
  const server = launchNode(["server/index.ts"], {
    imports: [HOOK],
    env: childEnv({
      NODE_ENV: "production",
      NEXT_TELEMETRY_DISABLED: "1",
      HOST: "127.0.0.1",
      PORT: String(port),
      REDIS_URL: redisUrl,
      REDIS_CLUSTER_NODES: undefined,
      TICKETS_STREAM: stream,
      LOG_LEVEL: "warn",
      STREAMDESK_ADMIN_PASSWORD: adminPassword,
      STREAMDESK_SECRET: randomBytes(24).toString("base64url"),
    }),
  });
  const { pid } = server;
  const tail = () => server.stderr().split("\n").filter(Boolean).slice(-50);
  let exit: string | null = null;
  void server.exited.then(({ code, signal }) => (exit = signal ? `killed by ${signal}` : `exited with code ${code}`));

  // SIGTERM makes the server shut down cleanly; whatever of its tree is still there after the grace
  // period is killed by its pid.
  const stop = async () => {
    const tree = processTree(pid).filter((p) => p !== pid);
    const alive = () => server.running() || tree.some(processAlive);
    if (server.running()) server.child.kill("SIGTERM");
    const deadline = Date.now() + STOP_GRACE_MS;
    while (alive() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    if (server.running()) server.child.kill("SIGKILL");
    for (const p of tree.filter(processAlive)) process.kill(p, "SIGKILL");
    await server.exited;
  };

  const url = `http://127.0.0.1:${port}`;
  try {
    await waitForHealth(url, STARTUP_LIMIT_MS, () =>
      server.running() ? null : `the server exited with code ${server.child.exitCode} while starting:\n${tail().join("\n")}`,
    );
  } catch (error) {
    await stop();
    throw error;
  }
  return {
    url,
    pid,
    startupMs: performance.now() - started,
    adminPassword,
    stderrTail: tail,
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
