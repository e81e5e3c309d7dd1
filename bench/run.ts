import { Redis } from "ioredis";
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { archiveLatest } from "./support/archive";
import { fanout } from "./phases/fanout";
import { feedSales } from "./phases/feed-sales";
import { latency } from "./phases/latency";
import { processTree } from "./support/cpu";
import { sales } from "./phases/sales";
import { groups } from "./phases/groups";
import { soak } from "./phases/soak";
import { desk } from "./phases/desk";
import { search } from "./phases/search";
import { consumers } from "./phases/consumers";
import { waitForQuiet, type Rig } from "./phases/rig";
import { render, type Results } from "./report";
import { ensureBuild, startAppServer } from "./support/app-server";
import { describeMachine } from "./support/machine";
import type { ClientMode, FloorFanOut } from "./support/protocol";
import { startRedisServer } from "../harness/redis-server";
import { signIn } from "./support/session";

/**
 * Every figure of the run; about two minutes on two cores. 100 clients run twice: as browser-like tabs
 * (`full`, each batch parsed) and as `lean` tabs, which on a small machine leave the CPU to the server.
 */
const PLAN = {
  stream: "bench",
  fanout: {
    cases: [
      { clients: 1, mode: "full" },
      { clients: 10, mode: "full" },
      { clients: 100, mode: "full" },
      { clients: 100, mode: "lean" },
    ] satisfies { clients: number; mode: ClientMode }[],
    entries: 50_000,
    timeoutMs: 90_000,
    warmUpEntries: 5_000,
  },
  latency: {
    cases: [
      { rate: 1_000, clients: 100, mode: "full" },
      // The same row against the floor, the least a Socket.IO feed can do (bench/workers/floor.ts).
      { rate: 1_000, clients: 100, mode: "full", floor: "emit" },
      { rate: 1_000, clients: 100, mode: "full", floor: "framed" },
      { rate: 10_000, clients: 100, mode: "full" },
      { rate: 10_000, clients: 100, mode: "lean" },
    ] satisfies { rate: number; clients: number; mode: ClientMode; floor?: FloorFanOut }[],
    durationMs: 10_000,
  },
  /** The feed at 300 entries/s to 100 tabs, first from a writer, then from sales through the API. */
  feedSales: { rate: 300, durationMs: 10_000, clients: 100, maxInFlight: 200 },
  /** Single-seat sales, then 4 seats per sale (a family), in the same run. */
  sales: { concurrency: 50, maxRequests: 20_000, durationMs: 10_000, multiSeats: 4 },
  groups: { pending: 1_000_000, autoclaim: 100_000, watchMs: 5_000 },
  /** A minute at 1,000 sales/s with 100 tabs, Redis killed and restarted half-way; on its own Redis and server. */
  soak: { rate: 1_000, durationMs: 60_000, tabs: 100, killAtMs: 30_000, downMs: 2_000, maxInFlight: 200 },
  /** The desk and the screenings board in Chromium while a writer XADDs this many entries a second. */
  desk: { rate: 2_000, windowMs: 10_000 },
  /** A search for one entry at the very start of a stream of this many. */
  search: { entries: 1_000_000, runs: 3 },
  /**
   * Each worker against a burst, beside a bare XREADGROUP+XACK loop. The tickets worker renders a PDF per
   * entry (a few ms each), so it gets a tenth of the burst: 100,000 would take it minutes.
   */
  consumers: { entries: { accounting: 100_000, tickets: 10_000 }, timeoutMs: 180_000 },
  /** The whole run, build included, is cut off here; nothing may keep it running longer. */
  hardLimitMs: 15 * 60_000,
  /**
   * Before each phase the machine must be quiet for a second (so one phase's tail, or someone else's
   * test run, stays out of the next CPU window); the bench waits for that up to 20 s per phase and
   * 2 minutes per run, then measures anyway and flags the noise.
   */
  quiet: { perPhaseMs: 30_000, perRunMs: 120_000 },
};

const RESULTS_DIR = new URL("./results/", import.meta.url);

/** Cleanup steps, run newest first, each on its own so one failure does not strand the rest. */
const cleanups: (() => Promise<void>)[] = [];
async function cleanUp(): Promise<void> {
  while (cleanups.length > 0) await cleanups.pop()!().catch(() => {});
}

async function abort(reason: string, code: number): Promise<never> {
  process.stderr.write(`bench: ${reason}\n`);
  await cleanUp();
  process.exit(code);
}

