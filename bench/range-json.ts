/**
 * What reading a stream costs the server and Redis, per entry: a plain XRANGE reply decoded by ioredis,
 * against RANGE_JSON (the same XRANGE, returned as one JSON string, read with JSON.parse), which the feed
 * loop uses after a read of many entries. Starts its own redis-server, appends 50,000 entries as the bench's
 * writer does, reads them all in pages of 1,000 each way, three times in turn, and prints this
 * process's CPU (the reader's, as the server's would be) and Redis's own time per entry (INFO commandstats).
 *
 *   npx tsx bench/range-json.ts
 */
import { streamKeys } from "@/lib/keys";
import { createRedisClient, whenReady } from "@/lib/redis";
import { readAfterAsJson } from "@/lib/tickets";
import type { RawEntry } from "@/lib/entries";
import { startRedisServer } from "@/harness/redis-server";
import { nowMs, ticketFields } from "./support/entries";

const ENTRIES = 50_000;
const PAGE = 1000;
const ROUNDS = 3;

async function main(): Promise<void> {
  const server = await startRedisServer();
  const redis = createRedisClient({ mode: "single", url: server.url }, { name: "bench:range-json" });
  try {
    await whenReady(redis, 5000);
    const keys = streamKeys("bench");
    for (let start = 0; start < ENTRIES; start += PAGE) {
      const pipeline = redis.pipeline();
      for (let i = start; i < start + PAGE; i++) pipeline.xadd(keys.stream, "*", ...ticketFields(i, 1), "t", String(nowMs()));
      await pipeline.exec();
    }
    const ways: Record<string, (after: string) => Promise<RawEntry[]>> = {
      XRANGE: async (after) => (await redis.xrange(keys.stream, `(${after}`, "+", "COUNT", PAGE)) as RawEntry[],
      RANGE_JSON: (after) => readAfterAsJson(redis, keys, after, PAGE),
    };
    console.log(`| read | entries | reader CPU µs/entry | Redis µs/entry |\n| --- | --: | --: | --: |`);
    for (let round = 0; round < ROUNDS; round++) {
      for (const [name, read] of Object.entries(ways)) {
        await redis.config("RESETSTAT");
        const began = process.cpuUsage();
        let after = "0-0";
        let count = 0;
        for (;;) {
          const page = await read(after);
          if (page.length === 0) break;
          count += page.length;
          after = page.at(-1)![0];
        }
        const cpu = process.cpuUsage(began);
        const stats = await redis.info("commandstats");
        // Redis's own time for the commands clients sent: XRANGE alone, or the script (whose XRANGE it includes).
        const sent = name === "XRANGE" ? ["xrange"] : ["evalsha", "eval"];
        let usec = 0;
        for (const command of sent) usec += Number(new RegExp(`^cmdstat_${command}:calls=\\d+,usec=(\\d+)`, "m").exec(stats)?.[1] ?? 0);
        console.log(
          `| ${name} | ${count.toLocaleString("en")} | ${((cpu.user + cpu.system) / count).toFixed(1)} | ${(usec / count).toFixed(1)} |`,
        );
      }
    }
  } finally {
    redis.disconnect();
    await server.dispose();
  }
}

void main();
