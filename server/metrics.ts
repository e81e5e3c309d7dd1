import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from "prom-client";
import { idMs, type StreamId } from "@/lib/stream-id";

/** What the metrics read at scrape time; nothing here is stored twice. */
export interface MetricsSources {
  /** The newest id in the stream, asked of Redis at scrape time (undefined when Redis is away). */
  streamLastId(): Promise<StreamId | undefined>;
  /** The newest id this process has handed to its tabs. */
  deliveredLastId(): StreamId | undefined;
  redisUp(): boolean;
  connectedTabs(): number;
}

/**
 * Every API route, as `app/api` lays them out (a test holds this list against the folder). A request is
 * labelled with its route's pattern, never its own path, so made-up paths cannot add series.
 */
export const API_ROUTES = [
  "/api/accounting",
  "/api/audit",
  "/api/groups",
  "/api/groups/:group",
  "/api/groups/:group/ack",
  "/api/groups/:group/autoclaim",
  "/api/groups/:group/claim",
  "/api/groups/:group/consumers/:consumer",
  "/api/groups/:group/dead-letters",
  "/api/groups/:group/pending",
  "/api/groups/:group/read",
  "/api/groups/:group/setid",
  "/api/health",
  "/api/program",
  "/api/program/halls/:hallId",
  "/api/program/import",
  "/api/program/movies/:movieId",
  "/api/program/showings/:sessionId",
  "/api/retention",
  "/api/screenings",
  "/api/screenings/:movieId/:sessionId",
  "/api/session",
  "/api/session/password",
  "/api/staff",
  "/api/staff/:username",
  "/api/stats/sales",
  "/api/tickets",
  "/api/tickets/:id/refund",
  "/api/tickets/:id/ticket.html",
  "/api/tickets/:id/ticket.pdf",
  "/api/tickets/export.csv",
  "/api/tickets/printed",
  "/api/tickets/search",
] as const;

const PAGES = new Set([
  "/",
  "/login",
  "/groups",
  "/staff",
  "/audit",
  "/screenings",
  "/search",
  "/program",
  "/account/password",
  "/metrics",
]);

// Static segments win over parameters (/api/tickets/search is not a ticket id), as in Next's own router.
const ROUTES: [RegExp, string][] = [
  ...[...API_ROUTES]
    .sort((a, b) => Number(a.includes(":")) - Number(b.includes(":")))
    .map((route): [RegExp, string] => [new RegExp(`^${route.replace(/\./g, "\\.").replace(/:\w+/g, "[^/]+")}$`), route]),
  [/^\/groups\/[^/]+$/, "/groups/:name"],
  [/^\/_next\/.*$/, "/_next/*"],
];

/** The label for a request path: its route's pattern, a page's path, or "other" for anything unknown. */
export function routeLabel(path: string): string {
  for (const [pattern, label] of ROUTES) if (pattern.test(path)) return label;
  return PAGES.has(path) ? path : "other";
}

const SALE_OUTCOMES: Record<number, string> = {
  201: "sold",
  400: "invalid",
  401: "signed_out",
  403: "refused",
  409: "seat_taken",
  503: "redis_unavailable",
};

/**
 * StreamDesk's Prometheus metrics, in a registry of its own so that several apps in one process (tests)
 * do not collide. Served at `GET /metrics`.
 */
export class Metrics {
  readonly registry = new Registry();
  readonly #requests: Histogram<"method" | "route" | "status">;
  readonly #sales: Counter<"outcome">;
  readonly #entries: Counter;
  readonly #deliveries: Counter;
  readonly #deliveryDelay: Histogram;
  readonly #reconnects: Counter<"connection">;

  constructor(sources: MetricsSources) {
    const registers = [this.registry];
    collectDefaultMetrics({ register: this.registry, prefix: "streamdesk_" });
    this.#requests = new Histogram({
      name: "streamdesk_http_request_duration_seconds",
      help: "HTTP requests by method, route pattern and status",
      labelNames: ["method", "route", "status"],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
      registers,
    });
    this.#sales = new Counter({
      name: "streamdesk_sales_total",
      help: "POST /api/tickets answers by outcome (sold, seat_taken, invalid, redis_unavailable, …)",
      labelNames: ["outcome"],
      registers,
    });
    this.#entries = new Counter({
      name: "streamdesk_feed_entries_total",
      help: "Stream entries the feed loop read and sent to the live room",
      registers,
    });
    this.#deliveries = new Counter({
      name: "streamdesk_feed_deliveries_total",
      help: "Entries sent to tabs (entries × live tabs)",
      registers,
    });
    this.#deliveryDelay = new Histogram({
      name: "streamdesk_feed_delivery_delay_seconds",
      help: "From the time in an entry's id to its broadcast, per entry",
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 5, 30],
      registers,
    });
    this.#reconnects = new Counter({
      name: "streamdesk_redis_reconnects_total",
      help: "Times a Redis connection was lost and is being re-established",
      labelNames: ["connection"],
      registers,
    });
    new Gauge({
      name: "streamdesk_feed_lag_milliseconds",
      help: "How far the newest entry delivered to tabs is behind the stream's newest entry (id time difference)",
      registers,
      async collect() {
        const newest = await sources.streamLastId().catch(() => undefined);
        const delivered = sources.deliveredLastId();
        if (newest === undefined || delivered === undefined) return;
        this.set(Math.max(0, idMs(newest) - idMs(delivered)));
      },
    });
    new Gauge({
      name: "streamdesk_redis_up",
      help: "1 while the feed loop is reading the stream, 0 while Redis is unreachable",
      registers,
      collect() {
        this.set(sources.redisUp() ? 1 : 0);
      },
    });
    new Gauge({
      name: "streamdesk_connected_tabs",
      help: "Open Socket.IO connections (browser tabs) on this instance",
      registers,
      collect() {
        this.set(sources.connectedTabs());
      },
    });
  }

  request(method: string, path: string, status: number, seconds: number): void {
    const route = routeLabel(path);
    this.#requests.observe({ method, route, status: String(status) }, seconds);
    if (method === "POST" && route === "/api/tickets") {
      this.#sales.inc({ outcome: SALE_OUTCOMES[status] ?? (status >= 500 ? "error" : "other") });
    }
  }

  /** One call per broadcast batch: counts per batch, observes the delay per entry. */
  delivered(entries: readonly { id: StreamId }[], tabs: number, now = Date.now()): void {
    this.#entries.inc(entries.length);
    this.#deliveries.inc(entries.length * tabs);
    for (const { id } of entries) this.#deliveryDelay.observe(Math.max(0, now - idMs(id)) / 1000);
  }

  reconnecting(connection: string): void {
    this.#reconnects.inc({ connection });
  }

  async render(): Promise<{ contentType: string; body: string }> {
    return { contentType: this.registry.contentType, body: await this.registry.metrics() };
  }
}
