import type { ClientMode, ListenerReport, ReferenceReport, WriteReport, WriterApi } from "../support/protocol";
import type { Worker } from "../support/rpc";
import {
  lastId,
  measure,
  saturation,
  SATURATED_ELU,
  serverNotes,
  serverWindow,
  type Measure,
  type Rig,
  type Saturation,
  type ServerWindow,
} from "./rig";
import { startListeners, startReference, startWriter, stopAll } from "./workers";

export interface Round {
  write: WriteReport;
  /** One report per load client process (the probe not included). */
  listeners: ListenerReport[];
  /** The probe's own report, when there is one. */
  probe: ListenerReport | undefined;
  bare: ReferenceReport;
  measure: Measure;
  /** The server's own event loop over the same window. */
  server: ServerWindow;
  saturation: Saturation;
  /** Every socket, the probe's included, flattened. */
  sockets: {
    received: number[];
    doneAt: (number | null)[];
    /** Every socket got everything it waited for. */
    complete: boolean;
    delivered: number;
    outOfOrder: number;
    disconnects: number;
    /** Entries per `feed:entries` message: how well the server batches. */
    entriesPerBatch: number;
  };
}

/**
 * The shape shared by the fan-out and latency phases: client processes resume at the stream's end, a
 * bare XREAD loop starts at the same id, then `write` runs in the writer process while a CPU window is
 * open over everything. Each call forks its own processes and stops them all before returning.
 * `clients` counts the probe, when there is one; `label` names the window's profile (with `--cpu-prof`).
 */
export async function round(
  rig: Rig,
  options: { clients: number; mode: ClientMode; probe: boolean; expected: number; timeoutMs: number; label?: string },
  write: (writer: Worker<WriterApi>) => Promise<WriteReport>,
): Promise<Round> {
  const { expected, timeoutMs } = options;
  const afterId = await lastId(rig);
  const [writer, reference] = await Promise.all([startWriter(), startReference()]);
  const clients = await startListeners(rig, options, afterId).catch(async (error: unknown) => {
    await stopAll([writer, reference]);
    throw error;
  });
  const all = [...clients.load, ...(clients.probe ? [clients.probe] : [])];
  try {
    await writer.call("connect", { redisUrl: rig.redisUrl, stream: rig.stream });
    await Promise.all(all.map((l) => l.call("arm", { expected })));
    await reference.call("arm", { redisUrl: rig.redisUrl, stream: rig.stream, afterId, expected, timeoutMs });
    const closeServer = await serverWindow(rig, options.label ?? `round-${options.clients}-${options.mode}`);
    const window = measure(rig, {
      writer: [writer.pid],
      reference: [reference.pid],
      clients: clients.load.map((l) => l.pid),
      probe: clients.probe ? [clients.probe.pid] : [],
    });
    const collected = Promise.all(all.map((l) => l.call("collect", { timeoutMs })));
    const bareCollected = reference.call("collect", {});
    const written = await write(writer);
    const [reports, bare] = await Promise.all([collected, bareCollected]);
    const m = window();
    const server = await closeServer();

    const received = reports.flatMap((r) => r.received);
    const doneAt = reports.flatMap((r) => r.doneAt);
    const delivered = received.reduce((a, b) => a + b, 0);
    const batches = reports.reduce((n, r) => n + r.batches, 0);
    const load = reports.slice(0, clients.load.length);
    const probe = clients.probe ? reports.at(-1) : undefined;
    const sat = saturation(
      load.map((r, i) => ({ name: `clients#${i + 1}`, load: r.load })),
      m.cpu,
    );
    if (probe && probe.load.elu >= SATURATED_ELU) sat.notes.push(`probe ELU ${probe.load.elu.toFixed(2)}`);
    // A busy bare reader caps its own figure and the ratio, not what the tabs received.
    if (bare.load.elu >= SATURATED_ELU) sat.notes.push(`bare reader ELU ${bare.load.elu.toFixed(2)}`);
    serverNotes(sat, server);
    return {
      write: written,
      listeners: load,
      probe,
      bare,
      measure: m,
      server,
      saturation: sat,
      sockets: {
        received,
        doneAt,
        complete: doneAt.every((t) => t !== null),
        delivered,
        outOfOrder: reports.reduce((n, r) => n + r.outOfOrder, 0),
        disconnects: reports.reduce((n, r) => n + r.disconnects, 0),
        entriesPerBatch: batches > 0 ? delivered / batches : NaN,
      },
    };
  } finally {
    await stopAll([writer, reference, ...all]);
  }
}