const PHASES = ["fanout", "latency", "feedsales", "sales", "groups", "soak", "desk", "consumers", "search"] as const;
type Phase = (typeof PHASES)[number];

/**
 * `npm run bench -- latency` runs that phase alone, for working on one figure; the default is all.
 * `--cpu-prof=<dir>` profiles the server over every measured window, one `.cpuprofile` each.
 * `--trace=<dir>` records a Chromium trace of the desk phase's frame window (read it with bench/frame-trace.ts).
 */
function parseArgs(args: string[]): { selected: Set<Phase>; cpuProfileDir: string | null; traceDir: string | null } {
  const dirFlag = (name: string) => {
    const flag = args.find((arg) => arg.startsWith(`--${name}=`));
    const dir = flag ? resolve(flag.slice(name.length + 3)) : null;
    if (dir) mkdirSync(dir, { recursive: true });
    return { flag, dir };
  };
  const cpuProf = dirFlag("cpu-prof");
  const trace = dirFlag("trace");
  const phases = args.filter((arg) => arg !== cpuProf.flag && arg !== trace.flag);
  const unknown = phases.filter((arg) => !(PHASES as readonly string[]).includes(arg));
  if (unknown.length > 0) {
    throw new Error(`unknown phase ${unknown.join(", ")}: choose from ${PHASES.join(", ")} (and --cpu-prof=<dir>, --trace=<dir>)`);
  }
  return { selected: new Set(phases.length > 0 ? (phases as Phase[]) : PHASES), cpuProfileDir: cpuProf.dir, traceDir: trace.dir };
}

/** The figures this run may replace, to show beside its own. */
function previousRun(): { label: string; results: Results } | undefined {
  const file = new URL("latest.json", RESULTS_DIR);
  if (!existsSync(file)) return undefined;
  try {
    return { label: "latest.json", results: JSON.parse(readFileSync(file, "utf8")) as Results };
  } catch {
    return undefined;
  }
}

