import { Cluster, Redis, type RedisOptions, type Result } from "ioredis";
import { RedisUnavailableError } from "./errors";
import {
  AUDITED,
  CREATE_STAFF,
  INDEX_ENTRIES,
  MOVE_DEAD_LETTERS,
  RANGE_JSON,
  RECORD_ACCOUNTING,
  REFUND_TICKET,
  SELL_SEATS,
  SIGN_IN_BEGIN,
  SIGN_IN_SUCCEEDED,
  WRITE_PROGRAM,
} from "./lua";

/** A connection to a single Redis or to a Redis Cluster; every domain function takes one. */
export type RedisClient = Redis | Cluster;

export type RedisTarget = { mode: "single"; url: string } | { mode: "cluster"; nodes: { host: string; port: number }[] };

export interface ClientOptions {
  /** Used in `CLIENT LIST` so an operator can tell StreamDesk's connections apart. */
  name: string;
  /** Blocking connections must not time out while they wait; command connections should. */
  blocking?: boolean;
}

declare module "ioredis" {
  interface RedisCommander<Context> {
    /** See {@link SELL_SEATS}. */
    sdSellSeats(
      stream: string,
      seats: string,
      screenings: string,
      program: string,
      version: string,
      ...args: string[]
    ): Result<[number, ...string[]], Context>;
    /** See {@link WRITE_PROGRAM}. */
    sdWriteProgram(numKeys: number, ...keysAndArgs: string[]): Result<[number, string, string?], Context>;
    /** See {@link REFUND_TICKET}. */
    sdRefundTicket(
      stream: string,
      refunds: string,
      seats: string,
      audit: string,
      saleId: string,
      actor: string,
      seat: string,
      ...trim: string[]
    ): Result<[number, string], Context>;
    /** See {@link INDEX_ENTRIES}. */
    sdIndexEntries(numKeys: number, ...keysAndArgs: string[]): Result<string[], Context>;
    /** See {@link RANGE_JSON}. */
    sdRangeJson(stream: string, start: string, end: string, count: number): Result<string, Context>;
    /** See {@link MOVE_DEAD_LETTERS}. */
    sdMoveDeadLetters(
      stream: string,
      dead: string,
      audit: string,
      group: string,
      minDeliveries: number,
      actor: string,
      reason: string,
      ...ids: string[]
    ): Result<string[], Context>;
    /** See {@link RECORD_ACCOUNTING}. */
    sdRecordAccounting(numKeys: number, ...keysAndArgs: string[]): Result<number, Context>;
    /** See {@link AUDITED}. */
    sdAudited(key: string, audit: string, summary: "count" | "autoclaim" | "read", ...args: (string | number)[]): Result<unknown, Context>;
    /** See {@link CREATE_STAFF}. */
    sdCreateStaff(staff: string, index: string, audit: string, username: string, ...args: (string | number)[]): Result<number, Context>;
    /** See {@link SIGN_IN_BEGIN}. */
    sdSignInBegin(
      addressKey: string,
      userKey: string,
      addressLimit: number,
      windowMs: number,
    ): Result<[0, number] | [1, number, number], Context>;
    /** See {@link SIGN_IN_SUCCEEDED}. */
    sdSignInSucceeded(addressKey: string, userKey: string): Result<number, Context>;
  }
}

function defineScripts(client: RedisClient): void {
  client.defineCommand("sdSellSeats", { numberOfKeys: 4, lua: SELL_SEATS });
  client.defineCommand("sdWriteProgram", { lua: WRITE_PROGRAM });
  client.defineCommand("sdRefundTicket", { numberOfKeys: 4, lua: REFUND_TICKET });
  client.defineCommand("sdIndexEntries", { lua: INDEX_ENTRIES });
  client.defineCommand("sdRangeJson", { numberOfKeys: 1, lua: RANGE_JSON });
  client.defineCommand("sdMoveDeadLetters", { numberOfKeys: 3, lua: MOVE_DEAD_LETTERS });
  client.defineCommand("sdRecordAccounting", { lua: RECORD_ACCOUNTING });
  client.defineCommand("sdAudited", { numberOfKeys: 2, lua: AUDITED });
  client.defineCommand("sdCreateStaff", { numberOfKeys: 3, lua: CREATE_STAFF });
  client.defineCommand("sdSignInBegin", { numberOfKeys: 2, lua: SIGN_IN_BEGIN });
  client.defineCommand("sdSignInSucceeded", { numberOfKeys: 2, lua: SIGN_IN_SUCCEEDED });
}

