import type { FanoutResult } from "./phases/fanout";
import { FEED_SALES_TARGET, type FeedSalesResult, type FeedStep } from "./phases/feed-sales";
import type { LatencyResult } from "./phases/latency";
import type { SalesResult } from "./phases/sales";
import type { GroupsResult } from "./phases/groups";
import type { SoakResult } from "./phases/soak";
import type { DeskResult } from "./phases/desk";
import type { SearchResult } from "./phases/search";
import type { ConsumersResult } from "./phases/consumers";
import { atMost, bound, probeBound } from "./support/bounds";
import type { Machine } from "./support/machine";
import { fixed, int, markdownTable, ms } from "./support/table";
import { summaryTable } from "./summary";

/** The issue's latency target: p99 XADD→client at 10,000 entries/s to 100 clients. */
export const TARGET = { rate: 10_000, clients: 100, p99Ms: 25 };

export interface Results {
  version: 1;
  machine: Machine;
  durationS: number;
  server: {
    startupMs: number;
    session: string;
    /** The bench ran `next build` because there was no build. */
    built: boolean;
    /** The build was older than the sources: the figures are for older code. */
    staleBuild: boolean;
    stderrTail: string[];
    /** Set when the server was profiled over every window (`--cpu-prof`): its figures carry the profiler's cost. */
    cpuProfileDir?: string | null;
  };
  fanout: FanoutResult[];
  latency: LatencyResult[];
  /** The feed while the same server sells. Absent in runs before issue 12. */
  feedSales?: FeedSalesResult | null;
  sales: SalesResult | null;
  /** The same as `sales` with 4 seats per request. Absent in runs before multi-seat sales. */
  multiSales?: SalesResult | null;
  groups: GroupsResult | null;
  soak: SoakResult | null;
  desk: DeskResult | null;
  search: SearchResult | null;
  /** The tickets and accounting workers against a burst. Absent in runs before the phase existed. */
  consumers?: ConsumersResult | null;
  /** Seconds spent waiting for other processes on the machine to calm down before phases. */
  quietWaitS: number;
  /** Phases that failed outright, with the reason. */
  errors: string[];
}

/** Each load process's ELU, then the probe's: which of them, if any, set the pace. */
function elus(load: number[] | undefined, probe?: number): string {
  const each = (load ?? []).map((elu) => fixed(elu, 2)).join(" ");
  return probe === undefined ? each || "–" : `${each || "–"} · ${fixed(probe, 2)}`;
}

function notes(r: { saturation: { notes: string[] }; outOfOrder?: number; disconnects?: number }, extra: string[] = []): string {
  const all = [...extra, ...r.saturation.notes];
  if (r.outOfOrder) all.push(`${r.outOfOrder} batches out of order`);
  if (r.disconnects) all.push(`${r.disconnects} disconnects`);
  return all.length ? all.join("; ") : "ok";
}

/**
 * The issue's target, judged on every socket; when the box was saturated, the probe (which has its own
 * CPU like a real tab) tells whether the server met it and the rest was the simulated tabs' contention.
 */
export function targetVerdict(r: LatencyResult): string {
  if (r.rate !== TARGET.rate || r.clients !== TARGET.clients || (r.server ?? "app") !== "app") return "–";
  if (r.complete && r.latency.p99 <= TARGET.p99Ms) return "met";
  if (!bound(r)) return "missed";
  return r.probeLatency.p99 <= TARGET.p99Ms ? "met at the probe only" : "missed (box saturated)";
}

