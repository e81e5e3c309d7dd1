import { Redis } from "ioredis";
import { Histogram, type Summary } from "../support/histogram";
import { startAppServer } from "../support/app-server";
import { cpuWindow, processTree } from "../support/cpu";
import type { SellerApi, SellerPacedApi, SoakListenersApi } from "../support/protocol";
import { startRedisServer } from "../../harness/redis-server";
import { Worker } from "../support/rpc";
import { signIn } from "../support/session";
import { spread } from "./rig";
import { stopAll } from "./workers";

export interface SoakOptions {
  /** Sales per second asked of the seller. */
  rate: number;
  durationMs: number;
  tabs: number;
  /** When Redis is killed, from the start of the sales. */
  killAtMs: number;
  /** How long Redis stays down before it is started again, as a supervisor restarting a crashed one would. */
  downMs: number;
  /** The seller's cap on requests in flight: beyond it, it falls behind rather than piling up. */
  maxInFlight: number;
}

export interface SoakResult {
  options: SoakOptions;
  /** How Redis was restarted. */
  restart: string;
  listenerProcesses: number;
  attempted: number;
  sold: number;
  /** Sales answered 201 per second over the run, outage included. */
  soldPerS: number;
  statuses: Record<string, number>;
  firstFailure: string | null;
  saleLatency: Summary;
  /** Sales answered 201 that the stream no longer holds after the restart (must be 0). */
  acknowledgedButMissing: number;
  /**
   * Sales in the stream that were not answered 201: written by Redis just before the kill, whose reply
   * never came back, so the seller was told 503. Only sales can be in this stream.
   */
  writtenButNotAcknowledged: number;
  streamEntries: number;
  /** Summed over every tab (each must be 0). */
  lost: number;
  duplicated: number;
  outOfOrder: number;
  unknown: number;
  incompleteTabs: number;
  reconnects: number;
  tabsThatSawDown: number;
  /** Receive time − entry id time, over every entry at every tab. */
  lag: Summary;
  /** From kill -9 until Redis answered PING again. */
  redisDownMs: number;
  /** From kill -9 until the app's GET /api/health answered 200 again. */
  healthDownMs: number | null;
  serverCores: number;
  machineBusyCores: number;
  listenerEluMax: number;
  sellerElu: number;
}

const script = (name: string) => new URL(`../workers/${name}.ts`, import.meta.url);
const STREAM = "soak";
const COLLECT_TIMEOUT_MS = 60_000;

async function newestId(redis: Redis): Promise<string> {
  return (await redis.xrevrange(STREAM, "+", "-", "COUNT", 1))[0]?.[0] ?? "0-0";
}

