import { waitForIndexer, type Rig } from "./rig";
import { startWriter } from "./workers";

export interface SearchRun {
  /** From the first request until the first answer holding the needle, ms. */
  firstResultMs: number;
  /** From the first request until the answer whose cursor is null (the scan reached the start), ms. */
  totalMs: number;
  /** From the first request until its answer (the first progress a person sees), ms. */
  firstAnswerMs: number;
  requests: number;
  scanned: number;
  found: number;
}

export interface SearchResult {
  streamLength: number;
  /** Entries between the needle and the start of the stream. */
  needleDepth: number;
  setupS: number;
  /** Seconds the feed indexer took to catch up after the bulk write (the search was timed after). */
  indexerCatchUpS: number | null;
  runs: SearchRun[];
  best: SearchRun;
  median: SearchRun;
}

const NEEDLE = "Needle Haystack";

/**
 * `GET /api/tickets/search` over a stream of `entries` entries: a name that matches one entry, the first
 * of the stream, so the search scans all of it. A writer process fills the stream first; this
 * process then pages through the search as the browser does (cursor after cursor) and times it.
 */
export async function search(rig: Rig, { entries, runs }: { entries: number; runs: number }): Promise<SearchResult> {
  const started = performance.now();
  // The last phase of a run: the stream starts afresh, so it holds exactly `entries` with the needle first
  // of all. (Earlier phases' consumer groups, with their pending lists, go with it.)
  await rig.redis.del(rig.stream);
  const needleDepth = 0;
  await rig.redis.xadd(rig.stream, "*", "name", NEEDLE, "seat", "A1", "movieId", "1", "sessionId", "1");
  const writer = await startWriter();
  try {
    await writer.call("connect", { redisUrl: rig.redisUrl, stream: rig.stream });
    await writer.call("burst", { count: entries - 1, movieId: rig.nextMovieId() });
  } finally {
    await writer.stop();
  }
  const setupS = (performance.now() - started) / 1000;
  const indexerCatchUpS = await waitForIndexer(rig, 180_000);
  const streamLength = Number(await rig.redis.xlen(rig.stream));

  const results: SearchRun[] = [];
  for (let i = 0; i < runs; i++) results.push(await once(rig));
  const byTotal = [...results].sort((a, b) => a.totalMs - b.totalMs);
  return {
    streamLength,
    needleDepth,
    setupS,
    indexerCatchUpS,
    runs: results,
    best: byTotal[0]!,
    median: byTotal[Math.floor(byTotal.length / 2)]!,
  };
}

async function once(rig: Rig): Promise<SearchRun> {
  const t0 = performance.now();
  let cursor: string | null = null;
  let firstResultMs = NaN;
  let firstAnswerMs = NaN;
  let requests = 0;
  let scanned = 0;
  let found = 0;
  do {
    const query = new URLSearchParams({ name: "haystack", count: "50" });
    if (cursor) query.set("cursor", cursor);
    const response = await fetch(`${rig.appUrl}/api/tickets/search?${query}`, { headers: rig.session.headers });
    const body = (await response.json()) as { entries?: unknown[]; cursor?: string | null; scanned?: number; error?: string };
    if (!response.ok || !body.entries) throw new Error(`search answered ${response.status}: ${body.error ?? "no entries"}`);
    requests++;
    if (requests === 1) firstAnswerMs = performance.now() - t0;
    scanned += body.scanned ?? 0;
    found += body.entries.length;
    if (found > 0 && Number.isNaN(firstResultMs)) firstResultMs = performance.now() - t0;
    cursor = body.cursor ?? null;
  } while (cursor !== null);
  if (found !== 1) throw new Error(`the search found ${found} entries named ${NEEDLE}, not 1`);
  return { firstResultMs, totalMs: performance.now() - t0, firstAnswerMs, requests, scanned, found };
}
