import type { CpuWindow } from "../support/cpu";
import { Histogram, type Summary } from "../support/histogram";
import type { ListenersApi, PacedSalesReport } from "../support/protocol";
import type { Worker } from "../support/rpc";
import { cores, lastId, measure, saturation, SATURATED_ELU, serverNotes, serverWindow, type Rig, type Saturation } from "./rig";
import { startListeners, startSeller, startWriter, stopAll } from "./workers";

export interface FeedSalesOptions {
  /** Entries a second in both steps: XADDs by the writer, then sales through the API. */
  rate: number;
  durationMs: number;
  /** Tabs, the probe included. */
  clients: number;
  /** The seller's cap on requests in flight. */
  maxInFlight: number;
}

/** One step: the same tabs, `rate` entries a second for the duration. */
export interface FeedStep {
  entries: number;
  entriesPerS: number;
  complete: boolean;
  minReceived: number;
  /** XADD (the time in the entry's id, whole ms) → arrival at the probe, ms. */
  probeLag: Summary;
  /** The same over every entry at every tab. */
  lag: Summary;
  entriesPerBatch: number;
  clientElus: number[];
  probeElu: number;
  serverElu: number;
  serverCores: number;
  machineBusyCores: number;
  outOfOrder: number;
  disconnects: number;
  saturation: Saturation;
  cpu: CpuWindow;
}

export interface FeedSalesResult {
  options: FeedSalesOptions;
  clientProcesses: number;
  /** A writer XADDs at the rate; nothing is sold. */
  idle: FeedStep;
  /** The seller sells at the rate through `POST /api/tickets`; nothing else writes. */
  selling: FeedStep & {
    attempted: number;
    sold: number;
    soldPerS: number;
    statuses: Record<string, number>;
    firstFailure: string | null;
    /** Request round trip at the seller, ms. */
    saleLatency: Summary;
    sellerElu: number;
    /** Server CPU over the step ÷ sales: the sale and its fan-out to every tab. */
    serverCpuUsPerSale: number;
  };
  /** selling.probeLag.p99 ÷ idle.probeLag.p99. */
  p99Ratio: number;
}

/** The target: p99 at the probe while selling, absolute and against the idle p99 of the same run. */
export const FEED_SALES_TARGET = { p99Ms: 50, ratio: 2 };

/** Unmeasured sales first, as in the sales phase: a warm server, not route compilation and JIT. */
const WARM_UP = { concurrency: 10, maxRequests: 500, durationMs: 10_000 };
const DRAIN_MS = 30_000;

async function step(
  rig: Rig,
  tabs: { load: Worker<ListenersApi>[]; probe: Worker<ListenersApi> },
  label: string,
  pids: Record<string, number[]>,
  timeoutMs: number,
  work: () => Promise<{ written: number; durationMs: number }>,
): Promise<{ step: FeedStep; serverCpuS: number }> {
  const all = [...tabs.load, tabs.probe];
  // Sales carry no `t`: both steps time entries by their id, so the two p99s are measured alike.
  await Promise.all(all.map((l) => l.call("arm", { expected: Infinity, clock: "id" })));
  const closeServer = await serverWindow(rig, label);
  const window = measure(rig, { clients: tabs.load.map((l) => l.pid), probe: [tabs.probe.pid], ...pids });
  const collected = Promise.all(all.map((l) => l.call("collect", { timeoutMs })));
  const { written, durationMs } = await work();
  const reports = await collected;
  const m = window();
  const server = await closeServer();

  const load = reports.slice(0, tabs.load.length);
  const probe = reports.at(-1)!;
  const received = reports.flatMap((r) => r.received);
  const delivered = received.reduce((a, b) => a + b, 0);
  const batches = reports.reduce((n, r) => n + r.batches, 0);
  const sat = saturation(
    load.map((r, i) => ({ name: `clients#${i + 1}`, load: r.load })),
    m.cpu,
  );
  if (probe.load.elu >= SATURATED_ELU) sat.notes.push(`probe ELU ${probe.load.elu.toFixed(2)}`);
  serverNotes(sat, server);
  return {
    step: {
      entries: written,
      entriesPerS: written / (durationMs / 1000),
      complete: received.every((n) => n >= written),
      minReceived: Math.min(...received),
      probeLag: Histogram.from([probe.latency]).summary(),
      lag: Histogram.from(reports.map((r) => r.latency)).summary(),
      entriesPerBatch: batches > 0 ? delivered / batches : NaN,
      clientElus: load.map((r) => r.load.elu),
      probeElu: probe.load.elu,
      serverElu: server.elu,
      serverCores: cores(m, "server"),
      machineBusyCores: m.cpu.machineBusyCores,
      outOfOrder: reports.reduce((n, r) => n + r.outOfOrder, 0),
      disconnects: reports.reduce((n, r) => n + r.disconnects, 0),
      saturation: sat,
      cpu: m.cpu,
    },
    serverCpuS: m.cpu.cpuS.server ?? 0,
  };
}

