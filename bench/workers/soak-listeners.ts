import { Redis } from "ioredis";
import { io, type Socket } from "socket.io-client";
import type { ClientToServerEvents, ServerToClientEvents } from "@/lib/events";
import { Histogram } from "../support/histogram";
import { loadWindow } from "../support/load";
import type { Load, SoakListenerReport, SoakListenersApi } from "../support/protocol";
import { serve } from "../support/rpc";

type FeedSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

/** Every id a tab received, in arrival order, kept as numbers: 100 tabs × 60,000 strings would not fit. */
class IdLog {
  ms = new Float64Array(4096);
  seq = new Uint32Array(4096);
  length = 0;

  push(id: string): number {
    if (this.length === this.ms.length) {
      const ms = new Float64Array(this.length * 2);
      const seq = new Uint32Array(this.length * 2);
      ms.set(this.ms);
      seq.set(this.seq);
      this.ms = ms;
      this.seq = seq;
    }
    const dash = id.indexOf("-");
    const ms = Number(id.slice(0, dash));
    this.ms[this.length] = ms;
    this.seq[this.length] = Number(id.slice(dash + 1));
    this.length++;
    return ms;
  }
}

const compare = (aMs: number, aSeq: number, bMs: number, bSeq: number) => aMs - bMs || aSeq - bSeq;

interface Tab {
  socket: FeedSocket;
  log: IdLog;
  newest: string;
  connects: number;
  sawDown: boolean;
}

let tabs: Tab[] = [];
let lag = new Histogram();
let closeLoad: (() => Load) | undefined;

/** A desk tab: the browser's reconnection settings, and `feed:resume` from its newest id on every connect. */
function open(url: string, afterId: string, headers: Record<string, string>): Promise<Tab> {
  return new Promise((resolve, reject) => {
    const socket: FeedSocket = io(url, {
      path: "/socket.io",
      transports: ["websocket"],
      forceNew: true,
      reconnectionDelay: 500,
      reconnectionDelayMax: 5000,
      randomizationFactor: 0.5,
      extraHeaders: headers,
    });
    const tab: Tab = { socket, log: new IdLog(), newest: afterId, connects: 0, sawDown: false };
    socket.on("feed:entries", (entries) => {
      const now = Date.now();
      for (const entry of entries) lag.record(now - tab.log.push(entry.id));
      tab.newest = entries.at(-1)?.id ?? tab.newest;
    });
    socket.on("feed:status", (status) => {
      if (status.redis === "down") tab.sawDown = true;
    });
    // A refusal (the server could not check the session while Redis was down) ends Socket.IO's own
    // retries; the desk tries again after a pause, and so does this tab.
    socket.on("connect_error", (error) => {
      if (tab.connects === 0) reject(new Error(`cannot connect: ${error.message}`));
      else if (!socket.active) setTimeout(() => socket.connect(), 2000);
    });
    socket.on("connect", () => {
      tab.connects++;
      socket.emit("feed:resume", { afterId: tab.newest }, (reply) => {
        if ("error" in reply) reject(new Error(`feed:resume refused: ${reply.error}`));
        else resolve(tab);
      });
    });
  });
}

/** The stream's ids in (afterId, untilId], read in pages. */
async function truth(redisUrl: string, stream: string, afterId: string, untilId: string): Promise<IdLog> {
  const redis = new Redis(redisUrl, { connectionName: "bench:soak-check" });
  const log = new IdLog();
  try {
    let from = `(${afterId}`;
    for (;;) {
      const page = await redis.xrange(stream, from, untilId, "COUNT", 10_000);
      for (const [id] of page) log.push(id);
      if (page.length < 10_000) break;
      from = `(${page.at(-1)![0]}`;
    }
  } finally {
    redis.disconnect();
  }
  return log;
}

/** Lost, duplicated, out-of-order and unknown entries of one tab against the stream. */
function check(received: IdLog, stream: IdLog) {
  let outOfOrder = 0;
  for (let i = 1; i < received.length; i++) {
    if (compare(received.ms[i]!, received.seq[i]!, received.ms[i - 1]!, received.seq[i - 1]!) < 0) outOfOrder++;
  }
  const order = Array.from({ length: received.length }, (_, i) => i).sort((a, b) =>
    compare(received.ms[a]!, received.seq[a]!, received.ms[b]!, received.seq[b]!),
  );
  let duplicated = 0;
  let lost = 0;
  let unknown = 0;
  let s = 0;
  for (let k = 0; k < order.length; k++) {
    const i = order[k]!;
    if (k > 0) {
      const p = order[k - 1]!;
      if (compare(received.ms[i]!, received.seq[i]!, received.ms[p]!, received.seq[p]!) === 0) {
        duplicated++;
        continue;
      }
    }
    while (s < stream.length && compare(stream.ms[s]!, stream.seq[s]!, received.ms[i]!, received.seq[i]!) < 0) {
      lost++;
      s++;
    }
    if (s < stream.length && compare(stream.ms[s]!, stream.seq[s]!, received.ms[i]!, received.seq[i]!) === 0) s++;
    else unknown++;
  }
  lost += stream.length - s;
  return { lost, duplicated, outOfOrder, unknown };
}

const listeners: SoakListenersApi = {
  async connect({ url, sockets, afterId, headers }) {
    tabs = [];
    lag = new Histogram();
    for (let i = 0; i < sockets; i += 5) {
      tabs.push(...(await Promise.all(Array.from({ length: Math.min(5, sockets - i) }, () => open(url, afterId, headers)))));
    }
    closeLoad = loadWindow();
  },

  async collect({ redisUrl, stream, afterId, untilId, timeoutMs }) {
    const deadline = Date.now() + timeoutMs;
    while (tabs.some((tab) => tab.newest !== untilId) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    const load = closeLoad?.() ?? { elu: 0, loopDelayP99Ms: 0 };
    const expected = await truth(redisUrl, stream, afterId, untilId);
    const perTab = tabs.map((tab) => check(tab.log, expected));
    return {
      sockets: tabs.length,
      expected: expected.length,
      received: tabs.reduce((n, tab) => n + tab.log.length, 0),
      lost: perTab.reduce((n, t) => n + t.lost, 0),
      duplicated: perTab.reduce((n, t) => n + t.duplicated, 0),
      outOfOrder: perTab.reduce((n, t) => n + t.outOfOrder, 0),
      unknown: perTab.reduce((n, t) => n + t.unknown, 0),
      incompleteTabs: tabs.filter((tab) => tab.newest !== untilId).length,
      reconnects: tabs.reduce((n, tab) => n + tab.connects - 1, 0),
      tabsThatSawDown: tabs.filter((tab) => tab.sawDown).length,
      lag: lag.data,
      load,
    } satisfies SoakListenerReport;
  },
};

serve(listeners, async () => {
  for (const tab of tabs) tab.socket.close();
});
