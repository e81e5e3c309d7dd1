import { Redis } from "ioredis";
import { nowMs, ticketFields } from "../support/entries";
import { loadWindow } from "../support/load";
import type { WriteReport, WriterApi } from "../support/protocol";
import { serve } from "../support/rpc";

/** Entries per pipeline in a burst, and how many pipelines may be in flight at once. */
const CHUNK = 1000;
const IN_FLIGHT = 4;
/** At most this many entries per tick of a paced run, so a stalled tick cannot turn into a burst. */
const MAX_PER_TICK = 2000;

let redis: Redis | undefined;
let stream = "";

function client(): Redis {
  if (!redis) throw new Error("call connect first");
  return redis;
}

const writer: WriterApi = {
  async connect(arg) {
    // Auto-pipelining sends every XADD queued in one tick as one write, as a busy box office would.
    redis = new Redis(arg.redisUrl, { enableAutoPipelining: true, connectionName: "bench:writer" });
    stream = arg.stream;
    await redis.ping();
  },

  async burst({ count, movieId }) {
    const r = client();
    const load = loadWindow();
    let errors = 0;
    const inFlight: Promise<void>[] = [];
    const startedAt = nowMs();
    for (let first = 0; first < count; first += CHUNK) {
      const pipeline = r.pipeline();
      for (let i = first; i < Math.min(count, first + CHUNK); i++) pipeline.xadd(stream, "*", ...ticketFields(i, movieId));
      inFlight.push(
        pipeline.exec().then((replies) => {
          for (const [error] of replies ?? []) if (error) errors++;
        }),
      );
      if (inFlight.length >= IN_FLIGHT) await inFlight.shift();
    }
    await Promise.all(inFlight);
    return { written: count - errors, errors, startedAt, finishedAt: nowMs(), load: load() } satisfies WriteReport;
  },

  async paced({ rate, durationMs, movieId }) {
    const r = client();
    const load = loadWindow();
    const total = Math.round((rate * durationMs) / 1000);
    let sent = 0;
    let errors = 0;
    const acks: Promise<unknown>[] = [];
    const startedAt = nowMs();
    const start = performance.now();
    while (sent < total) {
      const due = Math.min(total, Math.floor(((performance.now() - start) * rate) / 1000));
      const upTo = Math.min(due, sent + MAX_PER_TICK);
      for (; sent < upTo; sent++) {
        // Stamped as late as possible: the time the entry leaves for Redis, not the time it was due.
        const fields = ticketFields(sent, movieId);
        fields.push("t", String(nowMs()));
        acks.push(r.xadd(stream, "*", ...fields).catch(() => errors++));
      }
      if (acks.length > 10_000) await Promise.all(acks.splice(0));
      await new Promise((resolve) => setTimeout(resolve, 1));
    }
    await Promise.all(acks);
    return { written: total - errors, errors, startedAt, finishedAt: nowMs(), load: load() } satisfies WriteReport;
  },
};

serve(writer, async () => {
  redis?.disconnect();
});
