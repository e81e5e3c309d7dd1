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

/**
 * Starts `redis-server` from PATH with its data under `dir` (append-only on) and waits until it answers.
 * @throws RedisServerMissingError when there is no redis-server to start.
 */
export async function startLocalRedis(host: string, port: number, dir: string): Promise<ChildProcess> {
  const dataDir = resolve(dir);
  mkdirSync(dataDir, { recursive: true });
  const child = spawn(
    "redis-server",
    ["--bind", host, "--port", String(port), "--dir", dataDir, "--appendonly", "yes", "--appendfsync", "always", "--save", "", "--protected-mode", "no"],
    { stdio: ["ignore", "ignore", "inherit"] },
  );
  const failed = new Promise<never>((_, reject) => {
    child.once("error", (error: NodeJS.ErrnoException) =>
      reject(
        error.code === "ENOENT"
          ? new RedisServerMissingError(
              `Nothing answers at redis://${host}:${port} and there is no redis-server on PATH: install Redis (for example "apt-get install redis-server" or "brew install redis"), or set REDIS_URL to a running Redis.`,
            )
          : error,
      ),
    );
    child.once("exit", (code) => reject(new Error(`redis-server exited with code ${code} before it answered.`)));
  });
  const deadline = Date.now() + 10_000;
  const ready = (async () => {
    while (Date.now() < deadline) {
      if (await pingRedis(host, port, 200)) return child;
      await new Promise((r) => setTimeout(r, 100));
    }
    child.kill("SIGKILL");
    throw new Error(`redis-server did not answer on port ${port} within 10 s.`);
  })();
  return Promise.race([ready, failed]);
}
