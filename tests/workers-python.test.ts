import { childEnv } from "@/harness/env";
import { spawn, spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { describe, expect, inject, it, onTestFinished } from "vitest";
import { getGroup } from "@/lib/groups";
import { redisFixture } from "./support/context";

const ROOT = fileURLToPath(new URL("..", import.meta.url));

/** Debian's python3 first: python3-redis installs there, and a pyenv or venv python3 on PATH may lack it. */
function python(): string {
  const found = ["/usr/bin/python3", "python3"].find((bin) => spawnSync(bin, ["-c", "import redis"]).status === 0);
  if (!found) throw new Error("no python3 with redis-py: install it with `apt-get install python3-redis` (.ci/run does)");
  return found;
}

describe("examples/worker.py, the README's Python worker loop", () => {
  it("takes over a dead consumer's entries, then reads and acks new ones, each handled once, and stops on SIGTERM", async () => {
    const { redis, keys } = await redisFixture();
    const sell = (seat: string) => redis.xadd(keys.stream, "*", "name", "Ann", "seat", seat, "movieId", "53", "sessionId", "832");
    const held = [await sell("A1"), await sell("A2")];
    await redis.xgroup("CREATE", keys.stream, "printing", "0");
    // A consumer that read two entries and died before acking them.
    await redis.xreadgroup("GROUP", "printing", "dead-1", "COUNT", 2, "STREAMS", keys.stream, ">");
    const waiting = await sell("A3");

    const child = spawn(python(), ["examples/worker.py"], {
      cwd: ROOT,
      env: childEnv({
        REDIS_URL: inject("redisUrl"),
        TICKETS_STREAM: keys.stream,
        WORKER_CONSUMER: "py-1",
        WORKER_RECLAIM_MS: "200",
        WORKER_CLAIM_IDLE_MS: "1000",
      }),
      stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
    onTestFinished(() => {
      if (child.exitCode === null) child.kill("SIGKILL");
    });
    const live = await sell("A4");

    const printed = () => [...output.matchAll(/^printed (\S+) seat=(\S+)$/gm)].map((m) => `${m[1]} ${m[2]}`);
    const deadline = Date.now() + 15_000;
    const done = async () => {
      const group = await getGroup(redis, keys, "printing");
      return printed().length >= 4 && group.pending === 0 && group.lag === 0;
    };
    while (!(await done())) {
      if (Date.now() > deadline) throw new Error(`the Python worker did not finish:\n${output}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }

    expect(printed().sort()).toEqual([`${held[0]} A1`, `${held[1]} A2`, `${waiting} A3`, `${live} A4`].sort());
    const group = await getGroup(redis, keys, "printing");
    expect(group).toMatchObject({ name: "printing", pending: 0, lag: 0 });
    // The dead consumer's two were claimed, not read again under its name.
    expect(group.consumers.find((c) => c.name === "dead-1")).toMatchObject({ pending: 0 });
    expect(group.consumers.map((c) => c.name).sort()).toEqual(["dead-1", "py-1"]);

    child.kill("SIGTERM");
    expect(await exited).toBe(0);
  });
});
