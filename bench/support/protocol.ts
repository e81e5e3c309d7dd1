import type { HistogramData } from "./histogram";
import type { EluSample } from "./server-probe";

/** What one worker process says about its own load while it measured. */
export interface Load {
  /** Event-loop utilisation, 0–1: near 1 the process was busy all the time and its numbers are its own limit. */
  elu: number;
  /** The 99th percentile of event-loop delay, ms: how late a callback ran because the loop was busy. */
  loopDelayP99Ms: number;
}

export interface WriteReport {
  written: number;
  errors: number;
  /** Epoch ms (float) when the first XADD was sent and when the last one was acknowledged. */
  startedAt: number;
  finishedAt: number;
  load: Load;
}

export type WriterApi = {
  connect(arg: { redisUrl: string; stream: string }): Promise<void>;
  /** XADDs `count` entries back to back, pipelined. */
  burst(arg: { count: number; movieId: number }): Promise<WriteReport>;
  /** XADDs at a fixed rate, each entry stamped with field `t` = send time in epoch ms. */
  paced(arg: { rate: number; durationMs: number; movieId: number }): Promise<WriteReport>;
};

export interface ListenerReport {
  sockets: number;
  /** Entries each socket received after the resume, in socket order. */
  received: number[];
  /** Epoch ms at which each socket had all it was waiting for, or null if it never did. */
  doneAt: (number | null)[];
  /** Batches whose first id was not after the previous batch's last id (should be 0). */
  outOfOrder: number;
  disconnects: number;
  /** `feed:entries` messages received by all sockets of the process. */
  batches: number;
  /** XADD→receive latency of every entry carrying `t`, across all sockets of the process. */
  latency: HistogramData;
  load: Load;
}

/**
 * `full`: socket.io-client as a browser tab uses it, every batch parsed into objects.
 * `lean`: the same client, but `feed:entries` packets are scanned for ids and stamps instead of parsed.
 */
export type ClientMode = "full" | "lean";

/** Where an entry's XADD time comes from: the writer's `t` field (sub-ms) or the stream id (whole ms). */
export type LatencyClock = "t" | "id";

export type ListenersApi = {
  /** Opens `sockets` separate WebSocket connections and resumes each after `afterId`; resolves when all acked. */
  connect(arg: { url: string; sockets: number; afterId: string; headers: Record<string, string>; mode: ClientMode }): Promise<void>;
  /**
   * Resets counters and starts the load window; each socket then waits for `expected` entries (Infinity
   * until `expect` says how many). Latency is timed from each entry's `t` stamp, or with `clock: "id"` from
   * the time in its stream id (Redis's clock at XADD, whole ms), for entries nobody stamped, such as sales.
   */
  arm(arg: { expected: number; clock?: LatencyClock }): Promise<void>;
  /** Sets how many entries each socket waits for, once that is known (after the sales of a round). */
  expect(arg: { expected: number }): Promise<void>;
  /** Resolves once every socket has `expected` entries, or at the timeout. */
  collect(arg: { timeoutMs: number }): Promise<ListenerReport>;
};

export interface ReferenceReport {
  received: number;
  doneAt: number | null;
  latency: HistogramData;
  load: Load;
}

export type ReferenceApi = {
  /** Starts a plain XREAD COUNT 1000 BLOCK 1000 loop after `afterId`; it stops at `expected` or the timeout. */
  arm(arg: { redisUrl: string; stream: string; afterId: string; expected: number; timeoutMs: number }): Promise<void>;
  collect(arg: Record<string, never>): Promise<ReferenceReport>;
};

export interface SalesReport {
  requests: number;
  durationMs: number;
  /** Answers by HTTP status ("error" for requests that got none). */
  statuses: Record<string, number>;
  /** One example body of a non-201 answer, to say why. */
  firstFailure: string | null;
  latency: HistogramData;
  load: Load;
}

