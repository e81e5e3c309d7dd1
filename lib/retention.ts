import type { RetentionPolicy } from "./config";
import { groupSummaries } from "./groups";
import type { StreamKeys } from "./keys";
import { guard, type RedisClient } from "./redis";
import { compareIds, type StreamId } from "./stream-id";

export type { RetentionPolicy } from "./config";

/** The trim arguments the writing scripts take (see TRIMMED_XADD in scripts.ts): kind and value. */
export function trimArgs(policy: RetentionPolicy | undefined): [kind: string, value: string] {
  if (!policy) return ["", ""];
  return policy.kind === "maxlen" ? ["MAXLEN", String(policy.maxlen)] : ["MINID", String(policy.ms)];
}

const UNITS: [ms: number, one: string][] = [
  [86_400_000, "day"],
  [3_600_000, "hour"],
  [60_000, "minute"],
  [1000, "second"],
];

/** "7 days", "90 minutes": the largest unit that divides the duration exactly. */
export function describeDuration(ms: number): string {
  const [size, unit] = UNITS.find(([size]) => ms % size === 0) ?? [1, "millisecond"];
  const n = ms / size;
  return `${n.toLocaleString("en-US")} ${unit}${n === 1 ? "" : "s"}`;
}

/** One sentence saying what the policy keeps. */
export function describeRetention(policy: RetentionPolicy): string {
  if (!policy) return "Every entry is kept: the stream is never trimmed (TICKETS_RETENTION is not set).";
  if (policy.kind === "maxlen") {
    return `Each write trims the stream to about the newest ${policy.maxlen.toLocaleString("en-US")} entries (Redis drops whole blocks, so a few more may stay).`;
  }
  return `Each write drops entries older than ${describeDuration(policy.ms)} (Redis drops whole blocks, so a few older ones may stay).`;
}

/** A group whose delivered but unacknowledged entries the next trim would delete. */
export interface PendingAtRisk {
  group: string;
  /**
   * How many of its pending entries lie in the part the trim would drop: exact when all of them do,
   * otherwise counted up to 10,000.
   */
  pending: number;
  oldestPendingId: StreamId;
}

/** A group that has not yet been delivered entries the next trim would delete. */
export interface LagAtRisk {
  group: string;
  lastDeliveredId: StreamId;
  /** The oldest entry the group has not been delivered and the trim would drop. */
  firstUndeliveredId: StreamId;
}

export interface RetentionStatus {
  policy: RetentionPolicy;
  description: string;
  length: number;
  firstId: StreamId | null;
  /** The newest id the next trim could drop (inclusive); null when nothing is due to go. */
  trimThroughId: StreamId | null;
  atRisk: PendingAtRisk[];
  lagAtRisk: LagAtRisk[];
}

/** How far `XRANGE` may look to find the id at the maxlen boundary. */
export const MAXLEN_LOOKAHEAD = 10_000;
const AT_RISK_COUNT = 10_000;

/** The newest id a trim under `policy` would drop now, or null when it would drop nothing. */
async function trimBoundary(
  redis: RedisClient,
  keys: StreamKeys,
  policy: RetentionPolicy,
  length: number,
  firstId: StreamId | null,
  now: number,
): Promise<StreamId | null> {
  if (!policy || firstId === null) return null;
  if (policy.kind === "minid") {
    const threshold = Math.max(0, now - policy.ms);
    // MINID drops ids below `threshold-0`; the newest of them is the last entry before it.
    const raw = (await guard(redis.xrevrange(keys.stream, `(${threshold}-0`, "-", "COUNT", 1))) as [string, string[]][];
    return raw[0]?.[0] ?? null;
  }
  const over = length - policy.maxlen;
  if (over <= 0) return null;
  const raw = (await guard(redis.xrange(keys.stream, "-", "+", "COUNT", Math.min(over, MAXLEN_LOOKAHEAD)))) as [string, string[]][];
  return raw.at(-1)?.[0] ?? null;
}

/**
 * What the retention policy does to the stream right now: its length and first id, and the consumer
 * groups that would lose entries at the next trim — pending ones (delivered, not acknowledged) or ones
 * not yet delivered to them. For maxlen the boundary is found within the oldest {@link MAXLEN_LOOKAHEAD}
 * entries, so with more than that to trim the figures cover that first part only.
 */
export async function retentionStatus(
  redis: RedisClient,
  keys: StreamKeys,
  policy: RetentionPolicy,
  now = Date.now(),
): Promise<RetentionStatus> {
  const [lengthReply, firstReply] =
    (await guard(redis.pipeline().xlen(keys.stream).xrange(keys.stream, "-", "+", "COUNT", 1).exec())) ?? [];
  if (lengthReply?.[0]) throw lengthReply[0];
  if (firstReply?.[0]) throw firstReply[0];
  const length = Number(lengthReply?.[1] ?? 0);
  const firstId = ((firstReply?.[1] ?? []) as [string, string[]][])[0]?.[0] ?? null;
  const boundary = await trimBoundary(redis, keys, policy, length, firstId, now);
  const status: RetentionStatus = {
    policy,
    description: describeRetention(policy),
    length,
    firstId,
    trimThroughId: boundary,
    atRisk: [],
    lagAtRisk: [],
  };
  if (boundary === null) return status;

  const groups = await groupSummaries(redis, keys);
  if (groups.length === 0) return status;
  // The summary form of XPENDING is cheap whatever the size of the list: it gives the count and the oldest
  // and newest pending ids. Only a group whose pending ids straddle the boundary needs them counted.
  const pipeline = redis.pipeline();
  for (const group of groups) {
    pipeline.xpending(keys.stream, group.name);
    pipeline.xrange(keys.stream, `(${group.lastDeliveredId}`, boundary, "COUNT", 1);
  }
  const replies = (await guard(pipeline.exec())) ?? [];
  const straddling: { group: string; oldest: StreamId }[] = [];
  groups.forEach((group, i) => {
    const name = group.name;
    // A group deleted between the round trips simply is not at risk.
    const [summaryError, summary] = replies[2 * i] ?? [null, null];
    const [count, oldest, newest] = summaryError ? [0, null, null] : ((summary ?? []) as [number, string | null, string | null]);
    if (Number(count) > 0 && oldest && newest && compareIds(oldest, boundary) <= 0) {
      if (compareIds(newest, boundary) <= 0) status.atRisk.push({ group: name, pending: Number(count), oldestPendingId: oldest });
      else straddling.push({ group: name, oldest });
    }
    const [lagError, undelivered] = replies[2 * i + 1] ?? [null, []];
    const next = lagError ? undefined : (undelivered as [string, string[]][])[0]?.[0];
    if (next !== undefined && compareIds(next, boundary) <= 0) {
      status.lagAtRisk.push({ group: name, lastDeliveredId: group.lastDeliveredId, firstUndeliveredId: next });
    }
  });
  if (straddling.length > 0) {
    const counting = redis.pipeline();
    for (const { group } of straddling) counting.xpending(keys.stream, group, "-", boundary, AT_RISK_COUNT);
    const counts = (await guard(counting.exec())) ?? [];
    straddling.forEach(({ group, oldest }, i) => {
      const [error, list] = counts[i] ?? [null, []];
      const pending = error ? 0 : (list as unknown[]).length;
      if (pending > 0) status.atRisk.push({ group, pending, oldestPendingId: oldest });
    });
    const order = new Map(groups.map((group, i) => [group.name, i]));
    status.atRisk.sort((a, b) => order.get(a.group)! - order.get(b.group)!);
  }
  return status;
}
