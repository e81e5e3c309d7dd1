// `npx tsx bench/frame-trace.ts <desk-trace.json> [min-ms]`: what each long frame of `npm run bench -- desk
// --trace=<dir>` was. A frame is the gap between two calls of the bench's requestAnimationFrame counter
// (`step`) in one page; for every gap over 50 ms it lists what that page's renderer main thread, its
// compositor and raster threads, and the GPU process's compositor ran in the gap, and for how long.
import { readFileSync } from "node:fs";

interface TraceEvent {
  pid: number;
  tid: number;
  ts: number;
  dur?: number;
  tdur?: number;
  ph: string;
  name: string;
  cat: string;
  args?: { name?: string; data?: Record<string, unknown> } & Record<string, unknown>;
}

const [file, minArg] = process.argv.slice(2);
if (!file) {
  process.stderr.write("usage: npx tsx bench/frame-trace.ts <desk-trace.json> [min-ms]\n");
  process.exit(2);
}
/** Events shorter than this are summed by name rather than listed. */
const minMs = Number(minArg ?? 4);
const raw = JSON.parse(readFileSync(file, "utf8")) as { traceEvents: TraceEvent[] } | TraceEvent[];
const events = Array.isArray(raw) ? raw : raw.traceEvents;

const threadName = new Map<string, string>();
const processName = new Map<number, string>();
for (const e of events) {
  if (e.ph !== "M") continue;
  if (e.name === "thread_name") threadName.set(`${e.pid}:${e.tid}`, String(e.args?.name));
  if (e.name === "process_name") processName.set(e.pid, String(e.args?.name));
}
const thread = (e: TraceEvent) => threadName.get(`${e.pid}:${e.tid}`) ?? `tid ${e.tid}`;

// Which page each renderer shows: the desk phase stamps each page (console.timeStamp) once tracing runs.
const pageOf = new Map<number, string>();
for (const e of events) {
  const message = String(e.args?.data?.message ?? "");
  if (e.name === "TimeStamp" && message.startsWith("bench page ")) pageOf.set(e.pid, message.slice("bench page ".length));
}

const complete = events.filter((e) => e.ph === "X" && e.dur !== undefined);

/** The events not inside another of the list (a task runs nested tasks, which must not count twice). */
function outermost(list: TraceEvent[]): TraceEvent[] {
  let end = -Infinity;
  return [...list]
    .sort((a, b) => a.ts - b.ts || b.dur! - a.dur!)
    .filter((e) => {
      if (e.ts < end) return false;
      end = e.ts + e.dur!;
      return true;
    });
}
const ms = (us: number) => (us / 1000).toFixed(1);
const detail = (e: TraceEvent): string => {
  const data = e.args?.data ?? {};
  if (e.name === "FunctionCall")
    return ` ${String(data.functionName || "(anonymous)")} ${String(data.url ?? "").replace(/^.*\/_next\//, "")}:${String(data.lineNumber ?? "")}`;
  if (e.name === "Layout") {
    const begin = e.args?.beginData as { dirtyObjects?: number; totalObjects?: number } | undefined;
    return begin ? ` ${begin.dirtyObjects}/${begin.totalObjects} objects` : "";
  }
  if (e.name === "UpdateLayoutTree") return data.elementCount !== undefined ? ` ${String(data.elementCount)} elements` : "";
  if (e.name === "TimerFire" || e.name === "EventDispatch") return ` ${String(data.type ?? data.timerId ?? "")}`;
  return "";
};

/**
 * Where a renderer main thread's time went over the whole trace, by phase: each phase counts its outermost
 * events only (a Paint inside a Paint is counted once), with their wall time and their time on a core.
 */
const PHASES: [string, RegExp][] = [
  ["script", /^(FunctionCall|EvaluateScript|TimerFire|EventDispatch|FireAnimationFrame|v8\.callFunction|RunMicrotasks)$/],
  ["style", /^UpdateLayoutTree$/],
  ["layout", /^Layout$/],
  ["pre-paint", /^PrePaint$/],
  ["paint", /^LocalFrameView::RunPaintLifecyclePhase$/],
  ["layerize", /^Layerize$/],
  ["commit", /^(Commit|ProxyMain::BeginMainFrame::commit)$/],
  ["major GC", /^MajorGC$/],
  ["minor GC", /^MinorGC$/],
  ["parse HTML", /^ParseHTML$/],
];
function phases(pid: number, seconds: number): string {
  const main = complete.filter((e) => e.pid === pid && thread(e) === "CrRendererMain").sort((a, b) => a.ts - b.ts);
  const rows = PHASES.map(([name, pattern]) => {
    let end = -Infinity;
    let wall = 0;
    let cpu = 0;
    let count = 0;
    for (const e of main) {
      if (!pattern.test(e.name) || e.ts < end) continue;
      end = e.ts + e.dur!;
      wall += e.dur!;
      cpu += e.tdur ?? e.dur!;
      count++;
    }
    return `| ${name} | ${count} | ${ms(wall / seconds)} | ${ms(cpu / seconds)} | ${count ? ms(cpu / count) : "–"} |`;
  });
  return ["| phase | events | wall ms/s | cpu ms/s | cpu ms each |", "| --- | --: | --: | --: | --: |", ...rows].join("\n") + "\n";
}