function fanoutTable(rows: FanoutResult[]): string {
  return markdownTable(
    [
      "clients (procs)",
      "entries/s per client",
      "deliveries/s",
      "bare XREAD entries/s",
      "ratio",
      "entries/emit",
      "server µs CPU/delivery",
      "server cores",
      "server ELU",
      "client ELU",
      "machine busy",
      "notes",
    ],
    rows.map((r) => {
      // A saturated measurer caps the figure: the server delivered at least this much.
      const lower = bound(r) ? "≥ " : "";
      const extra = r.complete ? [] : [`incomplete: a socket got ${int(r.minReceived)}/${int(r.entries)}`];
      // Within 10 % of the bare reader, the app kept up with the writer and the figure is the writer's pace.
      if (r.complete && r.ratio >= 0.9) extra.push(`kept pace with the writer (${int(r.writerEntriesPerS)}/s)`);
      return [
        `${r.clients} ${r.clientMode} (${r.clientProcesses})`,
        lower + int(r.perClientEntriesPerS),
        lower + int(r.deliveriesPerS),
        int(r.bareEntriesPerS) + (r.bareComplete ? "" : " (incomplete)"),
        fixed(r.ratio, 2),
        fixed(r.entriesPerBatch, 0),
        fixed(r.serverCpuUsPerDelivery, 2),
        fixed(r.serverCores, 2),
        fixed(r.serverElu ?? NaN, 2),
        fixed(r.clientEluMax, 2),
        fixed(r.machineBusyCores, 2),
        notes(r, extra),
      ];
    }),
    [false, true, true, true, true, true, true, true, true, true, true, false],
  );
}

/** The app, or the floor it is compared with (bench/workers/floor.ts). */
function serverName(r: LatencyResult): string {
  return r.server === undefined || r.server === "app" ? "app" : `floor (${r.server.slice("floor-".length)})`;
}

function latencyTable(rows: LatencyResult[]): string {
  return markdownTable(
    [
      "server",
      "entries/s (achieved)",
      "clients (procs)",
      "p50 ms",
      "p99 ms",
      "max ms",
      "probe p50/p99 ms",
      "bare p50/p99 ms",
      "probe p99 ÷ bare",
      `p99 ≤ ${TARGET.p99Ms} ms`,
      "entries/emit",
      "server cores",
      "server ELU",
      "server µs CPU/delivery",
      "client ELU (each · probe)",
      "machine busy",
      "notes",
    ],
    rows.map((r) => {
      const all = atMost(bound(r));
      const probe = atMost(probeBound(r));
      return [
        serverName(r),
        `${int(r.rate)} (${int(r.writerEntriesPerS)})`,
        `${r.clients - 1} ${r.clientMode} (${r.clientProcesses}, nice 19) + probe`,
        all + ms(r.latency.p50),
        all + ms(r.latency.p99),
        all + ms(r.latency.max),
        `${probe}${ms(r.probeLatency.p50)} / ${ms(r.probeLatency.p99)}`,
        `${ms(r.bareLatency.p50)} / ${ms(r.bareLatency.p99)}`,
        probe + fixed(r.probeLatency.p99 / r.bareLatency.p99, 2),
        targetVerdict(r),
        fixed(r.entriesPerBatch, 1),
        fixed(r.serverCores, 2),
        fixed(r.serverElu ?? NaN, 2),
        fixed(r.serverCpuUsPerDelivery, 2),
        r.clientElus ? elus(r.clientElus, r.probeElu) : fixed(r.clientEluMax, 2),
        fixed(r.machineBusyCores, 2),
        notes(r, r.complete ? [] : [`incomplete: a socket got ${int(r.minReceived)}/${int(r.written)}`]),
      ];
    }),
    [false, true, false, true, true, true, true, true, true, false, true, true, true, true, false, true, false],
  );
}

