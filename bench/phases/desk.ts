import { chromium, type CDPSession, type Page } from "@playwright/test";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { processTree } from "../support/cpu";
import { cores, measure, saturation, waitForIndexer, type Rig, type Saturation } from "./rig";
import { startWriter } from "./workers";

const CHROMIUM = "/usr/bin/chromium";
const VIEWPORT = { width: 1440, height: 900 };
/** The writer runs this long before frames are counted, so the pages are in their steady state. */
const WARM_UP_MS = 3000;

export interface PageFigures {
  path: string;
  /** requestAnimationFrame callbacks per second over the window. */
  fps: number;
  /** Frames that took longer than 50 ms (a visible stutter), and the longest, ms. */
  longFrames: number;
  maxFrameMs: number;
  /** The same with no entries arriving: what this machine's Chromium manages for the page at rest. */
  idleFps: number;
  /** Share of the window the page's main thread ran tasks, and JavaScript within them (CDP TaskDuration, ScriptDuration). */
  mainThreadBusy: number;
  scriptBusy: number;
  /** JSHeapUsedSize from CDP Performance.getMetrics: at the end, and the highest sample (once a second). */
  heapMiB: number;
  heapPeakMiB: number;
}

export interface DeskResult {
  rate: number;
  windowS: number;
  written: number;
  writerEntriesPerS: number;
  /** Sales the desk's chart counted during the run: every entry written should be in it. */
  chartCounted: number;
  /** Feed rows on screen at the end that showed a film title from the programme (all of them should). */
  titledRows?: number;
  pages: PageFigures[];
  /**
   * A blank page in the same browser, its frames counted over the same window: it does no work of its own,
   * so a frame it loses is the machine's (a wait for a core), not a page's. Absent before 2026-12-03 14:00.
   */
  control?: { fps: number; longFrames: number; maxFrameMs: number };
  target: { fps: number; heapMiB: number };
  serverCores: number;
  browserCores: number;
  machineBusyCores: number;
  saturation: Saturation;
}

export const DESK_TARGET = { fps: 50, heapMiB: 150 };

interface Frames {
  frames: number;
  elapsed: number;
  longFrames: number;
  maxFrameMs: number;
}

/**
 * Counts animation frames in the page for `ms`. Plain JavaScript in a string: a function from this file
 * would reach the browser as tsx compiled it, helpers and all.
 */
const COUNT_FRAMES = `(ms) => new Promise((resolve) => {
  let frames = 0, longFrames = 0, maxFrameMs = 0;
  const start = performance.now();
  let last = start;
  const step = (now) => {
    const gap = now - last;
    last = now;
    if (frames > 0) {
      if (gap > 50) longFrames++;
      maxFrameMs = Math.max(maxFrameMs, gap);
    }
    frames++;
    if (now - start < ms) requestAnimationFrame(step);
    else resolve({ frames, elapsed: now - start, longFrames, maxFrameMs });
  };
  requestAnimationFrame(step);
})`;

/** What DevTools' Performance panel records, plus the compositor's and V8's own events, for bench/frame-trace.ts. */
const TRACE_CATEGORIES = [
  "toplevel",
  "devtools.timeline",
  "disabled-by-default-devtools.timeline",
  "disabled-by-default-devtools.timeline.frame",
  "v8",
  "v8.execute",
  "blink",
  "cc",
  "viz",
  "gpu",
  "benchmark",
];

async function metrics(cdp: CDPSession): Promise<Record<string, number>> {
  const { metrics } = await cdp.send("Performance.getMetrics");
  return Object.fromEntries(metrics.map((m) => [m.name, m.value]));
}

async function heapMiB(cdp: CDPSession): Promise<number> {
  return ((await metrics(cdp)).JSHeapUsedSize ?? NaN) / 2 ** 20;
}

const chartTotal = async (page: Page) => Number(((await page.getByTestId("chart-total-sales").textContent()) ?? "").replace(/\D/g, ""));

/**
 * The desk (`/`: sale form, sales chart, live feed) and the screenings board in Chromium, while a writer
 * process XADDs `rate` entries a second: frame rate and JS heap of each page over `windowMs`. The browser
 * and the writer are processes of their own; this process only reads the figures at the end.
 */
