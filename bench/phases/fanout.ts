import type { CpuWindow } from "../support/cpu";
import type { ClientMode } from "../support/protocol";
import { cores, type Rig, type Saturation } from "./rig";
import { round } from "./round";

export interface FanoutResult {
  clients: number;
  clientMode: ClientMode;
  clientProcesses: number;
  entries: number;
  /** Every socket got every entry of the burst before the timeout. */
  complete: boolean;
  /** The fewest entries any socket received. */
  minReceived: number;
  writerEntriesPerS: number;
  /** The burst size over the time from the first XADD until the last socket had the whole burst. */
  perClientEntriesPerS: number;
  /** The same, times the number of sockets: entries the server pushed out per second. */
  deliveriesPerS: number;
  /** The burst size over the time from the first XADD until the bare XREAD loop had it all. */
  bareEntriesPerS: number;
  bareComplete: boolean;
  /** perClientEntriesPerS / bareEntriesPerS, both from this same burst. */
  ratio: number;
  /** Entries per `feed:entries` message, averaged over every socket. */
  entriesPerBatch: number;
  serverCpuS: number;
  serverCores: number;
  serverCpuUsPerDelivery: number;
  serverPeakRssMiB: number;
  redisCores: number;
  clientCores: number;
  clientEluMax: number;
  clientLoopDelayP99Ms: number;
  /** The server's main event loop over the window (from inside it). Absent before issue 12. */
  serverElu?: number;
  machineBusyCores: number;
  outOfOrder: number;
  disconnects: number;
  saturation: Saturation;
  /** The raw CPU window: seconds per process group, machine, interrupts, steal. */
  cpu: CpuWindow;
}

/**
 * One burst of `entries` XADDs, read at once by `clients` Socket.IO tabs (in their own processes) and by a
 * bare XREAD loop (in another), so the two rates come from the same burst on the same machine state.
 */
export async function fanout(
  rig: Rig,
  { clients, mode, entries, timeoutMs }: { clients: number; mode: ClientMode; entries: number; timeoutMs: number },
): Promise<FanoutResult> {
  const movieId = rig.nextMovieId();
  const r = await round(rig, { clients, mode, probe: false, expected: entries, timeoutMs, label: `fanout-${clients}-${mode}` }, (writer) =>
    writer.call("burst", { count: entries, movieId }),
  );
  const { write, sockets, bare, measure: m } = r;
  // A socket that never finished counts as finishing at the timeout: the rate is then an upper bound.
  const lastDone = Math.max(...sockets.doneAt.map((t) => t ?? write.startedAt + timeoutMs));
  const perClient = entries / ((lastDone - write.startedAt) / 1000);
  const bareDone = bare.doneAt ?? write.startedAt + timeoutMs;
  const bareRate = bare.received / ((bareDone - write.startedAt) / 1000);
  const serverCpuS = m.cpu.cpuS.server ?? 0;
  return {
    clients,
    clientMode: mode,
    clientProcesses: r.listeners.length,
    entries,
    complete: sockets.complete,
    minReceived: Math.min(...sockets.received),
    writerEntriesPerS: write.written / ((write.finishedAt - write.startedAt) / 1000),
    perClientEntriesPerS: perClient,
    deliveriesPerS: perClient * clients,
    bareEntriesPerS: bareRate,
    bareComplete: bare.doneAt !== null,
    ratio: perClient / bareRate,
    entriesPerBatch: sockets.entriesPerBatch,
    serverCpuS,
    serverCores: cores(m, "server"),
    serverCpuUsPerDelivery: sockets.delivered > 0 ? (serverCpuS * 1e6) / sockets.delivered : NaN,
    serverPeakRssMiB: m.serverPeakRssMiB,
    redisCores: cores(m, "redis"),
    clientCores: cores(m, "clients"),
    clientEluMax: Math.max(...r.listeners.map((l) => l.load.elu)),
    clientLoopDelayP99Ms: Math.max(...r.listeners.map((l) => l.load.loopDelayP99Ms)),
    serverElu: r.server.elu,
    machineBusyCores: m.cpu.machineBusyCores,
    outOfOrder: sockets.outOfOrder,
    disconnects: sockets.disconnects,
    saturation: r.saturation,
    cpu: m.cpu,
  };
}
