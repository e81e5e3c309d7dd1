import { isIP } from "node:net";
import { z } from "zod";

/** Raised at start-up when the environment cannot be used; the message names the variable. */
export class ConfigError extends Error {
  override name = "ConfigError";
}

const port = z.coerce
  .number({ error: "must be a whole number" })
  .int("must be a whole number")
  .min(0, "must be between 0 and 65535")
  .max(65535, "must be between 0 and 65535");

const redisUrl = z.string().refine((value) => {
  try {
    const url = new URL(value);
    return (url.protocol === "redis:" || url.protocol === "rediss:") && url.hostname !== "";
  } catch {
    return false;
  }
}, "must be a URL like redis://host:6379");

const clusterNodes = z.string().transform((value, ctx) => {
  const nodes = value
    .split(",")
    .map((part) => part.trim())
    .filter(Boolean)
    .map((part) => {
      const match = /^([^:\s]+):(\d{1,5})$/.exec(part);
      const portNumber = match ? Number(match[2]) : NaN;
      if (!match || portNumber < 1 || portNumber > 65535) {
        ctx.addIssue({ code: "custom", message: `"${part}" is not host:port` });
        return null;
      }
      return { host: match[1]!, port: portNumber };
    });
  if (nodes.length === 0) ctx.addIssue({ code: "custom", message: "must list at least one host:port" });
  return nodes.filter((node): node is { host: string; port: number } => node !== null);
});

const streamKey = z
  .string()
  .min(1, "must not be empty")
  .max(200, "must be at most 200 characters")
  .regex(/^[^\s]+$/, "must not contain spaces");

/** How the stream is trimmed on write: keep everything, about the newest n entries, or entries newer than a duration. */
export type RetentionPolicy = { kind: "maxlen"; maxlen: number } | { kind: "minid"; ms: number } | null;

const DURATION_UNITS: Record<string, number> = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

const retention = z.string().transform((value, ctx): RetentionPolicy => {
  const text = value.trim().toLowerCase();
  const maxlen = /^maxlen:(\d{1,15})$/.exec(text);
  if (maxlen && Number(maxlen[1]) >= 1) return { kind: "maxlen", maxlen: Number(maxlen[1]) };
  const minid = /^minid:(\d{1,9})([smhd])$/.exec(text);
  if (minid && Number(minid[1]) >= 1) return { kind: "minid", ms: Number(minid[1]) * DURATION_UNITS[minid[2]!]! };
  ctx.addIssue({
    code: "custom",
    message: 'must be "maxlen:<entries>" like maxlen:1000000, or "minid:<age>" like minid:7d, minid:12h or minid:30m',
  });
  return z.NEVER;
});

const intIn = (min: number, max: number) =>
  z.coerce
    .number({ error: "must be a whole number" })
    .int("must be a whole number")
    .min(min, `must be between ${min} and ${max}`)
    .max(max, `must be between ${min} and ${max}`);

/**
 * Which proxies in front of StreamDesk may name the client in X-Forwarded-For: none, the nearest `hops`
 * (whatever their address), or those at the listed addresses and ranges.
 */
export type ProxyTrust = { kind: "off" } | { kind: "hops"; hops: number } | { kind: "list"; addresses: string[] };

const TRUST_PROXY_HELP = "must be a hop count like 1, or a comma list of proxy addresses like 10.0.0.5,10.0.0.6 or 10.0.0.0/24";

const trustProxy = z.string().transform((value, ctx): ProxyTrust => {
  const text = value.trim().toLowerCase();
  if (text === "0" || text === "false" || text === "off") return { kind: "off" };
  if (/^\d{1,2}$/.test(text)) return { kind: "hops", hops: Number(text) };
  const addresses = text
    .split(",")
    .map((part) => part.trim())
    .filter(Boolean);
  const bad = addresses.find((entry) => {
    const [address = "", prefix, extra] = entry.split("/");
    const family = isIP(address);
    if (family === 0 || extra !== undefined) return true;
    if (prefix === undefined) return false;
    return !/^\d{1,3}$/.test(prefix) || Number(prefix) > (family === 4 ? 32 : 128);
  });
  if (addresses.length === 0 || bad !== undefined) {
    ctx.addIssue({ code: "custom", message: bad ? `"${bad}" is not an address: it ${TRUST_PROXY_HELP}` : TRUST_PROXY_HELP });
    return z.NEVER;
  }
  return { kind: "list", addresses };
});

