import { randomUUID } from "node:crypto";
import { inject, onTestFinished } from "vitest";
import { streamKeys, type StreamKeys } from "@/lib/keys";
import { createRedisClient, whenReady, type RedisClient } from "@/lib/redis";

/** A stream name no other test uses. */
export function uniqueStream(): string {
  return `test:${randomUUID().slice(0, 8)}`;
}

/** A ready client to the run's shared test Redis and a fresh key set; both cleaned up after the test. */
export async function redisFixture(url = inject("redisUrl")): Promise<{ redis: RedisClient; keys: StreamKeys }> {
  const redis = createRedisClient({ mode: "single", url }, { name: "test" });
  await whenReady(redis, 5000);
  const keys = streamKeys(uniqueStream());
  onTestFinished(() => redis.disconnect());
  return { redis, keys };
}
