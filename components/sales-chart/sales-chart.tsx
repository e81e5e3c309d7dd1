"use client";

import "uplot/dist/uPlot.min.css";
import type uPlot from "uplot";
import { memo, useEffect, useRef, useState, useSyncExternalStore } from "react";
import { HOUR_MS, MINUTE_MS, salesStats, type Resolution, type Series } from "./sales-store";
import { RenderThrottle } from "@/components/ui/render-throttle";
import { ChartTooltip, type Hover } from "./chart-tooltip";

const HEIGHT = 120;
/**
 * The canvas is redrawn in an animation frame at most this often. Counting stays per batch; a bar that
 * grows ten times a second looks as live as one that grows sixty, and a canvas redraw is the dearest
 * thing the desk does per frame (on a machine without a GPU, Chromium rasterises it on the CPU).
 */
const MIN_REDRAW_MS = 100;
const LABEL: Record<Resolution, { bucket: string; window: string; current: string }> = {
  minute: { bucket: "Per minute", window: "Last hour", current: "This minute" },
  hour: { bucket: "Per hour", window: "Last 24 hours", current: "This hour" },
};

type Figures = Pick<Series, "current" | "total">;

const clock = new Intl.DateTimeFormat(undefined, { hour: "2-digit", minute: "2-digit", hour12: false });
const BUCKET_S: Record<Resolution, number> = { minute: MINUTE_MS / 1000, hour: HOUR_MS / 1000 };

/**
 * Sales (up) and refunds (down) per minute for the last hour or per hour for the day, live. The chart is
 * created once per resolution and fed new arrays at most once per animation frame. Memoised: it has no
 * props, and the desk around it re-renders with every sold count.
 */
