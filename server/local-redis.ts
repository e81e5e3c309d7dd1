import { spawn, type ChildProcess } from "node:child_process";
import { mkdirSync } from "node:fs";
import { createConnection } from "node:net";
import { resolve } from "node:path";

/** True when something at host:port answers a Redis PING. */
export function pingRedis(host: string, port: number, timeoutMs = 1000): Promise<boolean> {
  return new Promise((done) => {
    const socket = createConnection({ host, port });
    const finish = (ok: boolean) => {
      socket.destroy();
      done(ok);
    };
    socket.setTimeout(timeoutMs, () => finish(false));
    socket.once("error", () => finish(false));
    socket.once("connect", () => socket.write("PING\r\n"));
    // +PONG, or -NOAUTH from a Redis that wants a password: either way Redis is there.
    socket.once("data", (data) => finish(/^[+-]/.test(data.toString())));
  });
}

export class RedisServerMissingError extends Error {
  override name = "RedisServerMissingError";
}

export interface RedisServerOptions {
  host?: string;
  port: number;
  /** Its working directory, where the append-only file goes; created if missing. */
  dir: string;
  /** The append-only file, with an fsync after every write, so acknowledged writes survive kill -9. */
  appendonly?: boolean;
  /** More redis-server arguments, after the rest. */
  args?: string[];
  /** Where its stderr goes; "pipe" leaves it on the child for the caller to read. */
  stderr?: "inherit" | "ignore" | "pipe";
}

/**
 * Starts `redis-server` from PATH (no RDB snapshots) and resolves once it answers PING. The one spawner
 * of redis-server: the app's own below, and the test, e2e and bench harness (harness/redis-server.ts).
 * @throws the spawn error (code ENOENT: no redis-server on PATH), or when it exits or stays silent for 10 s.
 */
export async function spawnRedisServer(options: RedisServerOptions): Promise<ChildProcess> {
  const { host = "127.0.0.1", port, appendonly = false } = options;
  const dir = resolve(options.dir);
  mkdirSync(dir, { recursive: true });
  const child = spawn(
    "redis-server",
    [
      "--bind",
      host,
      "--port",
      String(port),
      "--dir",
      dir,
      "--save",
      "",
      "--appendonly",
      appendonly ? "yes" : "no",
      "--appendfsync",
      "always",
      ...(options.args ?? []),
    ],
    { stdio: ["ignore", "ignore", options.stderr ?? "inherit"] },
  );
  const failed = new Promise<never>((_, reject) => {
    child.once("error", reject);
    child.once("exit", (code) => reject(new Error(`redis-server exited with code ${code} before it answered.`)));
  });
  const deadline = Date.now() + 10_000;
  const ready = (async () => {
    while (Date.now() < deadline) {
      if (await pingRedis(host, port, 200)) return child;
      if (child.exitCode !== null || child.signalCode !== null) return failed;
      await new Promise((r) => setTimeout(r, 50));
    }
    child.kill("SIGKILL");
    throw new Error(`redis-server did not answer on port ${port} within 10 s.`);
  })();
  return Promise.race([ready, failed]);
}

/**
 * Starts `redis-server` from PATH with its data under `dir` (append-only on) and waits until it answers.
 * @throws RedisServerMissingError when there is no redis-server to start.
 */
export async function startLocalRedis(host: string, port: number, dir: string): Promise<ChildProcess> {
  return spawnRedisServer({ host, port, dir, appendonly: true, args: ["--protected-mode", "no"] }).catch((error: NodeJS.ErrnoException) => {
    if (error.code !== "ENOENT") throw error;
    throw new RedisServerMissingError(
      `Nothing answers at redis://${host}:${port} and there is no redis-server on PATH: install Redis (for example "apt-get install redis-server" or "brew install redis"), or set REDIS_URL to a running Redis.`,
    );
  });
}