function feedSalesTable(r: FeedSalesResult): string {
  const row = (what: string, s: FeedStep, sales?: FeedSalesResult["selling"]) => {
    const probe = atMost(probeBound(s));
    const all = atMost(bound(s));
    return [
      what,
      `${int(r.options.rate)} (${int(s.entriesPerS)})`,
      `${probe}${ms(s.probeLag.p50)} / ${ms(s.probeLag.p99)}`,
      `${all}${ms(s.lag.p50)} / ${ms(s.lag.p99)}`,
      sales ? `${ms(sales.saleLatency.p50)} / ${ms(sales.saleLatency.p99)}` : "–",
      sales ? int(sales.soldPerS) : "–",
      sales ? int(sales.attempted - sales.sold) : "–",
      sales ? fixed(sales.serverCpuUsPerSale / 1000, 2) : "–",
      fixed(s.entriesPerBatch, 1),
      fixed(s.serverCores, 2),
      fixed(s.serverElu, 2),
      elus(s.clientElus, s.probeElu),
      fixed(s.machineBusyCores, 2),
      notes(s, [
        ...(s.complete ? [] : [`incomplete: a socket got ${int(s.minReceived)}/${int(s.entries)}`]),
        ...(sales?.firstFailure ? [`first failure: ${sales.firstFailure.replace(/\s+/g, " ").slice(0, 120)}`] : []),
      ]),
    ];
  };
  return markdownTable(
    [
      "step",
      "entries/s (achieved)",
      "probe lag p50/p99 ms",
      "all tabs p50/p99 ms",
      "sale p50/p99 ms",
      "sold/s",
      "not sold",
      "server ms CPU/sale",
      "entries/emit",
      "server cores",
      "server ELU",
      "client ELU (each · probe)",
      "machine busy",
      "notes",
    ],
    [row("idle: a writer XADDs", r.idle), row("selling: POST /api/tickets", r.selling, r.selling)],
    [false, true, true, true, true, true, true, true, true, true, true, false, true, false],
  );
}

function salesTable(rows: SalesResult[]): string {
  return markdownTable(
    [
      "seats per sale",
      "concurrency",
      "requests",
      "requests/s",
      "seats/s",
      "p50 ms",
      "p99 ms",
      "max ms",
      "non-201",
      "server cores",
      "server ELU",
      "server µs CPU/request",
      "notes",
    ],
    rows.map((r) => [
      String(r.seatsPerSale ?? 1),
      String(r.concurrency),
      int(r.requests),
      (bound(r) ? "≥ " : "") + int(r.requestsPerS),
      (bound(r) ? "≥ " : "") + int(r.requestsPerS * (r.seatsPerSale ?? 1)),
      ms(r.latency.p50),
      ms(r.latency.p99),
      ms(r.latency.max),
      int(r.non201),
      fixed(r.serverCores, 2),
      fixed(r.serverElu ?? NaN, 2),
      fixed(r.serverCpuUsPerRequest, 0),
      notes(r, r.firstFailure ? [`first failure: ${r.firstFailure.replace(/\s+/g, " ").slice(0, 120)}`] : []),
    ]),
    [true, true, true, true, true, true, true, true, true, true, true, true, false],
  );
}

function groupsTable(r: GroupsResult): string {
  const row = (what: string, summary: { p50: number; p99: number; max: number }, target: string) => [
    what,
    ms(summary.p50),
    ms(summary.p99),
    ms(summary.max),
    target,
  ];
  const verdict = (p99: number) => (p99 <= 50 ? "met (≤ 50 ms)" : "missed (> 50 ms)");
  return [
    markdownTable(
      ["request (200 each)", "p50 ms", "p99 ms", "max ms", "p99 target"],
      [
        row(`GET /api/groups, ${int(r.groups)} groups`, r.listGroups, verdict(r.listGroups.p99)),
        row(`pending, first page, ${int(r.pending)} pending`, r.pendingFirstPage, verdict(r.pendingFirstPage.p99)),
        row(`pending, page at the middle`, r.pendingDeepPage, verdict(r.pendingDeepPage.p99)),
      ],
      [false, true, true, true, false],
    ),
    "",
    markdownTable(
      ["XAUTOCLAIM via the API", "claimed", "requests", "seconds", "health probe p99 / max ms", "loop blocked > 100 ms"],
      [
        [
          "1,000 per request",
          int(r.autoclaim.claimed),
          int(r.autoclaim.requests),
          fixed(r.autoclaim.seconds, 1),
          `${ms(r.autoclaim.healthProbe.p99)} / ${ms(r.autoclaim.healthProbe.max)}`,
          r.autoclaim.healthProbe.max > 100 ? "yes" : "no",
        ],
      ],
      [false, true, true, true, true, false],
    ),
    "",
    markdownTable(
      ["open tabs", "watcher XINFO calls/s"],
      r.watcher.map((w) => [int(w.tabs), fixed(w.xinfoPerS, 1)]),
      [true, true],
    ),
  ].join("\n");
}

