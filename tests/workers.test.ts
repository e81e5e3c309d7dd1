import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readdirSync, rmSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, inject, it, onTestFinished } from "vitest";
import { entryDay, readAccounting, recordAccounting } from "@/lib/accounting";
import { groupSummaries } from "@/lib/groups";
import type { StreamKeys } from "@/lib/keys";
import { createRedisClient, whenReady, type RedisClient } from "@/lib/redis";
import { toEntries, type RawEntry } from "@/lib/entries";
import { redisFixture } from "./support/context";
import { startRedisServer } from "@/harness/redis-server";
import { startWorker, type WorkerProcess } from "./support/worker-process";
import { partPath } from "@/workers/parts";
import { ConsumerLoop, type Handler } from "@/workers/loop";
import type { Log } from "@/server/log";

async function entries(redis: RedisClient, keys: StreamKeys) {
  return toEntries((await redis.xrange(keys.stream, "-", "+")) as RawEntry[]);
}

function outDir(): string {
  const dir = mkdtempSync(join(tmpdir(), "streamdesk-tickets-"));
  onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

async function until(what: string, check: () => Promise<boolean>, timeoutMs: number, describe: () => string = () => ""): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}\n${describe()}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

describe("accounting script", () => {
  it("counts each entry once however often it is delivered, and a refund takes off the sale's price", async () => {
    const { redis, keys } = await redisFixture();
    const sale1 = await redis.xadd(keys.stream, "*", "name", "Ann", "seat", "A1", "movieId", "53", "sessionId", "901", "price", "850");
    await redis.xadd(keys.stream, "*", "name", "Bob", "seat", "A2", "movieId", "53", "sessionId", "901", "price", "850");
    await redis.xadd(keys.stream, "*", "name", "Cy", "seat", "B1", "movieId", "7", "sessionId", "902");
    await redis.xadd(keys.stream, "*", "junk", "1");
    await redis.xadd(
      keys.stream,
      "*",
      "type",
      "refund",
      "refundOf",
      sale1!,
      "name",
      "Ann",
      "seat",
      "A1",
      "movieId",
      "53",
      "sessionId",
      "901",
    );
    const all = await entries(redis, keys);

    expect(await recordAccounting(redis, keys, all.slice(0, 3))).toBe(3);
    // Redelivered after a crash before XACK, overlapping the next batch: only the new ones count.
    expect(await recordAccounting(redis, keys, all)).toBe(1);
    expect(await recordAccounting(redis, keys, all)).toBe(0);

    const day = entryDay(sale1!);
    const figures = await readAccounting(redis, keys, [day]);
    const bySession = Object.fromEntries(figures.screenings.map((s) => [s.sessionId, s]));
    expect(bySession["901"]).toMatchObject({ movieId: "53", seats: 1, takings: 850, sales: 2, refunds: 1 });
    expect(bySession["902"]).toMatchObject({ movieId: "7", seats: 1, takings: 0, sales: 1, refunds: 0 });
    expect(figures.days).toEqual([{ day, seats: 2, takings: 850, sales: 3, refunds: 1 }]);
  });
});

describe("accounting's counted ids", () => {
  it("are forgotten once the stream no longer holds their entries, and nothing that can still come again is counted twice", async () => {
    const { redis, keys } = await redisFixture();
    for (const n of [1, 2, 3, 4, 5, 6])
      await redis.xadd(
        keys.stream,
        `${n}000-0`,
        "name",
        `Guest ${n}`,
        "seat",
        `A${n}`,
        "movieId",
        "53",
        "sessionId",
        "901",
        "price",
        "100",
      );
    const all = await entries(redis, keys);
    expect(await recordAccounting(redis, keys, all.slice(0, 4))).toBe(4);
    // Retention drops the two oldest; the rest can still come again (pending re-read, claim, group made again from 0).
    await redis.xtrim(keys.stream, "MINID", "3000");
    expect(await recordAccounting(redis, keys, all.slice(2))).toBe(2);
    expect(await redis.zrange(keys.accountingSeen, "0", "-1")).toEqual(["3000-0", "4000-0", "5000-0", "6000-0"]);
    expect(await recordAccounting(redis, keys, all.slice(2))).toBe(0);
    const { screenings } = await readAccounting(redis, keys);
    expect(screenings).toEqual([{ movieId: "53", sessionId: "901", seats: 6, takings: 600, sales: 6, refunds: 0 }]);
  });
});