export async function desk(rig: Rig, { rate, windowMs }: { rate: number; windowMs: number }): Promise<DeskResult> {
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
  });
  const writer = await startWriter();
  try {
    await writer.call("connect", { redisUrl: rig.redisUrl, stream: rig.stream });
    const cookies = (rig.session.headers.cookie ?? "")
      .split("; ")
      .filter(Boolean)
      .map((pair) => {
        const eq = pair.indexOf("=");
        return { name: pair.slice(0, eq), value: pair.slice(eq + 1), url: rig.appUrl };
      });
    // Earlier phases wrote millions of entries: the pages go live only once the server has read them.
    if ((await waitForIndexer(rig, 180_000)) === null) throw new Error("the server's feed indexer did not catch up within 180 s");
    const pages: { path: string; page: Page; cdp: CDPSession }[] = [];
    for (const path of ["/", "/screenings"]) {
      // A context each, like two staff members' screens: neither is a background tab.
      const context = await browser.newContext({ viewport: VIEWPORT });
      await context.addCookies(cookies);
      const page = await context.newPage();
      await page.goto(rig.appUrl + path);
      await page.getByTestId("link-state").and(page.locator('[data-state="live"]')).waitFor({ timeout: 30_000 });
      const cdp = await context.newCDPSession(page);
      await cdp.send("Performance.enable");
      pages.push({ path, page, cdp });
    }
    // The control: nothing on it but the frame counter.
    const control = await (await browser.newContext({ viewport: VIEWPORT })).newPage();
    await control.setContent("<!doctype html><title>control</title><p>A blank page: its frames are the machine's.</p>");
    // Every entry the writer sends names a showing of the programme, so every feed row, board card and
    // chart tooltip resolves a title, a start and a hall: the desk is measured as a box office sees it.
    const movieId = rig.nextMovieId();
    await importProgramme(rig, movieId, Math.ceil((rate * (WARM_UP_MS + windowMs + 500)) / 1000 / 200) + 1);
    const deskPage = pages[0]!.page;
    await deskPage.getByTestId("sales-chart").locator("canvas").waitFor({ timeout: 30_000 });
    const before = await chartTotal(deskPage);

    // At rest first, one page at a time: the machine's own ceiling for these pages.
    const idle: Frames[] = [];
    for (const { page } of pages) idle.push(await page.evaluate<Frames>(`(${COUNT_FRAMES})(3000)`));

    const writing = writer.call("paced", { rate, durationMs: WARM_UP_MS + windowMs + 500, movieId });
    // Awaited below; until then a failure elsewhere must not turn the writer's stop into an unhandled rejection.
    writing.catch(() => {});
    await new Promise((resolve) => setTimeout(resolve, WARM_UP_MS));
    const window = measure(rig, { writer: [writer.pid], browser: browserPids() });
    const peaks = pages.map(() => 0);
    const sampler = setInterval(() => {
      pages.forEach(
        ({ cdp }, i) =>
          void heapMiB(cdp).then(
            (mib) => (peaks[i] = Math.max(peaks[i]!, mib)),
            () => {},
          ),
      );
    }, 1000);
    // Every process of the browser (both renderers, the compositor's): what each long frame was.
    if (rig.traceDir) {
      await browser.startTracing(undefined, { path: join(rig.traceDir, "desk-trace.json"), categories: TRACE_CATEGORIES });
      // And each page's JavaScript, sampled (readable names need a build with productionBrowserSourceMaps).
      for (const { cdp } of pages) await cdp.send("Profiler.enable");
      for (const { cdp } of pages) await cdp.send("Profiler.start");
      // Tells bench/frame-trace.ts which renderer shows which page.
      for (const { path, page } of pages) await page.evaluate(`console.timeStamp("bench page ${path}")`);
    }
    const startMetrics = await Promise.all(pages.map(({ cdp }) => metrics(cdp)));
    const [controlFrames, ...frames] = await Promise.all(
      [control, ...pages.map(({ page }) => page)].map((page) => page.evaluate<Frames>(`(${COUNT_FRAMES})(${windowMs})`)),
    );
    const endMetrics = await Promise.all(pages.map(({ cdp }) => metrics(cdp)));
    if (rig.traceDir) {
      await browser.stopTracing();
      // What a person saw while the entries poured in, and the feed in the middle of a scroll.
      for (const { path, page } of pages) await page.screenshot({ path: join(rig.traceDir, `desk${path.replace(/\//g, "-")}.png`) });
      await deskPage.getByTestId("feed").hover();
      await deskPage.mouse.wheel(0, 1500);
      await deskPage.screenshot({ path: join(rig.traceDir, "desk-scrolling.png") });
      // Back to the newest, where the rows are counted below.
      await deskPage.getByTestId("feed").evaluate((feed) => (feed.scrollTop = 0));
      for (const { path, cdp } of pages) {
        const { profile } = await cdp.send("Profiler.stop");
        writeFileSync(join(rig.traceDir, `desk${path.replace(/\//g, "-")}.cpuprofile`), JSON.stringify(profile));
      }
    }
    clearInterval(sampler);
    const m = window();
    const heaps = await Promise.all(pages.map(({ cdp }) => heapMiB(cdp)));
    const write = await writing;
    // Let the last entries reach the chart before reading its count.
    await new Promise((resolve) => setTimeout(resolve, 1500));
    const after = await chartTotal(deskPage);
    const titled = await deskPage.getByTestId("entry-title").count();

    return {
      rate,
      windowS: windowMs / 1000,
      written: write.written,
      writerEntriesPerS: write.written / ((write.finishedAt - write.startedAt) / 1000),
      chartCounted: after - before,
      titledRows: titled,
      pages: pages.map(({ path }, i) => {
        const f = frames[i]!;
        const busy = (name: string) => ((endMetrics[i]![name] ?? 0) - (startMetrics[i]![name] ?? 0)) / (f.elapsed / 1000);
        return {
          path,
          fps: (f.frames - 1) / (f.elapsed / 1000),
          idleFps: (idle[i]!.frames - 1) / (idle[i]!.elapsed / 1000),
          mainThreadBusy: busy("TaskDuration"),
          scriptBusy: busy("ScriptDuration"),
          longFrames: f.longFrames,
          maxFrameMs: f.maxFrameMs,
          heapMiB: heaps[i]!,
          heapPeakMiB: Math.max(peaks[i]!, heaps[i]!),
        };
      }),
      control: {
        fps: (controlFrames!.frames - 1) / (controlFrames!.elapsed / 1000),
        longFrames: controlFrames!.longFrames,
        maxFrameMs: controlFrames!.maxFrameMs,
      },
      target: DESK_TARGET,
      serverCores: cores(m, "server"),
      browserCores: cores(m, "browser"),
      machineBusyCores: m.cpu.machineBusyCores,
      saturation: saturation([], m.cpu),
    };
  } finally {
    await writer.stop();
    await browser.close();
  }
}