export type SellerApi = {
  run(arg: {
    url: string;
    headers: Record<string, string>;
    concurrency: number;
    maxRequests: number;
    durationMs: number;
    movieId: number;
    /** Seats per sale: 1 sends `seat`, more send `seats` (one request, one entry per seat). */
    seatsPerSale?: number;
  }): Promise<SalesReport>;
};

export interface PacedSalesReport {
  /** Requests sent; each for a seat nobody else sells. */
  attempted: number;
  /** Ids of every sale answered 201, to check none of them is missing from the stream afterwards. */
  soldIds: string[];
  statuses: Record<string, number>;
  firstFailure: string | null;
  /** From the first request sent until the last answer. */
  durationMs: number;
  latency: HistogramData;
  load: Load;
}

export type SellerPacedApi = {
  /**
   * `POST /api/tickets` at a fixed `rate` for `durationMs` (open loop: a request is sent when it is due,
   * not when the previous one answered), never more than `maxInFlight` at once.
   */
  paced(arg: {
    url: string;
    headers: Record<string, string>;
    rate: number;
    durationMs: number;
    movieId: number;
    maxInFlight: number;
  }): Promise<PacedSalesReport>;
};

export interface SoakListenerReport {
  sockets: number;
  /** Entries the stream holds in the soak's range: what every socket should have received. */
  expected: number;
  /** Entries received, summed over the sockets. */
  received: number;
  /** Summed over the sockets: stream entries a socket never got, got twice, got before an older one, or got but the stream lacks. */
  lost: number;
  duplicated: number;
  outOfOrder: number;
  unknown: number;
  /** Sockets that never got the stream's last entry before the timeout. */
  incompleteTabs: number;
  reconnects: number;
  /** Sockets that were told the server had lost Redis (`feed:status` down). */
  tabsThatSawDown: number;
  /** Receive time − the entry id's milliseconds (Redis's clock at XADD), every entry at every socket. */
  lag: HistogramData;
  load: Load;
}

export type SoakListenersApi = {
  /** Opens `sockets` tabs (reconnecting like the desk's own) and resumes each after `afterId`. */
  connect(arg: { url: string; sockets: number; afterId: string; headers: Record<string, string> }): Promise<void>;
  /** Waits until every socket has `untilId` (or the timeout), then compares each with XRANGE (afterId, untilId]. */
  collect(arg: { redisUrl: string; stream: string; afterId: string; untilId: string; timeoutMs: number }): Promise<SoakListenerReport>;
};

export interface ConsumerReport {
  /** Entries this consumer acked. */
  acked: number;
  /** Epoch ms when the ack that made `expected` answered, or null if it never came before the timeout. */
  doneAt: number | null;
  /** Ack time − the entry id's milliseconds (Redis's clock at XADD), for every entry acked. */
  latency: HistogramData;
  load: Load;
}

/** A consumer of its own group: one of the app's workers (`tickets`, `accounting`) or the bare XREADGROUP+XACK loop. */
export type ConsumerApi = {
  /** Creates the group on `stream` (read from `0`), then consumes it; resolves once the group exists. */
  start(arg: { redisUrl: string; stream: string; kind: "tickets" | "accounting" | "bare"; outDir: string }): Promise<void>;
  /** Resets the load window; resolves once `expected` entries are acked, or at the timeout. */
  collect(arg: { expected: number; timeoutMs: number }): Promise<ConsumerReport>;
};

/** How the floor server broadcasts: Socket.IO's own room emit, or the app's one pre-encoded frame per tab. */
export type FloorFanOut = "emit" | "framed";

export type FloorApi = {
  /** Listens on a free port and starts its XREAD loop after `afterId`; resolves with the URL tabs connect to. */
  start(arg: { redisUrl: string; stream: string; afterId: string; fanOut: FloorFanOut }): Promise<{ url: string }>;
  /** The floor's event-loop time so far, sampled as the app server's is (it stands in for the server). */
  elu(arg: Record<string, never>): Promise<EluSample>;
};