function deskTable(r: DeskResult): string {
  const verdict = (p: DeskResult["pages"][number]) =>
    p.fps >= r.target.fps && p.heapPeakMiB <= r.target.heapMiB ? "met" : `missed (≥ ${r.target.fps} fps, ≤ ${r.target.heapMiB} MB)`;
  const control = r.control
    ? [
        [
          "blank page (control)",
          fixed(r.control.fps, 1),
          "–",
          int(r.control.longFrames),
          ms(r.control.maxFrameMs),
          ...Array<string>(4).fill("–"),
          "no work of its own: the frames it loses are the machine's",
        ],
      ]
    : [];
  return markdownTable(
    [
      "page",
      "fps",
      "fps at rest",
      "frames > 50 ms",
      "longest frame ms",
      "main thread busy",
      "of it JS",
      "JS heap MB (peak)",
      "target",
      "notes",
    ],
    r.pages
      .map((p) => [
        p.path === "/" ? "desk (/): form, chart, feed" : `board (${p.path})`,
        fixed(p.fps, 1),
        fixed(p.idleFps, 1),
        int(p.longFrames),
        ms(p.maxFrameMs),
        `${fixed(p.mainThreadBusy * 100, 0)} %`,
        `${fixed(p.scriptBusy * 100, 0)} %`,
        `${fixed(p.heapMiB, 1)} (${fixed(p.heapPeakMiB, 1)})`,
        verdict(p),
        notes(
          r,
          p.path === "/"
            ? [
                `chart counted ${int(r.chartCounted)} of ${int(r.written)} written`,
                ...(r.titledRows !== undefined ? [`${int(r.titledRows)} feed rows on screen named their film`] : []),
              ]
            : [],
        ),
      ])
      .concat(control),
    [false, true, true, true, true, true, true, true, false, false],
  );
}

function searchTable(r: SearchResult): string {
  const row = (what: string, s: SearchResult["best"]) => [
    what,
    ms(s.firstAnswerMs),
    ms(s.firstResultMs),
    ms(s.totalMs),
    int(s.requests),
    int(s.scanned),
  ];
  return markdownTable(
    ["run", "first answer ms", "first result ms", "total ms", "requests", "entries scanned"],
    [row("median", r.median), row("best", r.best)],
    [false, true, true, true, true, true],
  );
}

function consumersTable(r: ConsumersResult): string {
  return markdownTable(
    [
      "worker",
      "burst",
      "acked",
      "entries/s",
      "XADD→ack p50 / p99 ms",
      "bare entries/s",
      "bare p50 / p99 ms",
      "ratio",
      "worker cores (ELU)",
      "redis cores",
      "machine busy",
      "notes",
    ],
    r.rows.map((row) => {
      const { worker: w, bare: b } = row;
      const extra = w.complete
        ? []
        : [`time-boxed at ${r.timeoutMs / 1000} s: acked ${int(w.acked)} of ${int(row.entries)}, p50/p99 over those`];
      if (!b.complete) extra.push(`bare loop acked ${int(b.acked)} only`);
      if (w.elu >= 0.9) extra.push("worker CPU-bound");
      return [
        row.kind,
        int(row.entries),
        int(w.acked),
        int(w.entriesPerS),
        `${ms(w.latency.p50)} / ${ms(w.latency.p99)}`,
        int(b.entriesPerS),
        `${ms(b.latency.p50)} / ${ms(b.latency.p99)}`,
        // A worker far below the floor still shows its share rather than 0.00.
        fixed(row.ratio, row.ratio < 0.1 ? 3 : 2),
        `${fixed(w.cores, 2)} (${fixed(w.elu, 2)})`,
        fixed(row.redisCores, 2),
        fixed(row.machineBusyCores, 2),
        notes(row, extra),
      ];
    }),
    [false, true, true, true, true, true, true, true, true, true, true, false],
  );
}