/** Below this much main-thread CPU in a frame of over 50 ms, the frame was mostly waiting for a core. */
const STARVED_CPU_US = 15_000;

const counters = new Map<number, number[]>();
for (const e of complete) {
  if (e.name === "FunctionCall" && e.args?.data?.functionName === "step") {
    const list = counters.get(e.pid) ?? [];
    list.push(e.ts);
    counters.set(e.pid, list);
  }
}

for (const [pid, times] of counters) {
  times.sort((a, b) => a - b);
  const gaps = times.slice(1).map((ts, i) => ({ from: times[i]!, to: ts }));
  const long = gaps.filter((g) => g.to - g.from > 50_000);
  const page = pageOf.get(pid) ?? `renderer ${pid}`;
  const mainBusy = outermost(complete.filter((e) => e.pid === pid && thread(e) === "CrRendererMain" && e.cat.includes("toplevel")));
  process.stdout.write(
    `\n## ${page} (pid ${pid}): ${times.length} frames, ${long.length} over 50 ms, longest ${ms(Math.max(...gaps.map((g) => g.to - g.from)))} ms; ` +
      `main thread top-level tasks ${ms(mainBusy.reduce((sum, e) => sum + e.dur!, 0))} ms\n`,
  );
  process.stdout.write("\n" + phases(pid, (times.at(-1)! - times[0]!) / 1e6));
  // A long frame whose main thread hardly ran was waiting for a core (the machine's two are shared).
  const cpuIn = (gap: { from: number; to: number }) =>
    mainBusy.filter((e) => e.ts < gap.to && e.ts + e.dur! > gap.from).reduce((sum, e) => sum + (e.tdur ?? e.dur!), 0);
  const starved = long.filter((gap) => cpuIn(gap) < STARVED_CPU_US).length;
  // What rendering a frame (rAF callbacks, style, layout, paint: one BeginMainFrame task) asked of a core,
  // whatever else the machine ran meanwhile.
  const frameStarts = complete
    .filter((e) => e.pid === pid && thread(e) === "CrRendererMain" && e.name === "ProxyMain::BeginMainFrame")
    .map((e) => e.ts)
    .sort((a, b) => a - b);
  const renders: number[] = [];
  let next = 0;
  for (const task of mainBusy) {
    while (next < frameStarts.length && frameStarts[next]! < task.ts) next++;
    if (next < frameStarts.length && frameStarts[next]! < task.ts + task.dur!) renders.push(task.tdur ?? task.dur!);
  }
  renders.sort((a, b) => a - b);
  const at = (q: number) => ms(renders[Math.min(renders.length - 1, Math.floor(q * renders.length))] ?? 0);
  process.stdout.write(
    `\nCPU of each frame's rendering task: median ${at(0.5)}, p99 ${at(0.99)}, max ${ms(renders.at(-1) ?? 0)} ms (${renders.length} frames)\n`,
  );
  process.stdout.write(
    `\nframes over 50 ms: ${long.length}; of them ${starved} with under ${STARVED_CPU_US / 1000} ms of main-thread CPU (waiting for a core); ` +
      `main-thread CPU in each: ${long.map((gap) => ms(cpuIn(gap))).join(", ") || "–"} ms\n`,
  );
  for (const gap of long) {
    process.stdout.write(`\n### frame of ${ms(gap.to - gap.from)} ms at +${ms(gap.from - times[0]!)} ms\n`);
    const inGap = complete.filter(
      (e) => e.ts < gap.to && e.ts + e.dur! > gap.from && (e.pid === pid || /gpu|viz/i.test(processName.get(e.pid) ?? "")),
    );
    // Per thread: the long events one by one (nested ones indented by start), the short ones summed by name.
    const byThread = new Map<string, TraceEvent[]>();
    for (const e of inGap) {
      const key = `${e.pid === pid ? "" : (processName.get(e.pid) ?? e.pid) + " / "}${thread(e)}`;
      byThread.set(key, [...(byThread.get(key) ?? []), e]);
    }
    for (const [name, list] of byThread) {
      const top = outermost(list.filter((e) => e.cat.includes("toplevel")));
      const busy = top.reduce((sum, e) => sum + e.dur!, 0);
      const cpu = top.reduce((sum, e) => sum + (e.tdur ?? e.dur!), 0);
      if (busy < 2000) continue;
      process.stdout.write(`- **${name}**: tasks ${ms(busy)} ms wall, ${ms(cpu)} ms on a core\n`);
      const shown = list
        .filter((e) => e.dur! >= minMs * 1000 && !/RunTask|ThreadController|ThreadPool_RunTask/.test(e.name))
        .sort((a, b) => a.ts - b.ts);
      for (const e of shown.slice(0, 40)) {
        process.stdout.write(
          `    +${ms(e.ts - gap.from).padStart(6)} ${ms(e.dur!).padStart(6)} ms (cpu ${ms(e.tdur ?? e.dur!)}) ${e.name}${detail(e)}\n`,
        );
      }
    }
  }
}
