import { Redis } from "ioredis";
import { nowMs } from "../support/entries";
import { Histogram } from "../support/histogram";
import { loadWindow } from "../support/load";
import type { ReferenceApi, ReferenceReport } from "../support/protocol";
import { serve } from "../support/rpc";

/**
 * The floor the app is compared with: a bare XREAD loop and nothing else, no seat index, no
 * Socket.IO. What it cannot beat, no tab can.
 */
let redis: Redis | undefined;
let running: Promise<ReferenceReport> | undefined;

async function readLoop(
  r: Redis,
  { stream, afterId, expected, timeoutMs }: { stream: string; afterId: string; expected: number; timeoutMs: number },
): Promise<ReferenceReport> {
  const load = loadWindow();
  const latency = new Histogram();
  const deadline = Date.now() + timeoutMs;
  let lastId = afterId;
  let received = 0;
  let doneAt: number | null = null;
  while (received < expected && Date.now() < deadline) {
    const reply = await r.xread("COUNT", 1000, "BLOCK", 1000, "STREAMS", stream, lastId);
    const entries = reply?.[0]?.[1];
    if (!entries || entries.length === 0) continue;
    const now = nowMs();
    for (const [, fields] of entries) {
      // Field/value pairs: `t`, when present, is the writer's last field.
      if (fields.at(-2) === "t") latency.record(now - Number(fields.at(-1)));
    }
    received += entries.length;
    lastId = entries.at(-1)![0];
    if (received >= expected) doneAt = now;
  }
  return { received, doneAt, latency: latency.data, load: load() };
}

const reference: ReferenceApi = {
  async arm(arg) {
    redis ??= new Redis(arg.redisUrl, { connectionName: "bench:reference" });
    await redis.ping();
    running = readLoop(redis, arg);
  },
  async collect() {
    if (!running) throw new Error("call arm first");
    return running;
  },
};

serve(reference, async () => {
  redis?.disconnect();
});
