import { io, type Socket } from "socket.io-client";
import type { ClientToServerEvents, ServerToClientEvents } from "@/lib/events";
import { compareIds, idMs } from "@/lib/stream-id";
import { nowMs } from "../support/entries";
import { Histogram } from "../support/histogram";
import { leanParser, RAW_FEED, scanFeed } from "../support/lean-parser";
import { loadWindow } from "../support/load";
import type { ClientMode, LatencyClock, ListenerReport, ListenersApi, Load } from "../support/protocol";
import { serve } from "../support/rpc";

type FeedSocket = Socket<ServerToClientEvents & { [RAW_FEED]: (raw: string) => void }, ClientToServerEvents>;

interface Tab {
  socket: FeedSocket;
  mode: ClientMode;
  received: number;
  lastId: string | undefined;
  doneAt: number | null;
}

const RESUME_TIMEOUT_MS = 30_000;

let tabs: Tab[] = [];
let expected = Infinity;
let clock: LatencyClock = "t";
let outOfOrder = 0;
let disconnects = 0;
let batches = 0;
let latency = new Histogram();
let closeLoad: (() => Load) | undefined;
let onDone: (() => void) | undefined;

function allDone(): boolean {
  return tabs.every((tab) => tab.doneAt !== null);
}

/** Per batch, not per entry, wherever possible: this process must stay lighter than the server it watches. */
function receive(tab: Tab, now: number, count: number, firstId: string | undefined, lastId: string | undefined): void {
  if (count === 0 || firstId === undefined || lastId === undefined) return;
  batches++;
  if (tab.lastId !== undefined && compareIds(firstId, tab.lastId) <= 0) outOfOrder++;
  tab.lastId = lastId;
  tab.received += count;
  if (tab.doneAt === null && tab.received >= expected) {
    tab.doneAt = now;
    if (allDone()) onDone?.();
  }
}

/** A browser tab's work: the whole batch parsed into objects, then each entry read. */
function receiveParsed(tab: Tab, entries: { id: string; fields: Record<string, string> }[]): void {
  const now = nowMs();
  if (clock === "id") {
    for (const entry of entries) latency.record(now - idMs(entry.id));
  } else {
    for (const entry of entries) {
      const t = entry.fields.t;
      if (t !== undefined) latency.record(now - Number(t));
    }
  }
  receive(tab, now, entries.length, entries[0]?.id, entries.at(-1)?.id);
}

/** The same facts read straight from the encoded packet (see lean-parser.ts). */
function receiveRaw(tab: Tab, raw: string): void {
  const now = nowMs();
  const scan = scanFeed(raw, (t) => latency.record(now - t));
  receive(tab, now, scan.count, scan.firstId, scan.lastId);
}

function open(url: string, afterId: string, headers: Record<string, string>, mode: ClientMode): Promise<Tab> {
  return new Promise((resolve, reject) => {
    // forceNew: without it socket.io-client multiplexes every socket to one URL over a single connection,
    // and 100 "tabs" would be one WebSocket.
    const socket: FeedSocket = io(url, {
      path: "/socket.io",
      transports: ["websocket"],
      forceNew: true,
      reconnection: false,
      extraHeaders: headers,
      ...(mode === "lean" ? { parser: leanParser } : {}),
    });
    const tab: Tab = { socket, mode, received: 0, lastId: undefined, doneAt: null };
    socket.on("feed:entries", (entries) => receiveParsed(tab, entries));
    socket.on(RAW_FEED, (raw) => receiveRaw(tab, raw));
    socket.on("disconnect", () => disconnects++);
    socket.once("connect_error", (error) => reject(new Error(`cannot connect: ${error.message}`)));
    socket.once("connect", () => {
      socket
        .timeout(RESUME_TIMEOUT_MS)
        .emitWithAck("feed:resume", { afterId })
        .then(
          (reply) => ("error" in reply ? reject(new Error(`feed:resume refused: ${reply.error}`)) : resolve(tab)),
          () => reject(new Error("feed:resume was not acknowledged")),
        );
    });
  });
}

const listeners: ListenersApi = {
  async connect({ url, sockets, afterId, headers, mode }) {
    tabs = [];
    // A few at a time: a hundred simultaneous handshakes would measure connection setup, not the feed.
    for (let i = 0; i < sockets; i += 5) {
      const batch = await Promise.all(Array.from({ length: Math.min(5, sockets - i) }, () => open(url, afterId, headers, mode)));
      tabs.push(...batch);
    }
  },

  async arm({ expected: count, clock: from = "t" }) {
    // The lean scan reads `t` stamps only; ids would need the parse it exists to avoid.
    if (from === "id" && tabs.some((tab) => tab.mode === "lean")) throw new Error("lean sockets time entries by `t` only");
    expected = count;
    clock = from;
    outOfOrder = 0;
    disconnects = 0;
    batches = 0;
    latency = new Histogram();
    for (const tab of tabs) {
      tab.received = 0;
      tab.doneAt = null;
    }
    closeLoad = loadWindow();
  },

  async expect({ expected: count }) {
    expected = count;
    const now = nowMs();
    for (const tab of tabs) if (tab.doneAt === null && tab.received >= expected) tab.doneAt = now;
    if (allDone()) onDone?.();
  },

  async collect({ timeoutMs }) {
    if (!allDone()) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, timeoutMs);
        onDone = () => {
          clearTimeout(timer);
          resolve();
        };
      });
    }
    onDone = undefined;
    const load = closeLoad?.() ?? { elu: 0, loopDelayP99Ms: 0 };
    return {
      sockets: tabs.length,
      received: tabs.map((tab) => tab.received),
      doneAt: tabs.map((tab) => tab.doneAt),
      outOfOrder,
      disconnects,
      batches,
      latency: latency.data,
      load,
    } satisfies ListenerReport;
  },
};

serve(listeners, async () => {
  for (const tab of tabs) tab.socket.close();
});