describe("workers", () => {
  it("10,000 entries, three tickets and three accounting consumers, one of each killed -9 twice: one ticket and one count per entry, none pending, poison dead-lettered", async () => {
    const { redis, keys } = await redisFixture();
    const dir = outDir();
    const TOTAL = 10_000;
    // Poison first, with ids we know: one with nothing to print, one whose ticket can never be written
    // (a directory stands where its file must go), which fails on every delivery until dead-lettered.
    await redis.xadd(keys.stream, "1-0", "junk", "1");
    await redis.xadd(keys.stream, "2-0", "name", "Stuck", "seat", "A1", "movieId", "1", "sessionId", "1");
    mkdirSync(join(dir, "2-0.html"));
    writeFileSync(join(dir, "2-0.html", "keep"), "");
    const env = {
      REDIS_URL: inject("redisUrl"),
      TICKETS_STREAM: keys.stream,
      WORKER_OUT_DIR: dir,
      WORKER_RECLAIM_MS: "500",
      WORKER_CLAIM_IDLE_MS: "3000",
      DEAD_LETTER_DELIVERIES: "3",
      LOG_LEVEL: "info",
    };
    const workers: Record<"tickets" | "accounting", WorkerProcess[]> = {
      tickets: [0, 1, 2].map(() => startWorker("tickets", env)),
      accounting: [0, 1, 2].map(() => startWorker("accounting", env)),
    };

    // Written while the workers run, so the kills land mid-stream with batches in hand.
    const saleIds: string[] = [];
    const writing = (async () => {
      for (let n = 0; n < TOTAL; n += 250) {
        const pipeline = redis.pipeline();
        for (let i = n; i < n + 250; i++) {
          pipeline.xadd(
            keys.stream,
            "*",
            "name",
            `Guest ${i}`,
            "seat",
            `${String.fromCharCode(65 + (i % 10))}${(i % 20) + 1}`,
            "movieId",
            "53",
            "sessionId",
            String(900 + (i % 7)),
            "price",
            "1000",
          );
        }
        for (const [error, id] of (await pipeline.exec()) ?? []) {
          if (error) throw error;
          saleIds.push(id as string);
        }
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    })();

    const printed = () => redis.hlen(keys.ticketsPrinted);
    const counted = () => redis.zcard(keys.accountingSeen);
    for (const round of [1, 2]) {
      await until(`round ${round} progress`, async () => (await printed()) >= round * 1500 && (await counted()) >= round * 1500, 60_000);
      for (const kind of ["tickets", "accounting"] as const) {
        await workers[kind][0]!.kill();
        workers[kind][0] = startWorker(kind, env);
      }
    }
    await writing;

    const groupsDone = async () => {
      const groups = await groupSummaries(redis, keys);
      return groups.length === 2 && groups.every((g) => g.pending === 0 && g.lag === 0);
    };
    const state = () =>
      Object.values(workers)
        .flat()
        .map((w) => w.output())
        .join("\n")
        .slice(-4000);
    await until("both groups to drain", groupsDone, 120_000, state);

    const files = readdirSync(dir);
    // A worker killed mid-write leaves a part file; the one started in its place clears it.
    expect(files.filter((f) => f.endsWith(".part"))).toEqual([]);
    const pdfs = files
      .filter((f) => f.endsWith(".pdf"))
      .map((f) => f.slice(0, -4))
      .sort();
    const htmls = files
      .filter((f) => f.endsWith(".html") && f !== "2-0.html")
      .map((f) => f.slice(0, -5))
      .sort();
    const expected = [...saleIds].sort();
    expect(pdfs).toEqual(expected);
    expect(htmls).toEqual(expected);
    expect(await printed()).toBe(TOTAL);

    const { screenings } = await readAccounting(redis, keys);
    expect(screenings.reduce((sum, s) => sum + s.sales, 0)).toBe(TOTAL + 1);
    expect(screenings.reduce((sum, s) => sum + s.takings, 0)).toBe(TOTAL * 1000);
    expect(await counted()).toBe(TOTAL + 1);

    const dead = toEntries((await redis.xrange(keys.dead, "-", "+")) as RawEntry[]);
    const deadFor = (id: string) => dead.filter((d) => d.fields.originalId === id);
    expect(deadFor("1-0")).toHaveLength(1);
    expect(deadFor("1-0")[0]!.fields).toMatchObject({ group: "printing", junk: "1", reason: expect.stringMatching(/nothing to print/) });
    expect(deadFor("2-0")).toHaveLength(1);
    expect(deadFor("2-0")[0]!.fields).toMatchObject({ group: "printing", deliveries: "3", name: "Stuck" });
    expect(dead).toHaveLength(2);

    // The kills left batches in hand that the survivors took over after the idle time.
    expect(
      workers.tickets
        .slice(1)
        .map((w) => w.output())
        .join(""),
    ).toMatch(/claimed entries left idle by another consumer/);

    const stops = await Promise.all(
      Object.values(workers)
        .flat()
        .map((w) => w.terminate()),
    );
    for (const stop of stops) expect(stop).toMatchObject({ code: 0 });
  }, 240_000);
});

describe("worker loop", () => {
  it("when asked to stop, finishes the batch in hand and acks it first", async () => {
    const { redis, keys } = await redisFixture();
    const blocking = createRedisClient({ mode: "single", url: inject("redisUrl") }, { name: "test:blocking", blocking: true });
    onTestFinished(() => blocking.disconnect());
    await whenReady(blocking, 5000);
    for (const seat of ["A1", "A2", "A3"])
      await redis.xadd(keys.stream, "*", "name", "Ann", "seat", seat, "movieId", "53", "sessionId", "1");
    let inHand!: () => void;
    const started = new Promise<void>((resolve) => (inHand = resolve));
    let finish!: () => void;
    const gate = new Promise<void>((resolve) => (finish = resolve));
    const handled: string[] = [];
    const handler: Handler = {
      async handle(entries) {
        inHand();
        await gate;
        handled.push(...entries.map((e) => e.id));
        return { failed: [], poison: [] };
      },
    };
    const quiet: Log = { debug: () => {}, info: () => {}, warn: () => {}, error: () => {} };
    const loop = new ConsumerLoop({
      redis,
      blocking,
      keys,
      group: "printing",
      consumer: "c1",
      handler,
      log: quiet,
      batch: 10,
      blockMs: 100,
      reclaimMs: 60_000,
      claimIdleMs: 60_000,
      deadLetterDeliveries: 5,
    });
    void loop.run();
    await started;
    let stopped = false;
    const stopping = loop.stop().then(() => (stopped = true));
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(stopped).toBe(false);
    finish();
    await stopping;
    expect(handled).toHaveLength(3);
    expect(loop.acked).toBe(3);
    const [group] = await groupSummaries(redis, keys);
    expect(group).toMatchObject({ name: "printing", pending: 0, lag: 0 });
  });
});

describe("tickets worker at start", () => {
  it("clears part files left by a worker killed mid-write, and leaves tickets and writes that may be in progress", async () => {
    const { keys } = await redisFixture();
    const dir = outDir();
    const gone = spawnSync(process.execPath, ["-e", ""]).pid;
    const twoMinutesAgo = new Date(Date.now() - 120_000);
    const file = (name: string, old = false) => {
      writeFileSync(join(dir, name), "x");
      if (old) utimesSync(join(dir, name), twoMinutesAgo, twoMinutesAgo);
    };
    file("1-0.pdf", true);
    file(partPath("2-0.pdf", gone));
    // This test process is alive: its part could be a write in progress.
    file(partPath("3-0.pdf"));
    // Another machine sharing the directory: only age tells.
    file("4-0.html.other-host-1.part");
    file("5-0.html.other-host-1.part", true);
    file("6-0.pdf.99.part", true);
    const before = readdirSync(dir).sort();
    const worker = startWorker("tickets", {
      REDIS_URL: inject("redisUrl"),
      TICKETS_STREAM: keys.stream,
      WORKER_OUT_DIR: dir,
      LOG_LEVEL: "info",
    });
    await until("the sweep", async () => /cleared what an earlier run left half-done/.test(worker.output()), 20_000, worker.output);
    expect(before).toHaveLength(6);
    expect(readdirSync(dir).sort()).toEqual(["1-0.pdf", "4-0.html.other-host-1.part", partPath("3-0.pdf")].sort());
    expect(worker.output()).toMatch(/"count":3/);
    expect((await worker.terminate()).code).toBe(0);
  });
});

describe("workers when Redis goes away", () => {
  it("log it, retry with backoff, and carry on from the pending list: every entry printed and counted once", async () => {
    const server = await startRedisServer({ appendonly: true });
    onTestFinished(() => server.dispose());
    const { redis, keys } = await redisFixture(server.url);
    const dir = outDir();
    const env = {
      REDIS_URL: server.url,
      TICKETS_STREAM: keys.stream,
      WORKER_OUT_DIR: dir,
      WORKER_RECLAIM_MS: "500",
      WORKER_CLAIM_IDLE_MS: "3000",
      LOG_LEVEL: "info",
    };
    const workers = [startWorker("tickets", env), startWorker("accounting", env)];
    const write = async (from: number, n: number) => {
      for (let i = from; i < from + n; i += 50) {
        const pipeline = redis.pipeline();
        for (let j = i; j < i + 50; j++)
          pipeline.xadd(keys.stream, "*", "name", `Guest ${j}`, "seat", "A1", "movieId", "53", "sessionId", String(j + 1), "price", "700");
        // While Redis is away the batch fails; the stream, read back at the end, is the record.
        await pipeline.exec().catch(() => {});
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    };
    await write(0, 1000);
    await until("the workers to be busy", async () => (await redis.hlen(keys.ticketsPrinted)) > 100, 30_000);
    await server.kill();
    await new Promise((resolve) => setTimeout(resolve, 1500));
    await server.start();
    await whenReady(redis, 10_000);
    await write(1000, 1000);

    const drained = async () => {
      const groups = await groupSummaries(redis, keys).catch(() => []);
      return groups.length === 2 && groups.every((g) => g.pending === 0 && g.lag === 0);
    };
    await until("both groups to drain after the outage", drained, 90_000, () =>
      workers
        .map((w) => w.output())
        .join("\n")
        .slice(-3000),
    );

    const ids = (await entries(redis, keys)).map((e) => e.id).sort();
    expect(ids).toHaveLength(2000);
    expect(
      readdirSync(dir)
        .filter((f) => f.endsWith(".pdf"))
        .map((f) => f.slice(0, -4))
        .sort(),
    ).toEqual(ids);
    expect(await redis.hlen(keys.ticketsPrinted)).toBe(ids.length);
    const { screenings } = await readAccounting(redis, keys);
    expect(screenings.reduce((sum, s) => sum + s.sales, 0)).toBe(ids.length);
    expect(screenings.reduce((sum, s) => sum + s.takings, 0)).toBe(ids.length * 700);
    for (const worker of workers) {
      expect(worker.output()).toMatch(/Redis is unavailable; retrying with backoff/);
      expect(worker.output()).toMatch(/Redis answers again; carrying on from the pending list/);
    }
  }, 120_000);
});