function soakTable(r: SoakResult): string {
  const zero = (n: number) => (n === 0 ? "0" : `**${int(n)}**`);
  const failures = Object.entries(r.statuses)
    .filter(([status]) => status !== "201")
    .map(([status, n]) => `${int(n)} × ${status}`)
    .join(", ");
  return [
    markdownTable(
      [
        "sales asked/s",
        "sold/s (achieved)",
        "sold",
        "not sold",
        "sale p50 / p99 ms",
        "acknowledged but missing",
        "written, answered 503",
        "tabs (procs)",
        "lost",
        "duplicated",
        "out of order",
        "feed lag p50 / p99 / worst ms",
      ],
      [
        [
          int(r.options.rate),
          int(r.soldPerS),
          int(r.sold),
          failures || "0",
          `${ms(r.saleLatency.p50)} / ${ms(r.saleLatency.p99)}`,
          zero(r.acknowledgedButMissing),
          int(r.writtenButNotAcknowledged),
          `${r.options.tabs} (${r.listenerProcesses})`,
          zero(r.lost),
          zero(r.duplicated),
          zero(r.outOfOrder + r.unknown),
          `${ms(r.lag.p50)} / ${ms(r.lag.p99)} / ${ms(r.lag.max)}`,
        ],
      ],
      [true, true, true, false, true, true, true, false, true, true, true, true],
    ),
    "",
    `Redis: ${r.restart}; down ${int(r.redisDownMs)} ms, \`GET /api/health\` answered 503 for ${r.healthDownMs === null ? "the rest of the run" : `${int(r.healthDownMs)} ms`}; ` +
      `${r.tabsThatSawDown} of ${r.options.tabs} tabs were told the link was down, ${r.reconnects} socket reconnects, ` +
      `${r.incompleteTabs} tabs incomplete at the end. Stream: ${int(r.streamEntries)} entries. Server ${fixed(r.serverCores, 2)} cores, ` +
      `machine ${fixed(r.machineBusyCores, 2)} cores busy, tab processes' ELU up to ${fixed(r.listenerEluMax, 2)}, seller ELU ${fixed(r.sellerElu, 2)}.` +
      (r.firstFailure ? ` First refusal: ${r.firstFailure.replace(/\s+/g, " ").slice(0, 140)}` : ""),
  ].join("\n");
}