/** Polls /api/health every 50 ms until it answers 200; resolves with when that was (epoch ms). */
async function healthyAgain(url: string, limitMs: number): Promise<number | null> {
  const deadline = Date.now() + limitMs;
  while (Date.now() < deadline) {
    const ok = await fetch(`${url}/api/health`, { signal: AbortSignal.timeout(1000) }).then(
      (r) => r.status === 200,
      () => false,
    );
    if (ok) return Date.now();
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return null;
}

/**
 * A minute of sales through `POST /api/tickets` at a fixed rate to a server with `tabs` open, with Redis
 * killed (kill -9, append-only file with fsync always) in the middle and started again. Its own Redis and
 * app server, so the other phases' Redis keeps its figures. Every tab's ids are then compared with XRANGE.
 */
export async function soak(options: SoakOptions, progress: (text: string) => void): Promise<SoakResult> {
  const redisServer = await startRedisServer({ appendonly: true, stderr: "inherit" });
  const workers: { stop(): Promise<void> }[] = [];
  let app: Awaited<ReturnType<typeof startAppServer>> | undefined;
  const redis = new Redis(redisServer.url, { connectionName: "bench:soak", maxRetriesPerRequest: 1 });
  redis.on("error", () => {});
  try {
    app = await startAppServer(redisServer.url, STREAM);
    const session = await signIn(app.url, app.adminPassword);
    const seller = await Worker.start<SellerApi & SellerPacedApi>(script("seller"), "soak seller");
    workers.push(seller);
    const listeners = await Promise.all(
      spread(options.tabs).map((_, i) => Worker.start<SoakListenersApi>(script("soak-listeners"), `soak tabs#${i + 1}`)),
    );
    workers.push(...listeners);
    const afterId = await newestId(redis);
    for (const [i, sockets] of spread(options.tabs).entries()) {
      await listeners[i]!.call("connect", { url: app.url, sockets, afterId, headers: session.headers });
    }
    progress(
      `soak: ${options.tabs} tabs open; selling at ${options.rate}/s for ${options.durationMs / 1000} s, Redis killed at ${options.killAtMs / 1000} s`,
    );

    const window = cpuWindow({ server: processTree(app.pid) });
    const sales = seller.call("paced", {
      url: app.url,
      headers: session.headers,
      rate: options.rate,
      durationMs: options.durationMs,
      movieId: 7000,
      maxInFlight: options.maxInFlight,
    });
    await new Promise((resolve) => setTimeout(resolve, options.killAtMs));
    const killedAt = Date.now();
    await redisServer.kill();
    const health = healthyAgain(app.url, 60_000);
    await new Promise((resolve) => setTimeout(resolve, options.downMs));
    await redisServer.start();
    const redisDownMs = Date.now() - killedAt;
    const healthyAt = await health;
    progress(
      `soak: Redis down ${redisDownMs} ms; the app healthy again after ${healthyAt === null ? "never" : `${healthyAt - killedAt} ms`}`,
    );
    const sold = await sales;
    const cpu = window();

    const untilId = await newestId(redis);
    const reports = await Promise.all(
      listeners.map((l) =>
        l.call("collect", { redisUrl: redisServer.url, stream: STREAM, afterId, untilId, timeoutMs: COLLECT_TIMEOUT_MS }),
      ),
    );
    const inStream = new Set<string>();
    for (let from = "-"; ;) {
      const page = await redis.xrange(STREAM, from, "+", "COUNT", 10_000);
      for (const [id] of page) inStream.add(id);
      if (page.length < 10_000) break;
      from = `(${page.at(-1)![0]}`;
    }
    const sum = (key: "lost" | "duplicated" | "outOfOrder" | "unknown" | "incompleteTabs" | "reconnects" | "tabsThatSawDown") =>
      reports.reduce((n, r) => n + r[key], 0);
    return {
      options,
      restart: `kill -9, ${options.downMs / 1000} s down, then started again (appendonly yes, appendfsync always)`,
      listenerProcesses: listeners.length,
      attempted: sold.attempted,
      sold: sold.soldIds.length,
      soldPerS: sold.soldIds.length / (sold.durationMs / 1000),
      statuses: sold.statuses,
      firstFailure: sold.firstFailure,
      saleLatency: Histogram.from([sold.latency]).summary(),
      acknowledgedButMissing: sold.soldIds.filter((id) => !inStream.has(id)).length,
      writtenButNotAcknowledged: inStream.size - sold.soldIds.filter((id) => inStream.has(id)).length,
      streamEntries: inStream.size,
      lost: sum("lost"),
      duplicated: sum("duplicated"),
      outOfOrder: sum("outOfOrder"),
      unknown: sum("unknown"),
      incompleteTabs: sum("incompleteTabs"),
      reconnects: sum("reconnects"),
      tabsThatSawDown: sum("tabsThatSawDown"),
      lag: Histogram.from(reports.map((r) => r.lag)).summary(),
      redisDownMs,
      healthDownMs: healthyAt === null ? null : healthyAt - killedAt,
      serverCores: (cpu.cpuS.server ?? 0) / Math.max(cpu.wallS, 1e-9),
      machineBusyCores: cpu.machineBusyCores,
      listenerEluMax: Math.max(...reports.map((r) => r.load.elu)),
      sellerElu: sold.load.elu,
    };
  } finally {
    await stopAll(workers);
    redis.disconnect();
    await app?.stop();
    await redisServer.stop();
  }
}
