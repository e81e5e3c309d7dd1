import { Redis } from "ioredis";
import type { ConsumerApi } from "../support/protocol";
import { serve } from "../support/rpc";
import { AckTally } from "./consumer-tally";

/**
 * The floor the workers are compared with: XREADGROUP then XACK and nothing else, in its own group on the
 * same stream. The batch is the accounting worker's (200), so the difference is the work, not the count.
 */
const GROUP = "bare";
const BATCH = 200;
const BLOCK_MS = 1000;

let redis: Redis | undefined;
let stopping = false;
let running: Promise<void> | undefined;
const tally = new AckTally();

async function loop(r: Redis, stream: string): Promise<void> {
  while (!stopping) {
    const reply = await r.xreadgroup("GROUP", GROUP, "bare-1", "COUNT", BATCH, "BLOCK", BLOCK_MS, "STREAMS", stream, ">");
    const entries = (reply as [string, [string, string[]][]][] | null)?.[0]?.[1] ?? [];
    if (entries.length === 0) continue;
    const ids = entries.map(([id]) => id);
    await r.xack(stream, GROUP, ...ids);
    tally.record(ids);
  }
}

const bare: ConsumerApi = {
  async start({ redisUrl, stream }) {
    redis = new Redis(redisUrl, { connectionName: "bench:bare-consumer" });
    await redis.xgroup("CREATE", stream, GROUP, "0", "MKSTREAM");
    running = loop(redis, stream);
    running.catch(() => {});
  },
  collect: (arg) => tally.collect(arg),
};

serve(bare, async () => {
  stopping = true;
  await running?.catch(() => {});
  redis?.disconnect();
});
