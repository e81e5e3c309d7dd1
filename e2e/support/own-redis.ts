import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { exited, freePort, redisCliArgs, waitFor } from "./processes";

/** A redis-server for one test alone, which it may kill -9 and start again (the run's shared one must stay up). */
export interface OwnRedis {
  port: number;
  /** SIGKILL, as a crash would; acknowledged writes survive through the append-only file. */
  kill(): Promise<void>;
  /** Starts again on the same port and data directory. */
  start(): Promise<void>;
  /** Stops it and removes its data. */
  dispose(): Promise<void>;
}

/** Starts redis-server on a free port with the append-only file on and fsync after every write. */
export async function startOwnRedis(): Promise<OwnRedis> {
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), "streamdesk-e2e-own-redis-"));
  const args = ["--port", String(port), "--bind", "127.0.0.1", "--dir", dir, "--save", "", "--appendonly", "yes", "--appendfsync", "always"];
  let child: ChildProcess | undefined;
  const start = async () => {
    child = spawn("redis-server", args, { stdio: "ignore" });
    await waitFor(async () => (await redisCliArgs(port, ["PING"])) === "PONG", 10_000, `redis-server on port ${port} did not answer PING within 10 s`);
  };
  const kill = async () => {
    if (!child) return;
    child.kill("SIGKILL");
    await exited(child, 5000);
  };
  await start();
  return {
    port,
    kill,
    start,
    async dispose() {
      await kill();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
