import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { WorkerKind } from "@/workers/worker";
import type { CpuWindow } from "../support/cpu";
import { Histogram, type Summary } from "../support/histogram";
import type { ConsumerApi, ConsumerReport } from "../support/protocol";
import { Worker } from "../support/rpc";
import { cores, measure, saturation, type Rig, type Saturation } from "./rig";
import { startWriter, stopAll } from "./workers";

interface Consumed {
  acked: number;
  /** Every entry of the burst was acked before the timeout. */
  complete: boolean;
  /** Entries acked over the time from the first XADD until the last ack (or the timeout). */
  entriesPerS: number;
  /** XADD → ack: ack time − the entry id's milliseconds. */
  latency: Summary;
  cores: number;
  elu: number;
}

export interface ConsumerRow {
  kind: WorkerKind;
  entries: number;
  writerEntriesPerS: number;
  worker: Consumed;
  /** The bare XREADGROUP+XACK loop on the same burst, in its own group. */
  bare: Consumed;
  /** worker.entriesPerS / bare.entriesPerS. */
  ratio: number;
  redisCores: number;
  machineBusyCores: number;
  saturation: Saturation;
  cpu: CpuWindow;
}

export interface ConsumersResult {
  timeoutMs: number;
  rows: ConsumerRow[];
}

const script = (name: string) => new URL(`../workers/${name}.ts`, import.meta.url);

function consumed(report: ConsumerReport, entries: number, startedAt: number, timeoutMs: number, cpuCores: number): Consumed {
  // Never finished: the rate is over the whole time box, and the latencies only of what was acked.
  const end = report.doneAt ?? startedAt + timeoutMs;
  return {
    acked: report.acked,
    complete: report.acked >= entries,
    entriesPerS: report.acked / ((end - startedAt) / 1000),
    latency: Histogram.from([report.latency]).summary(),
    cores: cpuCores,
    elu: report.load.elu,
  };
}

/**
 * One worker of `kind` (the app's own code, in its own process) and the bare loop (in another) each read a
 * fresh stream through a group of their own while the writer XADDs a burst of `entries` into it, so both
 * rates and latencies come from the same burst on the same machine state.
 */
async function run(rig: Rig, kind: WorkerKind, entries: number, timeoutMs: number): Promise<ConsumerRow> {
  const stream = `${rig.stream}-consumers-${kind}`;
  const outDir = mkdtempSync(join(tmpdir(), "streamdesk-bench-tickets-"));
  const [writer, worker, bare] = await Promise.all([
    startWriter(),
    Worker.start<ConsumerApi>(script("consumer"), `${kind} worker`),
    Worker.start<ConsumerApi>(script("consumer-bare"), "bare consumer"),
  ]);
  try {
    await writer.call("connect", { redisUrl: rig.redisUrl, stream });
    for (const consumer of [worker, bare]) await consumer.call("start", { redisUrl: rig.redisUrl, stream, kind, outDir });
    const window = measure(rig, { writer: [writer.pid], worker: [worker.pid], bare: [bare.pid] });
    const done = Promise.all([
      worker.call("collect", { expected: entries, timeoutMs }),
      bare.call("collect", { expected: entries, timeoutMs }),
    ]);
    const write = await writer.call("burst", { count: entries, movieId: rig.nextMovieId() });
    const [mine, floor] = await done;
    const m = window();
    const row = {
      worker: consumed(mine, entries, write.startedAt, timeoutMs, cores(m, "worker")),
      bare: consumed(floor, entries, write.startedAt, timeoutMs, cores(m, "bare")),
    };
    // The worker is what is measured: its ELU near 1 is its own limit, not a measuring artefact. The bare
    // loop saturated would cap the floor, and so the ratio.
    const sat = saturation([{ name: "bare consumer", load: floor.load }], m.cpu);
    if (write.errors > 0) sat.notes.push(`${write.errors} XADDs failed`);
    return {
      kind,
      entries,
      writerEntriesPerS: write.written / ((write.finishedAt - write.startedAt) / 1000),
      ...row,
      ratio: row.worker.entriesPerS / row.bare.entriesPerS,
      redisCores: cores(m, "redis"),
      machineBusyCores: m.cpu.machineBusyCores,
      saturation: sat,
      cpu: m.cpu,
    };
  } finally {
    await stopAll([writer, worker, bare]);
    rmSync(outDir, { recursive: true, force: true });
    // The stream and what the worker kept beside it: nothing later phases should carry.
    const keys = await rig.redis.keys(`{${stream}}:*`);
    await rig.redis.del(stream, ...keys);
  }
}

/** The accounting worker, then the tickets worker, each against its own burst with the bare loop beside it. */
export async function consumers(
  rig: Rig,
  plan: { entries: Record<WorkerKind, number>; timeoutMs: number },
  progress: (text: string) => void,
): Promise<ConsumersResult> {
  const rows: ConsumerRow[] = [];
  for (const kind of ["accounting", "tickets"] as const) {
    progress(`  ${kind} worker, ${plan.entries[kind].toLocaleString("en-US")} entries`);
    rows.push(await run(rig, kind, plan.entries[kind], plan.timeoutMs));
  }
  return { timeoutMs: plan.timeoutMs, rows };
}
