import { FEED_SALES_TARGET } from "./phases/feed-sales";
import type { Results } from "./report";
import { atLeast, atMost, bound, probeBound } from "./support/bounds";
import { fixed, int, markdownTable, ms } from "./support/table";

interface Figure {
  text: string;
  /** Whether the target was met; null when this run has no figure to judge (an older run's stand-in). */
  ok: boolean | null;
  /** The figure was measured while something was saturated (see bounds.ts). */
  saturated: boolean;
}

const NONE: Figure = { text: "–", ok: null, saturated: false };

/** Issue 12's table, one row per target, each read from the run's own rows. */
const ROWS: { figure: string; target: string; read(r: Results): Figure }[] = [
  {
    figure: "p99 XADD → tab, 100 tabs at 1,000/s, ÷ bare consumer",
    target: "≤ 1.3× (stretch 1.15×)",
    read: (r) => {
      const l = r.latency.find((x) => x.rate === 1_000 && x.clients === 100 && (x.server ?? "app") === "app");
      if (!l) return NONE;
      const probe = l.probeLatency.p99 / l.bareLatency.p99;
      const all = l.latency.p99 / l.bareLatency.p99;
      return {
        text: `${atMost(probeBound(l))}${fixed(probe, 2)}× (probe ${ms(l.probeLatency.p99)} ÷ bare ${ms(l.bareLatency.p99)} ms; all tabs ${atMost(bound(l))}${fixed(all, 1)}×)`,
        ok: probe <= 1.3,
        saturated: probeBound(l),
      };
    },
  },
  {
    figure: "p50 XADD → tab at 1,000/s",
    target: "≤ 2 ms",
    read: (r) => {
      const l = r.latency.find((x) => x.rate === 1_000 && x.clients === 100 && (x.server ?? "app") === "app");
      if (!l) return NONE;
      return {
        text: `${atMost(probeBound(l))}${ms(l.probeLatency.p50)} ms at the probe (all tabs ${atMost(bound(l))}${ms(l.latency.p50)}; bare ${ms(l.bareLatency.p50)})`,
        ok: l.probeLatency.p50 <= 2,
        saturated: probeBound(l),
      };
    },
  },
  {
    figure: "fan-out to 10 tabs, burst, ÷ bare consumer",
    target: "≥ 0.9",
    read: (r) => {
      const f = r.fanout.find((x) => x.clients === 10);
      if (!f) return NONE;
      return { text: `${atLeast(bound(f))}${fixed(f.ratio, 2)}`, ok: f.ratio >= 0.9, saturated: bound(f) };
    },
  },
  {
    figure: "server CPU per tab-delivery, 10 tabs, burst",
    target: "≤ 1.0 µs",
    read: (r) => {
      const f = r.fanout.find((x) => x.clients === 10);
      if (!f) return NONE;
      return { text: `${fixed(f.serverCpuUsPerDelivery, 2)} µs`, ok: f.serverCpuUsPerDelivery <= 1, saturated: false };
    },
  },
  {
    figure: "feed lag p99 while the same instance sells 300/s",
    target: `≤ ${FEED_SALES_TARGET.p99Ms} ms, and ≤ ${FEED_SALES_TARGET.ratio}× the idle p99`,
    read: (r) => {
      const f = r.feedSales;
      if (!f) {
        // Runs before the phase existed had only the soak: a higher rate, and a Redis kill in the middle.
        const s = r.soak;
        return s ? { text: `soak: ${ms(s.lag.p99)} ms at ${int(s.soldPerS)} sold/s, with a Redis kill`, ok: null, saturated: false } : NONE;
      }
      const saturated = probeBound(f.selling) || probeBound(f.idle);
      return {
        text:
          `${atMost(saturated)}${ms(f.selling.probeLag.p99)} ms = ${fixed(f.p99Ratio, 2)}× idle ${ms(f.idle.probeLag.p99)} ms ` +
          `(${int(f.selling.soldPerS)} sold/s, sale p99 ${ms(f.selling.saleLatency.p99)} ms)`,
        ok: f.selling.probeLag.p99 <= FEED_SALES_TARGET.p99Ms && f.p99Ratio <= FEED_SALES_TARGET.ratio,
        saturated,
      };
    },
  },
  {
    figure: "CPU per sale through POST /api/tickets",
    target: "≤ 1.0 ms",
    read: (r) => {
      const s = r.sales;
      if (!s) return NONE;
      return {
        text: `${fixed(s.serverCpuUsPerRequest / 1000, 2)} ms (${int(s.requestsPerS)} sales/s)`,
        ok: s.serverCpuUsPerRequest <= 1000,
        saturated: false,
      };
    },
  },
  {
    figure: "desk fps at 2,000 entries/s (longest frame)",
    target: "≥ 55 fps, no frame over 50 ms",
    read: (r) => {
      const page = (path: string) => r.desk?.pages.find((p) => p.path === path);
      const desk = page("/");
      if (!r.desk || !desk) return NONE;
      const board = page("/screenings");
      return {
        text:
          `${fixed(desk.fps, 1)} fps (${ms(desk.maxFrameMs)} ms)` +
          (board ? `; board ${fixed(board.fps, 1)} fps (${ms(board.maxFrameMs)} ms)` : "") +
          (r.desk.control ? `; a blank page ${fixed(r.desk.control.fps, 1)} fps (${ms(r.desk.control.maxFrameMs)} ms)` : ""),
        ok: desk.fps >= 55 && desk.maxFrameMs <= 50,
        saturated: false,
      };
    },
  },
];

function verdict(f: Figure): string {
  if (f.ok === null) return "–";
  if (f.ok) return "met";
  return f.saturated ? "missed (box saturated)" : "missed";
}

const day = (r: Results) => r.machine.date.slice(0, 16).replace("T", " ");

/** The targets for this run and, when given, the same figures from an earlier one beside them. */
export function summaryTable(after: Results, before?: { label: string; results: Results }, afterLabel = "this run"): string {
  const headers = [
    "figure",
    ...(before ? [`${before.label} (${day(before.results)})`] : []),
    `${afterLabel} (${day(after)})`,
    "target",
    "verdict",
  ];
  return markdownTable(
    headers,
    ROWS.map((row) => {
      const now = row.read(after);
      return [row.figure, ...(before ? [row.read(before.results).text] : []), now.text, row.target, verdict(now)];
    }),
    headers.map(() => false),
  );
}
