import type { CpuWindow } from "../support/cpu";
import { Histogram, type Summary } from "../support/histogram";
import { cores, measure, saturation, serverNotes, serverWindow, type Rig, type Saturation } from "./rig";
import { startSeller } from "./workers";

export interface SalesResult {
  concurrency: number;
  /** Seats per request: 1 is a single ticket, 4 a family's sale (one request, four entries). */
  seatsPerSale: number;
  requests: number;
  durationS: number;
  requestsPerS: number;
  /** Request round trip at the client, ms. */
  latency: Summary;
  statuses: Record<string, number>;
  non201: number;
  firstFailure: string | null;
  serverCores: number;
  serverCpuUsPerRequest: number;
  redisCores: number;
  sellerElu: number;
  /** The server's main event loop over the window (from inside it). Absent before issue 12. */
  serverElu?: number;
  machineBusyCores: number;
  saturation: Saturation;
  /** The raw CPU window: seconds per process group, machine, interrupts, steal. */
  cpu: CpuWindow;
}

/** Unmeasured requests first, so the table shows a warm server rather than route compilation and JIT. */
const WARM_UP = { concurrency: 10, maxRequests: 500, durationMs: 10_000 };

/** POST /api/tickets from one process holding `concurrency` requests in flight, every seat distinct; `seatsPerSale` seats per request. */
export async function sales(
  rig: Rig,
  {
    concurrency,
    maxRequests,
    durationMs,
    seatsPerSale = 1,
  }: { concurrency: number; maxRequests: number; durationMs: number; seatsPerSale?: number },
): Promise<SalesResult> {
  const seller = await startSeller();
  try {
    await seller.call("run", { url: rig.appUrl, headers: rig.session.headers, movieId: rig.nextMovieId(), seatsPerSale, ...WARM_UP });
    const closeServer = await serverWindow(rig, `sales-${seatsPerSale}`);
    const window = measure(rig, { seller: [seller.pid] });
    const report = await seller.call("run", {
      url: rig.appUrl,
      headers: rig.session.headers,
      concurrency,
      maxRequests,
      durationMs,
      movieId: rig.nextMovieId(),
      seatsPerSale,
    });
    const m = window();
    const server = await closeServer();
    const sat = saturation([{ name: "seller", load: report.load }], m.cpu);
    serverNotes(sat, server);
    const non201 = Object.entries(report.statuses).reduce((n, [status, count]) => n + (status === "201" ? 0 : count), 0);
    return {
      concurrency,
      seatsPerSale,
      requests: report.requests,
      durationS: report.durationMs / 1000,
      requestsPerS: report.requests / (report.durationMs / 1000),
      latency: Histogram.from([report.latency]).summary(),
      statuses: report.statuses,
      non201,
      firstFailure: report.firstFailure,
      serverCores: cores(m, "server"),
      serverCpuUsPerRequest: report.requests > 0 ? ((m.cpu.cpuS.server ?? 0) * 1e6) / report.requests : NaN,
      redisCores: cores(m, "redis"),
      sellerElu: report.load.elu,
      serverElu: server.elu,
      machineBusyCores: m.cpu.machineBusyCores,
      cpu: m.cpu,
      saturation: sat,
    };
  } finally {
    await seller.stop();
  }
}
