import type { CpuWindow } from "../support/cpu";
import { Histogram, type Summary } from "../support/histogram";
import type { ClientMode, FloorApi, FloorFanOut } from "../support/protocol";
import { Worker } from "../support/rpc";
import { cores, lastId, SATURATED_ELU, type Rig, type Saturation } from "./rig";
import { round } from "./round";
import { stopAll } from "./workers";

export interface LatencyResult {
  /**
   * What the tabs listened to: the app, or the floor (bench/workers/floor.ts), the least a Socket.IO feed
   * can do, broadcasting with `io.emit` or the app's pre-encoded frame. Absent before the floor rows: the app.
   */
  server?: "app" | `floor-${FloorFanOut}`;
  rate: number;
  clients: number;
  clientMode: ClientMode;
  clientProcesses: number;
  durationS: number;
  written: number;
  /** What the writer actually sustained; below the target rate, the row does not test that rate. */
  writerEntriesPerS: number;
  complete: boolean;
  minReceived: number;
  /** XADD→receive over every entry at every socket (the probe's included), ms. */
  latency: Summary;
  /** XADD→receive at the probe alone: one full socket in a process of its own, last in the room. */
  probeLatency: Summary;
  probeElu: number;
  /** XADD→XREAD reply at the bare reference loop, ms: the part Redis and the machine take. */
  bareLatency: Summary;
  /** Entries per `feed:entries` message, averaged over every socket. */
  entriesPerBatch: number;
  serverCores: number;
  serverCpuUsPerDelivery: number;
  serverPeakRssMiB: number;
  redisCores: number;
  clientCores: number;
  clientEluMax: number;
  /** Each load client process's event-loop utilisation, in process order (the probe's is `probeElu`). Absent before issue 12. */
  clientElus?: number[];
  clientLoopDelayP99Ms: number;
  /** The server's main event loop over the window (from inside it); near 1, the server queued work. Absent before issue 12. */
  serverElu?: number;
  machineBusyCores: number;
  outOfOrder: number;
  disconnects: number;
  saturation: Saturation;
  /** The raw CPU window: seconds per process group, machine, interrupts, steal. */
  cpu: CpuWindow;
}

/** Time allowed after the writer stops for the last entries to reach every socket. */
const DRAIN_MS = 30_000;
/** Below this share of the asked rate, the writer (not the app) is what the row shows. */
const WRITER_SHORTFALL = 0.95;

/**
 * Writes at a fixed `rate` for `durationMs`, every entry stamped with its send time; each socket and
 * the bare loop subtract it from their receive time (same machine, same clock).
 */
export async function latency(
  rig: Rig,
  {
    rate,
    durationMs,
    clients,
    mode,
    floor,
  }: { rate: number; durationMs: number; clients: number; mode: ClientMode; floor?: FloorFanOut | undefined },
): Promise<LatencyResult> {
  const expected = Math.round((rate * durationMs) / 1000);
  const movieId = rig.nextMovieId();
  const label = `latency-${rate}-${mode}${floor ? `-floor-${floor}` : ""}`;
  const floorServer = floor ? await Worker.start<FloorApi>(new URL("../workers/floor.ts", import.meta.url), "floor") : undefined;
  let r: Awaited<ReturnType<typeof round>>;
  try {
    const target = floorServer ? await floorRig(rig, floorServer, floor!) : rig;
    r = await round(target, { clients, mode, probe: true, expected, timeoutMs: durationMs + DRAIN_MS, label }, (writer) =>
      writer.call("paced", { rate, durationMs, movieId }),
    );
  } finally {
    await stopAll([floorServer]);
  }
  const { write, sockets, measure: m } = r;
  const writerRate = write.written / ((write.finishedAt - write.startedAt) / 1000);
  const sat = r.saturation;
  if (write.load.elu >= SATURATED_ELU) sat.notes.push(`writer ELU ${write.load.elu.toFixed(2)}`);
  if (writerRate < rate * WRITER_SHORTFALL) sat.notes.push(`writer reached only ${Math.round(writerRate)}/s`);
  return {
    server: floor ? `floor-${floor}` : "app",
    rate,
    clients,
    clientMode: mode,
    clientProcesses: r.listeners.length,
    durationS: durationMs / 1000,
    written: write.written,
    writerEntriesPerS: writerRate,
    complete: sockets.complete,
    minReceived: Math.min(...sockets.received),
    latency: Histogram.from([...r.listeners, ...(r.probe ? [r.probe] : [])].map((l) => l.latency)).summary(),
    probeLatency: Histogram.from(r.probe ? [r.probe.latency] : []).summary(),
    probeElu: r.probe?.load.elu ?? NaN,
    bareLatency: Histogram.from([r.bare.latency]).summary(),
    entriesPerBatch: sockets.entriesPerBatch,
    serverCores: cores(m, "server"),
    serverCpuUsPerDelivery: sockets.delivered > 0 ? ((m.cpu.cpuS.server ?? 0) * 1e6) / sockets.delivered : NaN,
    serverPeakRssMiB: m.serverPeakRssMiB,
    redisCores: cores(m, "redis"),
    clientCores: cores(m, "clients"),
    clientEluMax: Math.max(...r.listeners.map((l) => l.load.elu)),
    clientElus: r.listeners.map((l) => l.load.elu),
    serverElu: r.server.elu,
    clientLoopDelayP99Ms: Math.max(...r.listeners.map((l) => l.load.loopDelayP99Ms)),
    machineBusyCores: m.cpu.machineBusyCores,
    outOfOrder: sockets.outOfOrder,
    disconnects: sockets.disconnects,
    saturation: sat,
    cpu: m.cpu,
  };
}

/**
 * The rig with the floor server in the app server's place: tabs connect to it, its process is the
 * "server" of the CPU window and its event loop the one sampled. The app still runs and reads the stream
 * meanwhile, as another instance would; it has no tab to write to.
 */
async function floorRig(rig: Rig, floor: Worker<FloorApi>, fanOut: FloorFanOut): Promise<Rig> {
  const { url } = await floor.call("start", { redisUrl: rig.redisUrl, stream: rig.stream, afterId: await lastId(rig), fanOut });
  return {
    ...rig,
    appUrl: url,
    serverPids: [floor.pid],
    server: { elu: () => floor.call("elu", {}), profile: rig.server.profile },
    cpuProfileDir: null,
  };
}