const schema = z.object({
  NODE_ENV: z.enum(["development", "production", "test"]).default("development"),
  PORT: port.default(3000),
  HOST: z.string().min(1, "must not be empty").default("127.0.0.1"),
  REDIS_URL: redisUrl.optional(),
  REDIS_CLUSTER_NODES: clusterNodes.optional(),
  TICKETS_STREAM: streamKey.default("tickets"),
  STREAMDESK_ADMIN_PASSWORD: z.string().min(10, "must be at least 10 characters, like every password").optional(),
  STREAMDESK_SECRET: z.string().min(16, "must be at least 16 characters").optional(),
  METRICS_TOKEN: z.string().min(16, "must be at least 16 characters").optional(),
  SEAT_ROWS: intIn(1, 26).default(10),
  SEATS_PER_ROW: intIn(1, 99).default(20),
  MAX_SEATS_PER_SALE: intIn(1, 100).default(10),
  SALES_CLOSE_MINUTES: intIn(0, 24 * 60).default(15),
  FEED_BATCH: intIn(1, 10_000).default(1000),
  FEED_BLOCK_MS: intIn(10, 60_000).default(2000),
  FEED_COALESCE_MS: intIn(0, 1000).default(5),
  FEED_REPLAY_MAX: intIn(100, 10_000_000).default(10_000),
  FEED_RING_ENTRIES: intIn(0, 1_000_000).default(10_000),
  EXPORT_MAX_ENTRIES: intIn(1000, 100_000_000).default(1_000_000),
  GROUPS_POLL_MS: intIn(100, 60_000).default(500),
  DEAD_LETTER_DELIVERIES: intIn(1, 1_000_000).default(5),
  SESSION_IDLE_MINUTES: intIn(1, 7 * 24 * 60).default(480),
  SESSION_MAX_HOURS: intIn(1, 30 * 24).default(12),
  TRUST_PROXY: trustProxy.optional(),
  TICKETS_RETENTION: retention.optional(),
  LOG_LEVEL: z.enum(["debug", "info", "warn", "error", "silent"]).default("info"),
  WORKER_GROUP: z
    .string()
    .regex(/^[\w.:-]{1,100}$/, "must be 1 to 100 letters, digits, . : _ or -")
    .optional(),
  WORKER_CONSUMER: z
    .string()
    .regex(/^[\w.:-]{1,100}$/, "must be 1 to 100 letters, digits, . : _ or -")
    .optional(),
  WORKER_RECLAIM_MS: intIn(100, 3_600_000).default(10_000),
  WORKER_CLAIM_IDLE_MS: intIn(100, 86_400_000).default(30_000),
  WORKER_OUT_DIR: z.string().min(1, "must not be empty").default(".data/tickets"),
  DEMO_RATE: z.coerce
    .number({ error: "must be a number of sales per minute" })
    .positive("must be more than 0 sales per minute")
    .max(60_000, "must be at most 60000 sales per minute")
    .default(12),
});

/** The validated configuration every other module receives; nothing else reads `process.env`. */
export interface Config {
  env: "development" | "production" | "test";
  port: number;
  host: string;
  redis: { mode: "single"; url: string; explicit: boolean } | { mode: "cluster"; nodes: { host: string; port: number }[] };
  streamKey: string;
  /** TICKETS_RETENTION: applied by every write to the stream; null keeps everything. */
  retention: RetentionPolicy;
  adminPassword: string | undefined;
  secret: string | undefined;
  /** When set, `GET /metrics` needs it as a bearer token. */
  metricsToken: string | undefined;
  /**
   * False when `HOST` is not a loopback address and no METRICS_TOKEN is set: `/metrics` is then off rather
   * than open to the network (refusing to start would break `docker compose up`, which binds 0.0.0.0).
   */
  metricsServed: boolean;
  /** The plan of showings that are not in the programme (SEAT_ROWS × SEATS_PER_ROW). */
  seatMap: { rows: number; seatsPerRow: number };
  /** MAX_SEATS_PER_SALE and SALES_CLOSE_MINUTES (after a showing's start). */
  sales: { maxSeats: number; closeMinutes: number };
  /**
   * `replayMax`: FEED_REPLAY_MAX, the most entries one reconnecting tab is replayed. `ringEntries`:
   * FEED_RING_ENTRIES, how many of the newest broadcast entries are kept in memory to replay from
   * instead of asking Redis (0: always ask Redis).
   */
  feed: { batch: number; blockMs: number; coalesceMs: number; replayMax: number; ringEntries: number };
  groups: { pollMs: number; deadLetterDeliveries: number };
  /** EXPORT_MAX_ENTRIES: the most entries one CSV export scans, newest first. */
  exportMaxEntries: number;
  /** Seconds a session lives without use; every request slides it. */
  sessionIdleSeconds: number;
  /** SESSION_MAX_HOURS in seconds: a session ends this long after sign-in, however busy. */
  sessionMaxSeconds: number;
  /** TRUST_PROXY: whose X-Forwarded-For names the client (for sign-in limits per address). */
  trustProxy: ProxyTrust;
  logLevel: "debug" | "info" | "warn" | "error" | "silent";
  /**
   * Consumer-group workers (`npm run worker`). `group` and `consumer` are null when unset: the worker
   * picks its kind's group and host + pid. `outDir` is shared with the app, which serves the tickets.
   */
  workers: { group: string | null; consumer: string | null; reclaimMs: number; claimIdleMs: number; outDir: string };
  /** DEMO_RATE: sales per minute across the demo's simulated sellers. */
  demoRate: number;
}

