import { spawnSync, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { spawnRedisServer } from "@/server/local-redis";

function portFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once("error", () => resolve(false));
    server.listen(port, "127.0.0.1", () => server.close(() => resolve(true)));
  });
}

/** A port whose cluster bus port (port + 10000) is free too. */
async function clusterPort(taken: Set<number>): Promise<number> {
  for (let attempt = 0; attempt < 200; attempt++) {
    const port = 20_000 + Math.floor(Math.random() * 30_000);
    if (taken.has(port) || taken.has(port + 10_000)) continue;
    if ((await portFree(port)) && (await portFree(port + 10_000))) {
      taken.add(port).add(port + 10_000);
      return port;
    }
  }
  throw new Error("no free pair of ports for a cluster node");
}

function clusterInfo(port: number): string {
  return spawnSync("redis-cli", ["-p", String(port), "CLUSTER", "INFO"], { encoding: "utf8" }).stdout;
}

export interface TestCluster {
  nodes: { host: string; port: number }[];
  dispose(): Promise<void>;
}

/**
 * Three masters from `redis-server --cluster-enabled yes`, joined with `redis-cli --cluster create`,
 * as an operator would build one; every slot is served before this resolves.
 */
export async function startRedisCluster(): Promise<TestCluster> {
  const taken = new Set<number>();
  const ports = [await clusterPort(taken), await clusterPort(taken), await clusterPort(taken)];
  const dirs: string[] = [];
  const children: ChildProcess[] = [];
  const dispose = async () => {
    await Promise.all(
      children.map((child) => {
        if (child.exitCode !== null) return;
        const exited = new Promise((resolve) => child.once("exit", resolve));
        child.kill("SIGKILL");
        return exited;
      }),
    );
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  };
  try {
    const started = await Promise.allSettled(
      ports.map((port) => {
        const dir = mkdtempSync(join(tmpdir(), "streamdesk-cluster-"));
        dirs.push(dir);
        const args = ["--cluster-enabled", "yes", "--cluster-config-file", "nodes.conf", "--cluster-node-timeout", "2000"];
        return spawnRedisServer({ port, dir, args, stderr: "ignore" });
      }),
    );
    for (const node of started) if (node.status === "fulfilled") children.push(node.value);
    const failed = started.find((node) => node.status === "rejected");
    if (failed) throw failed.reason;
    const created = spawnSync(
      "redis-cli",
      ["--cluster", "create", ...ports.map((port) => `127.0.0.1:${port}`), "--cluster-replicas", "0", "--cluster-yes"],
      {
        encoding: "utf8",
        timeout: 30_000,
      },
    );
    if (created.status !== 0) throw new Error(`redis-cli --cluster create failed: ${created.stdout}${created.stderr}`);
    const deadline = Date.now() + 15_000;
    while (!ports.every((port) => clusterInfo(port).includes("cluster_state:ok"))) {
      if (Date.now() > deadline) throw new Error("the cluster did not reach cluster_state:ok within 15 s");
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  } catch (error) {
    await dispose();
    throw error;
  }
  return { nodes: ports.map((port) => ({ host: "127.0.0.1", port })), dispose };
}
