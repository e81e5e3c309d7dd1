import type { StreamKeys } from "./keys";
import { guard, type RedisClient } from "./redis";
import type { StreamId } from "./stream-id";
import { toEntries, type RawEntry, type TicketEntry } from "./entries";

// The commands a worker sends as a consumer of a group. Unlike the console's (lib/groups.ts), they are
// routine and unaudited: a worker acks thousands of entries a minute, and the trail is for people's changes.

/**
 * `XGROUP CREATE … 0 MKSTREAM` unless the group exists. From `0`, so a group created after sales began still
 * sees them all: the accounting totals must equal the stream's.
 * @returns true when this call created it.
 */
export async function ensureGroup(redis: RedisClient, keys: StreamKeys, group: string): Promise<boolean> {
  try {
    await guard(redis.xgroup("CREATE", keys.stream, group, "0", "MKSTREAM"));
    return true;
  } catch (error) {
    if (error instanceof Error && error.message.includes("BUSYGROUP")) return false;
    throw error;
  }
}

/**
 * `XREADGROUP GROUP g c COUNT n [BLOCK ms] STREAMS <stream> <from>`. With `from` = `>` it delivers new entries
 * (blocking up to `blockMs`); with an id it re-reads this consumer's own pending entries after that id
 * (never blocking), which is how a worker resumes what it had in hand before a crash or a lost connection.
 */
export async function readGroup(
  redis: RedisClient,
  keys: StreamKeys,
  group: string,
  consumer: string,
  from: ">" | StreamId,
  count: number,
  blockMs: number,
): Promise<TicketEntry[]> {
  // The typed method, not `call`: ioredis speaks RESP3, where the raw reply is a map keyed by stream.
  const reply = (await guard(
    from === ">"
      ? redis.xreadgroup("GROUP", group, consumer, "COUNT", count, "BLOCK", blockMs, "STREAMS", keys.stream, from)
      : redis.xreadgroup("GROUP", group, consumer, "COUNT", count, "STREAMS", keys.stream, from),
  )) as [string, (RawEntry | [string, null])[]][] | null;
  // A pending entry trimmed out of the stream comes back with null fields: it is passed on with none.
  const raw = reply?.[0]?.[1] ?? [];
  return toEntries(raw.map(([id, fields]) => [id, fields ?? []]));
}

/** `XACK` of a whole batch in one command; acking an entry twice is harmless. */
export async function ackEntries(redis: RedisClient, keys: StreamKeys, group: string, ids: StreamId[]): Promise<number> {
  if (ids.length === 0) return 0;
  return Number(await guard(redis.xack(keys.stream, group, ...ids)));
}

/**
 * One `XAUTOCLAIM` step: takes over up to `count` entries idle for at least `minIdleMs` (left by a consumer
 * that died or lost its connection), counting a delivery for each.
 * @returns the entries claimed, the ids already trimmed from the stream (Redis drops those from the
 * pending list itself), and the cursor for the next step (`0-0` when the pending list was walked through).
 */
export async function autoclaim(
  redis: RedisClient,
  keys: StreamKeys,
  group: string,
  consumer: string,
  minIdleMs: number,
  cursor: StreamId,
  count: number,
): Promise<{ cursor: StreamId; entries: TicketEntry[]; deleted: StreamId[] }> {
  const reply = (await guard(redis.call("XAUTOCLAIM", keys.stream, group, consumer, minIdleMs, cursor, "COUNT", count))) as [
    string,
    RawEntry[],
    string[]?,
  ];
  return { cursor: reply[0], entries: toEntries(reply[1]), deleted: reply[2] ?? [] };
}

/** How many times each of `ids` has been delivered, from the extended `XPENDING` form; absent when no longer pending. */
export async function deliveryCounts(redis: RedisClient, keys: StreamKeys, group: string, ids: StreamId[]): Promise<Map<StreamId, number>> {
  const counts = new Map<StreamId, number>();
  if (ids.length === 0) return counts;
  const pipeline = redis.pipeline();
  for (const id of ids) pipeline.call("XPENDING", keys.stream, group, "IDLE", 0, id, id, 1);
  const replies = (await guard(pipeline.exec())) ?? [];
  replies.forEach(([error, rows], i) => {
    if (error) throw error;
    const row = (rows as [string, string, number, number][])[0];
    if (row) counts.set(ids[i]!, Number(row[3]));
  });
  return counts;
}