const DEFAULT_REDIS_URL = "redis://127.0.0.1:6379";

/** True for a bind address only this machine can reach: 127.0.0.0/8, ::1, localhost. */
export function isLoopback(host: string): boolean {
  const h = host.replace(/^\[|\]$/g, "").toLowerCase();
  return h === "localhost" || h === "::1" || /^127(\.\d{1,3}){3}$/.test(h);
}

/**
 * Parses the environment once at start-up.
 * @throws ConfigError naming the first variable that cannot be used and what to change.
 */
export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  // An empty variable means "not set": shells and compose files often export VAR= by accident.
  const cleaned = Object.fromEntries(Object.entries(env).filter(([, value]) => value !== undefined && value !== ""));
  const parsed = schema.safeParse(cleaned);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const variable = String(issue.path[0] ?? "environment");
    throw new ConfigError(`${variable} ${issue.message}.`);
  }
  const e = parsed.data;
  return {
    env: e.NODE_ENV,
    port: e.PORT,
    host: e.HOST,
    redis: e.REDIS_CLUSTER_NODES
      ? { mode: "cluster", nodes: e.REDIS_CLUSTER_NODES }
      : { mode: "single", url: e.REDIS_URL ?? DEFAULT_REDIS_URL, explicit: e.REDIS_URL !== undefined },
    streamKey: e.TICKETS_STREAM,
    retention: e.TICKETS_RETENTION ?? null,
    adminPassword: e.STREAMDESK_ADMIN_PASSWORD,
    secret: e.STREAMDESK_SECRET,
    metricsToken: e.METRICS_TOKEN,
    metricsServed: e.METRICS_TOKEN !== undefined || isLoopback(e.HOST),
    seatMap: { rows: e.SEAT_ROWS, seatsPerRow: e.SEATS_PER_ROW },
    sales: { maxSeats: e.MAX_SEATS_PER_SALE, closeMinutes: e.SALES_CLOSE_MINUTES },
    feed: {
      batch: e.FEED_BATCH,
      blockMs: e.FEED_BLOCK_MS,
      coalesceMs: e.FEED_COALESCE_MS,
      replayMax: e.FEED_REPLAY_MAX,
      ringEntries: e.FEED_RING_ENTRIES,
    },
    groups: { pollMs: e.GROUPS_POLL_MS, deadLetterDeliveries: e.DEAD_LETTER_DELIVERIES },
    exportMaxEntries: e.EXPORT_MAX_ENTRIES,
    sessionIdleSeconds: e.SESSION_IDLE_MINUTES * 60,
    sessionMaxSeconds: e.SESSION_MAX_HOURS * 3600,
    trustProxy: e.TRUST_PROXY ?? { kind: "off" },
    logLevel: e.LOG_LEVEL,
    workers: {
      group: e.WORKER_GROUP ?? null,
      consumer: e.WORKER_CONSUMER ?? null,
      reclaimMs: e.WORKER_RECLAIM_MS,
      claimIdleMs: e.WORKER_CLAIM_IDLE_MS,
      outDir: e.WORKER_OUT_DIR,
    },
    demoRate: e.DEMO_RATE,
  };
}