/** The whole run as Markdown; with `before`, the issue-12 summary shows that run's figures beside these. */
export function render(results: Results, before?: { label: string; results: Results }): string {
  const m = results.machine;
  const parts = [
    `### StreamDesk bench, ${m.date.slice(0, 16).replace("T", " ")} UTC`,
    "",
    `${m.cpuModel}, ${m.cores} cores, ${m.memoryGiB} GiB; Node ${m.node}; Redis ${m.redis}; run took ${Math.round(results.durationS)} s` +
      (results.quietWaitS >= 1 ? ` (${Math.round(results.quietWaitS)} s of it waiting for other processes to finish)` : "") +
      `; ${results.server.session}.`,
  ];
  if (results.server.staleBuild) {
    parts.push("", "**Warning**: the production build was older than the sources, so these figures are for older code.");
  }
  if (results.server.cpuProfileDir) {
    parts.push(
      "",
      `**Profiled**: the server ran the V8 profiler in every window (profiles in \`${results.server.cpuProfileDir}\`), so its figures include the profiler's cost.`,
    );
  }
  parts.push(
    "",
    "**Issue 12 targets** (ratios within one run; the probe is one tab alone in its own process).",
    "",
    summaryTable(results, before),
  );
  if (results.fanout.length > 0) {
    const n = results.fanout[0]!.entries;
    parts.push("", `**Fan-out**: a burst of ${int(n)} pipelined XADDs, delivered to every socket.`, "", fanoutTable(results.fanout));
  }
  if (results.latency.length > 0) {
    parts.push("", `**Latency XADD → client** (${results.latency[0]!.durationS} s per rate).`, "", latencyTable(results.latency));
  }
  if (results.feedSales) {
    const f = results.feedSales;
    const within = f.selling.probeLag.p99 <= FEED_SALES_TARGET.p99Ms && f.p99Ratio <= FEED_SALES_TARGET.ratio;
    parts.push(
      "",
      `**Feed under sales**: ${f.options.clients} tabs (${f.clientProcesses} processes, the last the probe), ${int(f.options.rate)} entries/s for ${f.options.durationMs / 1000} s each step; lag is XADD (the entry id's ms) → tab. ` +
        `Probe p99 selling ÷ idle: **${fixed(f.p99Ratio, 2)}×** (target ≤ ${FEED_SALES_TARGET.p99Ms} ms and ≤ ${FEED_SALES_TARGET.ratio}×: ${within ? "met" : "missed"}).`,
      "",
      feedSalesTable(f),
    );
  }
  const salesRows = [results.sales, results.multiSales].filter((r): r is SalesResult => !!r);
  if (salesRows.length > 0) {
    parts.push(
      "",
      `**POST /api/tickets** (${fixed(salesRows[0]!.durationS, 1)} s each; single seats, then 4 seats per sale).`,
      "",
      salesTable(salesRows),
    );
  }
  if (results.groups) {
    parts.push(
      "",
      `**Consumer groups** (set-up of ${int(results.groups.pending)} pending took ${fixed(results.groups.setupS, 0)} s).`,
      "",
      groupsTable(results.groups),
    );
  }
  if (results.desk) {
    const d = results.desk;
    parts.push(
      "",
      `**Desk in Chromium** while a writer XADDs ${int(d.rate)}/s (achieved ${int(d.writerEntriesPerS)}/s); frames counted over ${d.windowS} s; server ${fixed(d.serverCores, 2)} cores, Chromium ${fixed(d.browserCores, 2)} cores, machine ${fixed(d.machineBusyCores, 2)} busy.`,
      "",
      deskTable(d),
    );
  }
  if (results.search) {
    const s = results.search;
    parts.push(
      "",
      `**Search** for one name among ${int(s.streamLength)} entries, the match being the first entry of the stream (${s.runs.length} runs; the feed indexer ${s.indexerCatchUpS === null ? "had not caught up" : `caught up in ${fixed(s.indexerCatchUpS, 0)} s`} before timing).`,
      "",
      searchTable(s),
    );
  }
  if (results.consumers) {
    parts.push(
      "",
      "**Workers against a burst**: each worker in its own process and group, beside a bare XREADGROUP+XACK loop in another, on the same pipelined burst.",
      "",
      consumersTable(results.consumers),
    );
  }
  if (results.soak) {
    const o = results.soak.options;
    parts.push(
      "",
      `**Soak**: ${o.durationMs / 1000} s of POST /api/tickets at ${int(o.rate)}/s with ${o.tabs} tabs, Redis killed at ${o.killAtMs / 1000} s.`,
      "",
      soakTable(results.soak),
    );
  }
  parts.push(
    "",
    "≥ / ≤: a measuring process (ELU ≥ 0.9) or the whole machine was saturated, so the figure is a bound for the server alone: a rate at least, a latency at most this.",
  );
  for (const error of results.errors) parts.push("", `**Failed**: ${error}`);
  return parts.join("\n");
}
