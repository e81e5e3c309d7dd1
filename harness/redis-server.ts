import type { ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { spawnRedisServer, type RedisServerOptions } from "../server/local-redis";
import { freePort } from "./ports";

export { pingRedis } from "../server/local-redis";

/** A redis-server the test, e2e or bench run started for itself, on a loopback port of its own. */
export interface RedisServer {
  port: number;
  url: string;
  /** Its data directory (a fresh one under the system's temporary directory). */
  dir: string;
  /** The current process's pid (it changes when {@link RedisServer.start} starts it again). */
  readonly pid: number;
  /** SIGKILL, as a crash would; the data survives only through the append-only file. */
  kill(): Promise<void>;
  /** Starts again on the same port and data directory; resolves once it answers PING. */
  start(): Promise<void>;
  /** SIGTERM, as an operator would stop it (SIGKILL after 5 s), then removes the data directory. */
  stop(): Promise<void>;
  /** SIGKILL, at once, then removes the data directory: the quick end of a test's own server. */
  dispose(): Promise<void>;
}

function exited(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => child.once("exit", () => resolve()));
}

/**
 * Starts a real redis-server on a free port with a fresh data directory, and waits until it answers PING.
 * `appendonly` turns on the append-only file with an fsync after every write (what StreamDesk's own Redis
 * runs with), for tests that kill -9 it and start it again.
 */
export async function startRedisServer(options: Pick<RedisServerOptions, "appendonly" | "args" | "stderr"> = {}): Promise<RedisServer> {
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), "streamdesk-redis-"));
  const spawn = () => spawnRedisServer({ port, dir, stderr: "ignore", ...options });
  let child = await spawn();
  const kill = async () => {
    child.kill("SIGKILL");
    await exited(child);
  };
  return {
    port,
    url: `redis://127.0.0.1:${port}`,
    dir,
    get pid() {
      return child.pid ?? -1;
    },
    kill,
    async start() {
      child = await spawn();
    },
    async stop() {
      const timer = setTimeout(() => child.kill("SIGKILL"), 5000);
      child.kill("SIGTERM");
      await exited(child);
      clearTimeout(timer);
      rmSync(dir, { recursive: true, force: true });
    },
    async dispose() {
      await kill();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