/**
 * A programme in which the writer's movie is "Bench Feature" and each of its `sessions` sessions (1, 2, …:
 * the writer moves to the next one every 200 seats) is a showing in one 10 × 20 hall, three minutes apart.
 */
async function importProgramme(rig: Rig, movieId: number, sessions: number): Promise<void> {
  const start = Date.now() + 60 * 60_000;
  const document = {
    movies: [{ movieId, title: "Bench Feature" }],
    halls: [
      { hallId: "bench", name: "Hall B", rows: Array.from({ length: 10 }, (_, i) => ({ row: String.fromCharCode(65 + i), seats: 20 })) },
    ],
    showings: Array.from({ length: sessions }, (_, i) => ({
      sessionId: i + 1,
      movieId,
      hallId: "bench",
      startsAt: new Date(start + i * 3 * 60_000).toISOString(),
      price: 1000,
    })),
  };
  const response = await fetch(`${rig.appUrl}/api/program/import`, {
    method: "POST",
    headers: { ...rig.session.headers, "content-type": "application/json" },
    body: JSON.stringify(document),
  });
  if (!response.ok) throw new Error(`importing the bench programme answered ${response.status}: ${await response.text()}`);
}

/** Chromium's processes (browser, renderers, GPU, utility) among everything this process started. */
function browserPids(): number[] {
  return processTree(process.pid).filter((pid) => {
    try {
      return /chrom/i.test(readFileSync(`/proc/${pid}/comm`, "utf8"));
    } catch {
      return false;
    }
  });
}
