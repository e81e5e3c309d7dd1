import { spawn } from "node:child_process";
import { createConnection, createServer } from "node:net";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

/** A loopback port nobody listens on right now. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

function ping(port: number): Promise<boolean> {
  return new Promise((done) => {
    const socket = createConnection({ host: "127.0.0.1", port });
    const finish = (ok: boolean) => {
      socket.destroy();
      done(ok);
    };
    socket.setTimeout(300, () => finish(false));
    socket.once("error", () => finish(false));
    socket.once("connect", () => socket.write("PING\r\n"));
    socket.once("data", (data) => finish(data.toString().startsWith("+PONG")));
  });
}

export interface BenchRedis {
  url: string;
  pid: number;
  stop(): Promise<void>;
}

export interface RestartableRedis extends BenchRedis {
  /** kill -9, as a crash would: only what the append-only file holds survives. */
  kill(): Promise<void>;
  /** Starts again on the same port and data directory; resolves once it answers PING. */
  start(): Promise<void>;
}

/** Spawns redis-server with `args` and resolves once it answers PING on `port`. */
async function spawnRedis(port: number, args: string[]) {
  const child = spawn("redis-server", ["--port", String(port), "--bind", "127.0.0.1", ...args], { stdio: ["ignore", "ignore", "inherit"] });
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const failed = new Promise<never>((_, reject) => {
    child.once("error", (error) => reject(new Error(`cannot run redis-server: ${error.message}`)));
    void exited.then(() => reject(new Error(`redis-server exited (code ${child.exitCode}) before it answered`)));
  });
  failed.catch(() => {});
  const deadline = Date.now() + 10_000;
  while (!(await Promise.race([ping(port), failed]))) {
    if (Date.now() > deadline) {
      child.kill("SIGKILL");
      throw new Error("redis-server did not answer within 10 s");
    }
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return {
    child,
    exited,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill("SIGTERM");
      const timer = setTimeout(() => child.kill("SIGKILL"), 5000);
      await exited;
      clearTimeout(timer);
    },
  };
}

/** A throwaway redis-server for this run alone: loopback, free port, no persistence. */
export async function startRedis(): Promise<BenchRedis> {
  const port = await freePort();
  const server = await spawnRedis(port, ["--save", "", "--appendonly", "no", "--dir", tmpdir()]);
  return { url: `redis://127.0.0.1:${port}`, pid: server.child.pid ?? -1, stop: server.stop };
}

/**
 * A redis-server that may be killed and started again: append-only file on with `appendfsync always`,
 * so every write Redis acknowledged is on disk before the reply (what StreamDesk's own Redis runs with).
 */
export async function startRestartableRedis(): Promise<RestartableRedis> {
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), "streamdesk-bench-redis-"));
  const args = ["--save", "", "--appendonly", "yes", "--appendfsync", "always", "--dir", dir];
  let server = await spawnRedis(port, args);
  return {
    url: `redis://127.0.0.1:${port}`,
    get pid() {
      return server.child.pid ?? -1;
    },
    async kill() {
      server.child.kill("SIGKILL");
      await server.exited;
    },
    async start() {
      server = await spawnRedis(port, args);
    },
    async stop() {
      await server.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