export const SalesChart = memo(function SalesChart() {
  const [resolution, setResolution] = useState<Resolution>("minute");
  const [figures, setFigures] = useState<Figures>({ current: { sales: 0, refunds: 0 }, total: { sales: 0, refunds: 0 } });
  const plotRef = useRef<HTMLDivElement>(null);
  const [hover, setHover] = useState<Hover | null>(null);
  const { loaded, error } = useSyncExternalStore(salesStats.subscribe, salesStats.getState, salesStats.getState);

  useEffect(() => {
    salesStats.start();
    const container = plotRef.current;
    if (!container) return;
    let chart: uPlot | null = null;
    let disposed = false;
    let drawn = { version: -1, x0: -1 };

    const draw = () => {
      const series = salesStats.series(resolution, Date.now());
      const x0 = series.x[0] ?? 0;
      if (drawn.version === salesStats.version && drawn.x0 === x0 && chart) return;
      drawn = { version: salesStats.version, x0 };
      chart?.setData([series.x, series.sales, series.refunds]);
      setFigures((old) => (same(old, series) ? old : { current: series.current, total: series.total }));
    };
    const throttle = new RenderThrottle(MIN_REDRAW_MS, draw);
    const schedule = () => throttle.schedule();
    const unsubscribe = salesStats.subscribe(schedule);
    // The window moves on with the clock even when nothing is sold.
    const tick = setInterval(schedule, 1000);

    void import("uplot").then(({ default: UPlot }) => {
      if (disposed) return;
      const series = salesStats.series(resolution, Date.now());
      const bars = UPlot.paths.bars?.({ size: [0.75, 24], align: 1 });
      chart = new UPlot(
        {
          width: Math.max(200, container.clientWidth),
          height: HEIGHT,
          legend: { show: false },
          cursor: { show: true, x: true, y: false, points: { show: false } },
          hooks: {
            // The bucket under the pointer, for the tooltip; idx is null once the pointer leaves the plot.
            setCursor: [
              (u) => {
                const idx = u.cursor.idx;
                const start = idx === null || idx === undefined ? undefined : u.data[0][idx];
                setHover(
                  start === undefined
                    ? null
                    : {
                        startMs: start * 1000,
                        sizeMs: BUCKET_S[resolution] * 1000,
                        left: u.cursor.left ?? 0,
                        sales: u.data[1]?.[idx!] ?? 0,
                        refunds: -(u.data[2]?.[idx!] ?? 0),
                      },
                );
              },
            ],
          },
          // Room on the right for the last time label, which is centred on the chart's edge.
          padding: [8, 20, 0, 0],
          scales: {
            // Each bar starts at its bucket's start; the scale runs to the end of the current bucket.
            x: { time: true, range: (_u, min, max) => [min, max + BUCKET_S[resolution]] },
            // Refunds hang below zero: keep room for them to be seen beside a tall sales bar.
            y: {
              range: (_u, min, max) => {
                const top = Math.max(1, max);
                return [min < 0 ? Math.min(min, -top * 0.25) : 0, top];
              },
            },
          },
          series: [
            {},
            { label: "Sales", stroke: "#047857", fill: "rgba(16, 185, 129, 0.75)", paths: bars, points: { show: false } },
            { label: "Refunds", stroke: "#6d28d9", fill: "rgba(139, 92, 246, 0.75)", paths: bars, points: { show: false } },
          ],
          axes: [
            {
              stroke: "#64748b",
              grid: { show: false },
              ticks: { stroke: "#cbd5e1" },
              font: "11px system-ui, sans-serif",
              size: 28,
              values: (_u, splits) => splits.map((s) => clock.format(s * 1000)),
            },
            {
              stroke: "#64748b",
              size: 36,
              grid: { stroke: "#e2e8f0" },
              ticks: { show: false },
              font: "11px system-ui, sans-serif",
              values: (_u, splits) => splits.map((v) => (Number.isInteger(v) ? String(Math.abs(v)) : "")),
            },
          ],
        },
        [series.x, series.sales, series.refunds],
        container,
      );
      drawn = { version: -1, x0: -1 };
      schedule();
    });

    const resize = new ResizeObserver(() => chart?.setSize({ width: Math.max(200, container.clientWidth), height: HEIGHT }));
    resize.observe(container);

    return () => {
      disposed = true;
      unsubscribe();
      clearInterval(tick);
      resize.disconnect();
      throttle.cancel();
      chart?.destroy();
    };
  }, [resolution]);

  const label = LABEL[resolution];
  return (
    <section aria-labelledby="chart-title" className="rounded-xl border border-slate-200 bg-white shadow-sm" data-testid="sales-chart">
      <header className="flex flex-wrap items-center gap-x-4 gap-y-1 border-b border-slate-200 px-4 py-2">
        <h2 id="chart-title" className="text-base font-semibold">
          Sales
        </h2>
        <div role="group" aria-label="Chart resolution" className="flex rounded-lg border border-slate-300 p-0.5 text-xs">
          {(["minute", "hour"] as const).map((option) => (
            <button
              key={option}
              type="button"
              aria-pressed={resolution === option}
              onClick={() => setResolution(option)}
              className={`rounded-md px-2 py-0.5 font-medium ${resolution === option ? "bg-slate-900 text-white" : "text-slate-600 hover:bg-slate-100"}`}
            >
              {LABEL[option].bucket}
            </button>
          ))}
        </div>
        <p className="flex gap-3 text-xs text-slate-600">
          <span className="flex items-center gap-1.5">
            <span aria-hidden className="inline-block h-2.5 w-2.5 rounded-sm bg-emerald-500" /> Sales
          </span>
          <span className="flex items-center gap-1.5">
            <span aria-hidden className="inline-block h-2.5 w-2.5 rounded-sm bg-violet-500" /> Refunds (below)
          </span>
        </p>
        <p className="ml-auto flex flex-wrap items-baseline gap-x-3 text-sm text-slate-600" aria-live="off">
          <span>
            {label.current}{" "}
            <strong className="tabular-nums text-emerald-700" data-testid="chart-current-sales">
              {figures.current.sales}
            </strong>{" "}
            {figures.current.sales === 1 ? "sale" : "sales"},{" "}
            <strong className="tabular-nums text-violet-700" data-testid="chart-current-refunds">
              {figures.current.refunds}
            </strong>{" "}
            {figures.current.refunds === 1 ? "refund" : "refunds"}
          </span>
          <span className="text-slate-600">
            {label.window}:{" "}
            <span className="tabular-nums" data-testid="chart-total-sales">
              {figures.total.sales}
            </span>{" "}
            sold,{" "}
            <span className="tabular-nums" data-testid="chart-total-refunds">
              {figures.total.refunds}
            </span>{" "}
            refunded
          </span>
        </p>
      </header>
      <div className="relative px-2 pt-1 pb-2">
        <div
          ref={plotRef}
          role="img"
          aria-label={`${label.bucket}, ${label.window.toLowerCase()}: ${figures.total.sales} sales (bars above the line), ${figures.total.refunds} refunds (bars below it).`}
          style={{ height: HEIGHT }}
        />
        {hover ? <ChartTooltip hover={hover} /> : null}
        {!loaded ? (
          <p
            className={`absolute inset-0 flex items-center justify-center text-sm ${error ? "text-red-700" : "text-slate-600"}`}
            role={error ? "alert" : undefined}
          >
            {error ?? "Loading sales figures…"}
          </p>
        ) : error ? (
          <p className="px-2 text-xs text-red-700">{error}</p>
        ) : null}
      </div>
    </section>
  );
});

function same(old: Figures, next: Figures): boolean {
  return (
    old.current.sales === next.current.sales &&
    old.current.refunds === next.current.refunds &&
    old.total.sales === next.total.sales &&
    old.total.refunds === next.total.refunds
  );
}
