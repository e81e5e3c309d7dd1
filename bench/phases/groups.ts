import { io as connect, type Socket } from "socket.io-client";
import { Histogram, type Summary } from "../support/histogram";
import type { Rig } from "./rig";

export interface GroupsResult {
  groups: number;
  pending: number;
  setupS: number;
  listGroups: Summary;
  pendingFirstPage: Summary;
  pendingDeepPage: Summary;
  autoclaim: { claimed: number; requests: number; seconds: number; healthProbe: Summary };
  /** XINFO calls per second that the group watcher sends, by number of open tabs. */
  watcher: { tabs: number; xinfoPerS: number }[];
}

const BIG = "big";
const SMALL_GROUPS = 99;
const BATCH = 10_000;

/** Delivers everything new to one consumer inside Redis, so a million entries never cross the wire. */
const DELIVER = `
local reply = redis.call('XREADGROUP', 'GROUP', ARGV[1], ARGV[2], 'COUNT', ARGV[3], 'STREAMS', KEYS[1], '>')
if not reply then return 0 end
return #reply[1][2]
`;

async function timed(times: number, work: () => Promise<Response>): Promise<Summary> {
  // Unmeasured first requests: the table is about a warm server, not route loading and JIT.
  for (let i = 0; i < 20; i++) await (await work()).arrayBuffer();
  const histogram = new Histogram();
  for (let i = 0; i < times; i++) {
    const started = performance.now();
    const response = await work();
    await response.arrayBuffer();
    if (!response.ok) throw new Error(`answered ${response.status}`);
    histogram.record(performance.now() - started);
  }
  return histogram.summary();
}

async function xinfoCalls(rig: Rig): Promise<number> {
  // Redis 7 counts each subcommand on its own line: cmdstat_xinfo|groups, cmdstat_xinfo|consumers.
  const info = await rig.redis.info("commandstats");
  return [...info.matchAll(/^cmdstat_xinfo[^:]*:calls=(\d+)/gm)].reduce((sum, match) => sum + Number(match[1]), 0);
}

/**
 * Issue 3's figures: group list and pending pages with 100 groups and a group holding `pending`
 * messages, XAUTOCLAIM of `autoclaim` messages through the API while a health probe watches for a
 * blocked event loop, and the watcher's Redis commands with 1 and 100 tabs.
 */
export async function groups(rig: Rig, plan: { pending: number; autoclaim: number; watchMs: number }): Promise<GroupsResult> {
  const { redis, stream, appUrl, session } = rig;
  const started = performance.now();
  await redis.xgroup("CREATE", stream, BIG, "$", "MKSTREAM");
  for (let i = 0; i < SMALL_GROUPS; i++) await redis.xgroup("CREATE", stream, `group-${i}`, "$");
  let middleId = "";
  for (let written = 0; written < plan.pending; written += BATCH) {
    const pipeline = redis.pipeline();
    // Not tickets: the feed indexer would record a seat and a screening for each, and later phases would
    // measure a board of a million screenings rather than the desk.
    for (let i = 0; i < BATCH; i++) pipeline.xadd(stream, "*", "name", "Guest", "note", "groups bench");
    const replies = (await pipeline.exec()) ?? [];
    if (written <= plan.pending / 2 && plan.pending / 2 < written + BATCH) middleId = replies[plan.pending / 2 - written]?.[1] as string;
  }
  let delivered = 0;
  for (;;) {
    const n = Number(await redis.eval(DELIVER, 1, stream, BIG, "consumer-1", BATCH));
    delivered += n;
    if (n === 0) break;
  }
  const setupS = (performance.now() - started) / 1000;

  const headers = session.headers;
  const get = (path: string) => fetch(`${appUrl}${path}`, { headers });
  const listGroups = await timed(200, () => get("/api/groups"));
  const pendingFirstPage = await timed(200, () => get(`/api/groups/${BIG}/pending?count=50`));
  const pendingDeepPage = await timed(200, () => get(`/api/groups/${BIG}/pending?count=50&after=${middleId}`));

  // A stand-in for event-loop delay: health requests every 20 ms answer late when the loop is blocked.
  const probe = new Histogram();
  let probing = true;
  const prober = (async () => {
    while (probing) {
      const t = performance.now();
      await (await get("/api/health")).arrayBuffer();
      probe.record(performance.now() - t);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  })();
  const claimStarted = performance.now();
  let cursor = "0-0";
  let claimed = 0;
  let requests = 0;
  do {
    const response = await fetch(`${appUrl}/api/groups/${BIG}/autoclaim`, {
      method: "POST",
      headers: { ...headers, "content-type": "application/json" },
      body: JSON.stringify({ consumer: "rescuer", minIdleMs: 0, cursor, count: 1000 }),
    });
    const body = (await response.json()) as { cursor: string; claimed: number; error?: string };
    if (!response.ok) throw new Error(`autoclaim answered ${response.status}: ${body.error}`);
    requests++;
    claimed += body.claimed;
    cursor = body.cursor;
  } while (cursor !== "0-0" && claimed < plan.autoclaim);
  const claimSeconds = (performance.now() - claimStarted) / 1000;
  probing = false;
  await prober;

  const watcher: GroupsResult["watcher"] = [];
  for (const tabs of [1, 100]) {
    const sockets: Socket[] = [];
    for (let i = 0; i < tabs; i++) sockets.push(connect(appUrl, { transports: ["websocket"], extraHeaders: headers, reconnection: false }));
    await new Promise((resolve) => setTimeout(resolve, 1500));
    const before = await xinfoCalls(rig);
    const t = performance.now();
    await new Promise((resolve) => setTimeout(resolve, plan.watchMs));
    const calls = (await xinfoCalls(rig)) - before;
    watcher.push({ tabs, xinfoPerS: calls / ((performance.now() - t) / 1000) });
    for (const socket of sockets) socket.disconnect();
  }

  return {
    groups: SMALL_GROUPS + 1,
    pending: delivered,
    setupS,
    listGroups,
    pendingFirstPage,
    pendingDeepPage,
    autoclaim: { claimed, requests, seconds: claimSeconds, healthProbe: probe.summary() },
    watcher,
  };
}
