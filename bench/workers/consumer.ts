import { loadConfig } from "@/lib/config";
import { streamKeys } from "@/lib/keys";
import { ensureGroup } from "@/lib/consumer";
import { createRedisClient, whenReady, type RedisClient } from "@/lib/redis";
import { log } from "@/server/log";
import type { ConsumerLoop } from "@/workers/loop";
import { createWorker, KINDS } from "@/workers/worker";
import type { ConsumerApi } from "../support/protocol";
import { serve } from "../support/rpc";
import { AckTally } from "./consumer-tally";

/**
 * One of the app's own workers, built by the same `createWorker` as `npm run worker` with the same defaults
 * (batch size, block time, reclaim and claim idle times), so the figures are the product's, not a copy's.
 */
let clients: RedisClient[] = [];
let loop: ConsumerLoop | undefined;
const tally = new AckTally();

const consumer: ConsumerApi = {
  async start({ redisUrl, stream, kind, outDir }) {
    if (kind === "bare") throw new Error("the bare loop is bench/workers/consumer-bare.ts");
    const config = loadConfig({ REDIS_URL: redisUrl, TICKETS_STREAM: stream, WORKER_OUT_DIR: outDir });
    // Warnings only: an info line per claim or start would land in the bench's own output.
    log.setLevel("warn");
    const keys = streamKeys(stream);
    const target = { mode: "single" as const, url: redisUrl };
    const redis = createRedisClient(target, { name: `bench:worker:${kind}` });
    const blocking = createRedisClient(target, { name: `bench:worker:${kind}:read`, blocking: true });
    clients = [redis, blocking];
    await Promise.all([whenReady(redis, 5000), whenReady(blocking, 5000)]);
    // Made here as the worker would, so the group exists before the burst and no entry is missed.
    await ensureGroup(redis, keys, KINDS[kind]);
    loop = createWorker({
      kind,
      config,
      keys,
      consumer: `bench-${process.pid}`,
      redis,
      blocking,
      log,
      onAcked: (ids) => tally.record(ids),
    });
    void loop.run();
  },
  collect: (arg) => tally.collect(arg),
};

serve(consumer, async () => {
  await loop?.stop();
  for (const client of clients) client.disconnect();
});
