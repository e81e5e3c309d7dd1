import type { TestProject } from "vitest/node";
import { startRedisServer, type RedisServer } from "@/harness/redis-server";

let redis: RedisServer | undefined;

/** One shared redis-server for the run; tests that kill Redis start their own. */
export async function setup(project: TestProject): Promise<void> {
  redis = await startRedisServer();
  project.provide("redisUrl", redis.url);
}

export async function teardown(): Promise<void> {
  await redis?.dispose();
}

declare module "vitest" {
  export interface ProvidedContext {
    redisUrl: string;
  }
}
