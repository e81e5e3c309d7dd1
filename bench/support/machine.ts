import type { Redis } from "ioredis";
import { cpus, totalmem } from "node:os";

export interface Machine {
  cpuModel: string;
  cores: number;
  memoryGiB: number;
  node: string;
  redis: string;
  date: string;
}

export async function describeMachine(redis: Redis): Promise<Machine> {
  const info = await redis.info("server");
  return {
    cpuModel: cpus()[0]?.model.trim() ?? "unknown",
    cores: cpus().length,
    memoryGiB: Math.round((totalmem() / 2 ** 30) * 10) / 10,
    node: process.version,
    redis: /^redis_version:(\S+)/m.exec(info)?.[1] ?? "unknown",
    date: new Date().toISOString(),
  };
}