async function main(): Promise<void> {
  const { selected, cpuProfileDir, traceDir } = parseArgs(process.argv.slice(2));
  const started = performance.now();
  const limit = setTimeout(() => void abort(`stopped after ${PLAN.hardLimitMs / 60_000} minutes`, 1), PLAN.hardLimitMs);
  limit.unref();
  process.once("SIGINT", () => void abort("interrupted", 130));
  process.once("SIGTERM", () => void abort("terminated", 143));
  const progress = (text: string) => process.stderr.write(`bench: ${text}\n`);

  const { built, stale } = await ensureBuild();
  if (stale) progress("the production build is older than the sources; run `npm run build` to bench the current code");
  const redisServer = await startRedisServer({ stderr: "inherit" });
  cleanups.push(() => redisServer.stop());
  const app = await startAppServer(redisServer.url, PLAN.stream);
  cleanups.push(() => app.stop());
  progress(`server up in ${Math.round(app.startupMs)} ms at ${app.url}, Redis at ${redisServer.url}`);

  const redis = new Redis(redisServer.url, { connectionName: "bench:orchestrator" });
  cleanups.push(async () => redis.disconnect());
  let movieId = 9000;
  const rig: Rig = {
    appUrl: app.url,
    redisUrl: redisServer.url,
    stream: PLAN.stream,
    session: await signIn(app.url, app.adminPassword),
    serverPids: processTree(app.pid),
    server: app,
    cpuProfileDir,
    traceDir,
    redisPid: redisServer.pid,
    redis,
    nextMovieId: () => ++movieId,
  };
  const results: Results = {
    version: 1,
    machine: await describeMachine(redis),
    durationS: 0,
    server: { startupMs: app.startupMs, session: rig.session.note, built, staleBuild: stale, stderrTail: [], cpuProfileDir },
    fanout: [],
    latency: [],
    feedSales: null,
    sales: null,
    multiSales: null,
    groups: null,
    soak: null,
    desk: null,
    search: null,
    consumers: null,
    quietWaitS: 0,
    errors: [],
  };
  let quietBudgetMs = PLAN.quiet.perRunMs;
  // One failed phase is reported and the run goes on: the other figures are still worth having.
  const phase = async <T>(name: string, work: () => Promise<T>): Promise<T | undefined> => {
    const { waitedMs, quiet } = await waitForQuiet(rig, Math.min(PLAN.quiet.perPhaseMs, quietBudgetMs));
    quietBudgetMs = Math.max(0, quietBudgetMs - waitedMs);
    results.quietWaitS += waitedMs / 1000;
    progress(
      `${name}${waitedMs > 500 ? ` (after waiting ${Math.round(waitedMs / 1000)} s for other processes${quiet ? "" : ", in vain"})` : ""}`,
    );
    const outcome = await work().catch((error: unknown) => {
      results.errors.push(`${name}: ${error instanceof Error ? error.message : String(error)}`);
      return undefined;
    });
    // Without the server, every later phase would only fail the same way.
    const exit = app.exit();
    if (exit !== null) {
      throw new Error(`the app server ${exit} during "${name}"; its last warnings:\n${app.stderrTail().join("\n")}`);
    }
    return outcome;
  };

  const { entries, timeoutMs, warmUpEntries } = PLAN.fanout;
  // The burst warms the feed path the fan-out and latency rows measure; the other phases do not need it.
  if (selected.has("fanout") || selected.has("latency") || selected.has("feedsales")) {
    await phase("warm-up burst", () => fanout(rig, { clients: 1, mode: "full", entries: warmUpEntries, timeoutMs }));
  }
  for (const c of selected.has("fanout") ? PLAN.fanout.cases : []) {
    const result = await phase(`fan-out to ${c.clients} ${c.mode} clients`, () => fanout(rig, { ...c, entries, timeoutMs }));
    if (result) results.fanout.push(result);
  }
  for (const c of selected.has("latency") ? PLAN.latency.cases : []) {
    const name = `latency at ${c.rate}/s to ${c.clients} ${c.mode} clients${"floor" in c ? ` of the floor (${c.floor})` : ""}`;
    const result = await phase(name, () => latency(rig, { ...c, durationMs: PLAN.latency.durationMs }));
    if (result) results.latency.push(result);
  }
  if (selected.has("feedsales")) {
    const name = `feed under sales at ${PLAN.feedSales.rate}/s to ${PLAN.feedSales.clients} tabs`;
    results.feedSales = (await phase(name, () => feedSales(rig, PLAN.feedSales))) ?? null;
  }
  if (selected.has("sales")) {
    results.sales = (await phase("POST /api/tickets, one seat each", () => sales(rig, PLAN.sales))) ?? null;
    const multi = { ...PLAN.sales, seatsPerSale: PLAN.sales.multiSeats };
    results.multiSales = (await phase(`POST /api/tickets, ${multi.seatsPerSale} seats each`, () => sales(rig, multi))) ?? null;
  }
  if (selected.has("groups")) results.groups = (await phase("consumer groups", () => groups(rig, PLAN.groups))) ?? null;
  if (selected.has("soak")) results.soak = (await phase("soak with a Redis restart", () => soak(PLAN.soak, progress))) ?? null;
  if (selected.has("desk")) results.desk = (await phase("desk and board in Chromium", () => desk(rig, PLAN.desk))) ?? null;
  if (selected.has("consumers"))
    results.consumers = (await phase("workers against a burst", () => consumers(rig, PLAN.consumers, progress))) ?? null;
  // Last: it replaces the stream with one of a million entries.
  if (selected.has("search")) results.search = (await phase("search over a million entries", () => search(rig, PLAN.search))) ?? null;

  results.server.stderrTail = app.stderrTail();
  results.durationS = (performance.now() - started) / 1000;
  await cleanUp();

  process.stdout.write(render(results, previousRun()) + "\n");
  // A failed, partial or profiled run must not replace the figures someone may be about to commit.
  if (selected.size === PHASES.length && results.errors.length === 0 && !cpuProfileDir && !traceDir) {
    mkdirSync(RESULTS_DIR, { recursive: true });
    const kept = archiveLatest(RESULTS_DIR);
    if (kept) process.stderr.write(`bench: kept the previous figures as bench/results/${kept}\n`);
    // Written aside and renamed, so an interrupted run never leaves half a file to be committed.
    const temporary = new URL("latest.json.tmp", RESULTS_DIR);
    writeFileSync(temporary, JSON.stringify(results, null, 2) + "\n");
    renameSync(temporary, new URL("latest.json", RESULTS_DIR));
    process.stderr.write("bench: wrote bench/results/latest.json\n");
  } else {
    const file = join(tmpdir(), "streamdesk-bench-partial.json");
    writeFileSync(file, JSON.stringify(results, null, 2) + "\n");
    process.stderr.write(`bench: bench/results/latest.json left as it was (partial, failed or profiled run); figures in ${file}\n`);
  }
  process.exit(results.errors.length > 0 ? 1 : 0);
}

main().catch((error: unknown) => abort(error instanceof Error ? (error.stack ?? error.message) : String(error), 1));