/**
 * The feed while the same server sells: 100 tabs (99 at low priority in 4 processes, the probe alone),
 * first with a writer XADDing at `rate` (the idle figure), then, on the same tabs, with a seller sending
 * `POST /api/tickets` at `rate`, open loop. The probe's lag in the second step against the first is what
 * the sales cost the feed.
 */
export async function feedSales(rig: Rig, options: FeedSalesOptions): Promise<FeedSalesResult> {
  const { rate, durationMs, clients, maxInFlight } = options;
  const [writer, seller] = await Promise.all([startWriter(), startSeller()]);
  const workers: { stop(): Promise<void> }[] = [writer, seller];
  try {
    await seller.call("run", { url: rig.appUrl, headers: rig.session.headers, movieId: rig.nextMovieId(), ...WARM_UP });
    await writer.call("connect", { redisUrl: rig.redisUrl, stream: rig.stream });
    const tabs = await startListeners(rig, { clients, mode: "full", probe: true }, await lastId(rig));
    workers.push(...tabs.load, ...(tabs.probe ? [tabs.probe] : []));
    if (!tabs.probe) throw new Error("no probe");
    const withProbe = { load: tabs.load, probe: tabs.probe };

    const timeoutMs = durationMs + DRAIN_MS;
    const idle = await step(rig, withProbe, "feedsales-idle", { writer: [writer.pid] }, timeoutMs, async () => {
      const write = await writer.call("paced", { rate, durationMs, movieId: rig.nextMovieId() });
      await Promise.all(withProbe.load.concat(withProbe.probe).map((l) => l.call("expect", { expected: write.written })));
      return { written: write.written, durationMs: write.finishedAt - write.startedAt };
    });

    let sales: PacedSalesReport | undefined;
    const selling = await step(rig, withProbe, "feedsales-selling", { seller: [seller.pid] }, timeoutMs, async () => {
      const from = await lastId(rig);
      sales = await seller.call("paced", {
        url: rig.appUrl,
        headers: rig.session.headers,
        rate,
        durationMs,
        movieId: rig.nextMovieId(),
        maxInFlight,
      });
      // What the tabs must get is what the stream holds: a 503 may still have been written.
      const written = (await rig.redis.xrange(rig.stream, `(${from}`, "+")).length;
      await Promise.all(withProbe.load.concat(withProbe.probe).map((l) => l.call("expect", { expected: written })));
      return { written, durationMs: sales.durationMs };
    });
    if (!sales) throw new Error("the seller did not report");
    const sold = sales.soldIds.length;
    if (sales.load.elu >= SATURATED_ELU) selling.step.saturation.notes.push(`seller ELU ${sales.load.elu.toFixed(2)}`);
    return {
      options,
      clientProcesses: tabs.load.length + 1,
      idle: idle.step,
      selling: {
        ...selling.step,
        attempted: sales.attempted,
        sold,
        soldPerS: sold / (sales.durationMs / 1000),
        statuses: sales.statuses,
        firstFailure: sales.firstFailure,
        saleLatency: Histogram.from([sales.latency]).summary(),
        sellerElu: sales.load.elu,
        serverCpuUsPerSale: sold > 0 ? (selling.serverCpuS * 1e6) / sold : NaN,
      },
      p99Ratio: selling.step.probeLag.p99 / idle.step.probeLag.p99,
    };
  } finally {
    await stopAll(workers);
  }
}
