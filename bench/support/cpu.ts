import { execFileSync } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import { cpus } from "node:os";

/** Kernel clock ticks per second, the unit of utime/stime in /proc (almost always 100). */
const TICKS_PER_S = (() => {
  try {
    return Number(execFileSync("getconf", ["CLK_TCK"], { encoding: "utf8" }).trim()) || 100;
  } catch {
    return 100;
  }
})();

interface ProcStat {
  ppid: number;
  /** utime + stime, in seconds. */
  cpuS: number;
}

function readStat(pid: number): ProcStat | undefined {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, "utf8");
    // The command name is in parentheses and may itself contain spaces or parentheses.
    const fields = text.slice(text.lastIndexOf(")") + 2).split(" ");
    // fields[0] is field 3 (state) of proc(5): ppid is field 4, utime 14, stime 15.
    return { ppid: Number(fields[1]), cpuS: (Number(fields[11]) + Number(fields[12])) / TICKS_PER_S };
  } catch {
    return undefined;
  }
}

/** `pid` and every process below it: the tsx CLI runs the real server as its child. */
export function processTree(pid: number): number[] {
  const parentOf = new Map<number, number>();
  for (const name of readdirSync("/proc")) {
    if (!/^\d+$/.test(name)) continue;
    const stat = readStat(Number(name));
    if (stat) parentOf.set(Number(name), stat.ppid);
  }
  const tree = [pid];
  for (let i = 0; i < tree.length; i++) {
    for (const [child, parent] of parentOf) if (parent === tree[i]) tree.push(child);
  }
  return tree;
}

/** CPU seconds (user + system) used so far by these processes together. */
export function cpuSeconds(pids: readonly number[]): number {
  return pids.reduce((total, pid) => total + (readStat(pid)?.cpuS ?? 0), 0);
}

/** Resident memory of these processes together, in MiB. */
export function rssMiB(pids: readonly number[]): number {
  let kib = 0;
  for (const pid of pids) {
    try {
      const match = /^VmRSS:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
      kib += Number(match?.[1] ?? 0);
    } catch {
      // The process has gone; it holds no memory.
    }
  }
  return kib / 1024;
}

interface Jiffies {
  /** Time spent running anything: user, nice, system, irq, softirq. */
  busy: number;
  /** irq + softirq: mostly loopback networking, charged to no process. */
  interrupts: number;
  /** Time the hypervisor gave our virtual CPUs to someone else. */
  steal: number;
  total: number;
}

/** The whole machine's counters, from the first line of /proc/stat. */
function machineJiffies(): Jiffies {
  const line = readFileSync("/proc/stat", "utf8").split("\n", 1)[0] ?? "";
  const [user = 0, nice = 0, system = 0, idle = 0, iowait = 0, irq = 0, softirq = 0, steal = 0] = line
    .trim()
    .split(/\s+/)
    .slice(1)
    .map(Number);
  // Guest time is already counted inside user, so the first eight fields are the whole.
  return {
    busy: user + nice + system + irq + softirq,
    interrupts: irq + softirq,
    steal,
    total: user + nice + system + idle + iowait + irq + softirq + steal,
  };
}

export type CpuGroups = Record<string, readonly number[]>;

export interface CpuWindow {
  wallS: number;
  /** CPU seconds per group over the window. */
  cpuS: Record<string, number>;
  /** How many cores' worth the whole machine was busy, from 0 to the core count. */
  machineBusyCores: number;
  /** Cores' worth of interrupt work (loopback networking), which no process is charged for. */
  interruptCores: number;
  /** Cores' worth of time the hypervisor took away: the machine is shared below us too. */
  stealCores: number;
  /** Busy cores not accounted for by any group nor interrupts: other people's processes. */
  otherBusyCores: number;
}

/** Starts a measurement window over named process groups; call the result to close it. */
export function cpuWindow(groups: CpuGroups): () => CpuWindow {
  const startWall = performance.now();
  const startMachine = machineJiffies();
  const start = Object.fromEntries(Object.entries(groups).map(([name, pids]) => [name, cpuSeconds(pids)]));
  return () => {
    const wallS = (performance.now() - startWall) / 1000;
    const end = machineJiffies();
    const cpuS = Object.fromEntries(
      Object.entries(groups).map(([name, pids]) => [name, Math.max(0, cpuSeconds(pids) - (start[name] ?? 0))]),
    );
    const total = end.total - startMachine.total;
    const asCores = (jiffies: number) => (total > 0 ? (jiffies / total) * cpus().length : 0);
    const machineBusyCores = asCores(end.busy - startMachine.busy);
    const interruptCores = asCores(end.interrupts - startMachine.interrupts);
    const ours = Object.values(cpuS).reduce((a, b) => a + b, 0) / Math.max(wallS, 1e-9);
    return {
      wallS,
      cpuS,
      machineBusyCores,
      interruptCores,
      stealCores: asCores(end.steal - startMachine.steal),
      otherBusyCores: Math.max(0, machineBusyCores - interruptCores - ours),
    };
  };
}

/** Samples resident memory every `everyMs` until stopped; returns the peak in MiB. */
export function peakRss(pids: readonly number[], everyMs = 250): () => number {
  let peak = rssMiB(pids);
  const timer = setInterval(() => {
    peak = Math.max(peak, rssMiB(pids));
  }, everyMs);
  return () => {
    clearInterval(timer);
    return Math.max(peak, rssMiB(pids));
  };
}