/**
 * Opens a connection that fails fast while Redis is away (no offline queue), so callers can answer 503
 * at once, and reconnects in the background with capped, jittered backoff.
 */
export function createRedisClient(target: RedisTarget, options: ClientOptions): RedisClient {
  const common: RedisOptions = {
    connectionName: options.name,
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    // The one subscriber subscribes again itself on every "ready" (server/http-server.ts), with its failure handled;
    // ioredis's own resubscribe has no handler, so a connection lost again at that moment was an unhandled
    // rejection, which ends a Node process.
    autoResubscribe: false,
    // Capped at half a second: a Redis that is back should be used within moments, and one attempt per
    // half second per connection costs nothing while it is away.
    retryStrategy: (times) => Math.min(50 * 2 ** Math.min(times, 4), 500) + Math.floor(Math.random() * 100),
    ...(options.blocking ? { blockingTimeout: 30_000 } : { commandTimeout: 5_000 }),
  };
  let client: RedisClient;
  if (target.mode === "cluster") {
    client = new Cluster(target.nodes, {
      enableOfflineQueue: false,
      clusterRetryStrategy: common.retryStrategy as (times: number) => number,
      redisOptions: common,
    });
  } else {
    client = new Redis(target.url, common);
  }
  defineScripts(client);
  // Connection errors are reported through failing commands; an unhandled 'error' event would crash.
  client.on("error", () => {});
  return client;
}

/** Resolves once the client can take commands, or rejects after `timeoutMs`. */
export function whenReady(client: RedisClient, timeoutMs: number): Promise<void> {
  if (client.status === "ready") return Promise.resolve();
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      client.off("ready", onReady);
      reject(new RedisUnavailableError());
    }, timeoutMs);
    const onReady = () => {
      clearTimeout(timer);
      resolve();
    };
    client.once("ready", onReady);
  });
}

const CONNECTION_MESSAGES = [
  "Stream isn't writeable",
  "Connection is closed",
  "Command timed out",
  "Reached the max retries",
  "connect ECONNREFUSED",
  "read ECONNRESET",
  "Failed to refresh slots cache",
  "None of startup nodes is available",
  "CLUSTERDOWN",
  "LOADING",
  "TRYAGAIN",
  "Command aborted due to connection close",
];

/** True when `error` means Redis could not be reached, as opposed to Redis refusing the command. */
export function isConnectionError(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  if (error instanceof RedisUnavailableError) return true;
  const code = (error as NodeJS.ErrnoException).code;
  if (code && ["ECONNREFUSED", "ECONNRESET", "EPIPE", "ETIMEDOUT", "ENOTFOUND", "EHOSTUNREACH"].includes(code)) {
    return true;
  }
  return CONNECTION_MESSAGES.some((text) => error.message.includes(text));
}

// Failures after the command went out: the connection closed or stalled while the reply was awaited.
// With maxRetriesPerRequest 0, a command awaiting its reply when the connection drops fails with the
// "max retries" error; a MULTI or pipeline in flight is aborted.
const REPLY_LOST_MESSAGES = [
  "Connection is closed",
  "Command timed out",
  "read ECONNRESET",
  "Reached the max retries per request limit",
  "Command aborted due to connection close",
];

/**
 * True when `error` means the command may have reached Redis and been applied although no reply came
 * back (with no offline queue, a command issued while disconnected fails with "Stream isn't writeable"
 * before it is sent).
 */
export function replyMayBeLost(error: unknown): boolean {
  if (error instanceof RedisUnavailableError) return error.replyLost;
  if (!(error instanceof Error)) return false;
  const code = (error as NodeJS.ErrnoException).code;
  return code === "ECONNRESET" || code === "EPIPE" || REPLY_LOST_MESSAGES.some((text) => error.message.includes(text));
}

/** Rethrows connection failures as {@link RedisUnavailableError}; other errors pass through unchanged. */
export async function guard<T>(work: Promise<T>): Promise<T> {
  try {
    return await work;
  } catch (error) {
    throw isConnectionError(error) ? new RedisUnavailableError(error, replyMayBeLost(error)) : error;
  }
}
