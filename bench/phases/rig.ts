import type { Redis } from "ioredis";
import { cpus } from "node:os";
import { cpuWindow, peakRss, type CpuWindow } from "../support/cpu";
import { join } from "node:path";
import type { AppServer } from "../support/app-server";
import type { Load } from "../support/protocol";
import { utilisation } from "../support/server-probe";
import type { Session } from "../support/session";

/** Everything a phase needs from the running set-up. */
export interface Rig {
  appUrl: string;
  redisUrl: string;
  stream: string;
  session: Session;
  /** The app server's process tree (the node process running the server, and any child of it). */
  serverPids: number[];
  /** Questions for the server process itself: its event-loop utilisation, and profiles. */
  server: Pick<AppServer, "elu" | "profile">;
  /** With `--cpu-prof <dir>`, every measured window of the server is profiled into this folder. */
  cpuProfileDir: string | null;
  /** With `--trace <dir>`, the desk phase records a Chromium trace of its frame window into this folder. */
  traceDir: string | null;
  redisPid: number;
  /** The orchestrator's own connection, for set-up reads only: never on a measured path. */
  redis: Redis;
  /** A movie id no earlier phase used, so every phase sells seats nobody holds. */
  nextMovieId(): number;
}

/** The id of the stream's newest entry, or 0-0: where listeners resume so they get exactly the next burst. */
export async function lastId(rig: Rig): Promise<string> {
  const newest = await rig.redis.xrevrange(rig.stream, "+", "-", "COUNT", 1);
  return newest[0]?.[0] ?? "0-0";
}

/** Sockets per client process: at most four processes (25 sockets each for 100); more would only add scheduling. */
export function spread(clients: number): number[] {
  const processes = clients <= 1 ? 1 : clients <= 10 ? 2 : 4;
  return Array.from({ length: processes }, (_, i) => Math.floor(clients / processes) + (i < clients % processes ? 1 : 0));
}

/** Event-loop utilisation from which a measuring process counts as saturated. */
export const SATURATED_ELU = 0.9;
const BUSY_MACHINE_SHARE = 0.9;
const NOISY_NEIGHBOUR_CORES = 0.25;

export interface Saturation {
  /** A measuring process was busy nearly all the time: the figure is its limit, a lower bound for the server's. */
  clientBound: boolean;
  /** All cores were busy: server and clients competed for CPU, so the figure is a lower bound. */
  machineBound: boolean;
  /** Processes outside the bench used this many cores during the window. */
  otherBusyCores: number;
  notes: string[];
}

export function saturation(measurers: { name: string; load: Load }[], window: CpuWindow): Saturation {
  const notes: string[] = [];
  const busy = measurers.filter((m) => m.load.elu >= SATURATED_ELU);
  for (const m of busy) notes.push(`${m.name} ELU ${m.load.elu.toFixed(2)}`);
  const cores = cpus().length;
  // Stolen time counts as busy here: our processes wanted the CPU and did not get it.
  const machineBound = window.machineBusyCores + window.stealCores >= BUSY_MACHINE_SHARE * cores;
  if (machineBound) notes.push(`machine ${window.machineBusyCores.toFixed(2)}/${cores} cores busy`);
  if (window.otherBusyCores >= NOISY_NEIGHBOUR_CORES) notes.push(`other processes used ${window.otherBusyCores.toFixed(2)} cores`);
  if (window.stealCores >= NOISY_NEIGHBOUR_CORES) notes.push(`hypervisor stole ${window.stealCores.toFixed(2)} cores`);
  return { clientBound: busy.length > 0, machineBound, otherBusyCores: window.otherBusyCores, notes };
}

export interface Measure {
  /** CPU seconds and cores used per process group, and the whole machine's busyness. */
  cpu: CpuWindow;
  serverPeakRssMiB: number;
}

/** Opens a CPU and memory window over the rig's processes plus the given worker pids. */
export function measure(rig: Rig, workers: Record<string, readonly number[]>): () => Measure {
  const close = cpuWindow({ server: rig.serverPids, redis: [rig.redisPid], bench: [process.pid], ...workers });
  const rss = peakRss(rig.serverPids);
  return () => ({ cpu: close(), serverPeakRssMiB: rss() });
}

export interface ServerWindow {
  /** The server's event-loop utilisation over the window, 0–1 (NaN if it could not be asked). */
  elu: number;
  /** The `.cpuprofile` written for the window, when profiling. */
  profile: string | null;
}

/**
 * Opens a window over the server's main event loop: at ~1 it had no idle moment, so every figure of the
 * window includes queueing inside the server. With `--cpu-prof`, the window is also profiled as `label`.
 */
export async function serverWindow(rig: Rig, label: string): Promise<() => Promise<ServerWindow>> {
  const from = await rig.server.elu().catch(() => undefined);
  const stopProfile = rig.cpuProfileDir ? await rig.server.profile() : undefined;
  return async () => {
    const to = await rig.server.elu().catch(() => undefined);
    let profile: string | null = null;
    if (stopProfile && rig.cpuProfileDir) {
      profile = join(rig.cpuProfileDir, `${label}.cpuprofile`);
      await stopProfile(profile);
    }
    return { elu: from && to ? utilisation(from, to) : NaN, profile };
  };
}

/** The server's loop counts as saturated from the same share as a measuring process's. */
export function serverNotes(sat: Saturation, window: ServerWindow): void {
  if (window.elu >= SATURATED_ELU) sat.notes.push(`server ELU ${window.elu.toFixed(2)}`);
}

const QUIET_SAMPLE_MS = 1000;

/**
 * Waits, at most `limitMs`, until processes outside the bench use under a quarter of a core (a test run
 * on a shared machine would otherwise land in our CPU windows). Returns how long it waited.
 */
export async function waitForQuiet(rig: Rig, limitMs: number): Promise<{ waitedMs: number; quiet: boolean }> {
  const started = performance.now();
  for (;;) {
    const close = cpuWindow({ server: rig.serverPids, redis: [rig.redisPid], bench: [process.pid] });
    await new Promise((resolve) => setTimeout(resolve, QUIET_SAMPLE_MS));
    const window = close();
    const quiet = window.otherBusyCores + window.stealCores < NOISY_NEIGHBOUR_CORES;
    const waitedMs = performance.now() - started - QUIET_SAMPLE_MS;
    if (quiet || waitedMs >= limitMs) return { waitedMs, quiet };
  }
}

/** Cores' worth of CPU a group used over the window. */
export function cores(m: Measure, group: string): number {
  return (m.cpu.cpuS[group] ?? 0) / Math.max(m.cpu.wallS, 1e-9);
}

/**
 * Waits until the feed indexer's cursor reaches the stream's last entry, so a phase is not timed while the
 * server still indexes what an earlier phase wrote. Resolves with the seconds it took, or null at the limit.
 */
export async function waitForIndexer(rig: Rig, limitMs: number): Promise<number | null> {
  const started = performance.now();
  const target = await lastId(rig);
  // An empty stream has nothing to index, and its indexer never writes a cursor.
  if (target === "0-0") return 0;
  const cursorKey = `{${rig.stream}}:stats:cursor`;
  while (performance.now() - started < limitMs) {
    if ((await rig.redis.get(cursorKey)) === target) return (performance.now() - started) / 1000;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  return null;
}
