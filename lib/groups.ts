import { auditFields, type AuditRecord } from "./audit";
import { GroupExistsError, GroupMissingError } from "./errors";
import type { StreamKeys } from "./keys";
import { guard, type RedisClient } from "./redis";
import type { StreamId } from "./stream-id";
import { toEntries, type TicketEntry } from "./entries";

/** One consumer of a group, as `XINFO CONSUMERS` reports it. */
export interface ConsumerInfo {
  name: string;
  pending: number;
  idleMs: number;
}

/** One consumer group, as `XINFO GROUPS` reports it; `lag` is null when Redis cannot tell. */
export interface GroupInfo {
  name: string;
  pending: number;
  lag: number | null;
  entriesRead: number | null;
  lastDeliveredId: StreamId;
  consumers: ConsumerInfo[];
}

/** One message in a group's pending entries list; `fields` is null once the entry was trimmed away. */
export interface PendingMessage {
  id: StreamId;
  consumer: string;
  idleMs: number;
  deliveries: number;
  fields: Record<string, string> | null;
}

type Flat = (string | number | null)[];

function record(flat: Flat): Record<string, string | number | null> {
  const out: Record<string, string | number | null> = {};
  for (let i = 0; i + 1 < flat.length; i += 2) out[String(flat[i])] = flat[i + 1] ?? null;
  return out;
}

const num = (value: string | number | null | undefined): number => Number(value ?? 0);
const numOrNull = (value: string | number | null | undefined): number | null =>
  value === null || value === undefined ? null : Number(value);

// Inside a Lua script Redis prefixes nothing but may append script details, so match anywhere.
function isNoGroup(error: unknown): boolean {
  return error instanceof Error && error.message.includes("NOGROUP");
}

function isNoStream(error: unknown): boolean {
  return error instanceof Error && /no such key/i.test(error.message);
}

/** Runs a group command, turning Redis's NOGROUP (and a missing stream) into {@link GroupMissingError}. */
async function inGroup<T>(group: string, work: Promise<T>): Promise<T> {
  try {
    return await guard(work);
  } catch (error) {
    if (isNoGroup(error) || isNoStream(error)) throw new GroupMissingError(group);
    throw error;
  }
}

/** Runs one group command and its audit entry as one atomic step (see AUDITED in scripts.ts). */
function audited(
  redis: RedisClient,
  keys: StreamKeys,
  summary: "count" | "autoclaim" | "read",
  command: (string | number)[],
  record: AuditRecord,
): Promise<unknown> {
  return redis.sdAudited(keys.stream, keys.audit, summary, command.length, ...command, ...auditFields(record));
}

/** A group as `XINFO GROUPS` describes it, without its consumers. */
export type GroupSummary = Omit<GroupInfo, "consumers">;

/** Every group of the stream from one `XINFO GROUPS`; none when the stream does not exist. */
export async function groupSummaries(redis: RedisClient, keys: StreamKeys): Promise<GroupSummary[]> {
  let raw: Flat[];
  try {
    raw = (await guard(redis.xinfo("GROUPS", keys.stream))) as Flat[];
  } catch (error) {
    if (isNoStream(error)) return [];
    throw error;
  }
  return raw.map(record).map((group) => ({
    name: String(group.name),
    pending: num(group.pending),
    lag: numOrNull(group.lag),
    entriesRead: numOrNull(group["entries-read"]),
    lastDeliveredId: String(group["last-delivered-id"]),
  }));
}

/** Every group of the stream with its consumers, in two round trips whatever the number of groups. */
export async function listGroups(redis: RedisClient, keys: StreamKeys): Promise<GroupInfo[]> {
  const groups = await groupSummaries(redis, keys);
  if (groups.length === 0) return [];
  const pipeline = redis.pipeline();
  for (const group of groups) pipeline.xinfo("CONSUMERS", keys.stream, group.name);
  const consumerReplies = (await guard(pipeline.exec())) ?? [];
  return groups.map((group, i) => {
    const [error, consumers] = consumerReplies[i] ?? [null, []];
    return {
      ...group,
      // A group deleted between the two round trips simply shows no consumers.
      consumers: error
        ? []
        : (consumers as Flat[]).map(record).map((c) => ({ name: String(c.name), pending: num(c.pending), idleMs: num(c.idle) })),
    };
  });
}

/** One group, or {@link GroupMissingError}. */
export async function getGroup(redis: RedisClient, keys: StreamKeys, group: string): Promise<GroupInfo> {
  const found = (await listGroups(redis, keys)).find((g) => g.name === group);
  if (!found) throw new GroupMissingError(group);
  return found;
}

/** `XGROUP CREATE … MKSTREAM`: creates the group (and the stream when missing). */
export async function createGroup(redis: RedisClient, keys: StreamKeys, actor: string, group: string, start: string): Promise<void> {
  try {
    await guard(
      audited(redis, keys, "count", ["XGROUP", "CREATE", keys.stream, group, start, "MKSTREAM"], {
        actor,
        action: "group.create",
        target: group,
        start,
      }),
    );
  } catch (error) {
    if (error instanceof Error && error.message.includes("BUSYGROUP")) throw new GroupExistsError(group);
    throw error;
  }
}

/**
 * `XGROUP DESTROY`.
 * @returns how many messages were still pending when the group was deleted.
 */
export async function deleteGroup(redis: RedisClient, keys: StreamKeys, actor: string, group: string): Promise<number> {
  const { pending } = await getGroup(redis, keys, group);
  const removed = await inGroup(
    group,
    audited(redis, keys, "count", ["XGROUP", "DESTROY", keys.stream, group], {
      actor,
      action: "group.delete",
      target: group,
      pending: String(pending),
    }),
  );
  if (Number(removed) === 0) throw new GroupMissingError(group);
  return pending;
}

/** `XGROUP SETID`: moves the group's last-delivered id. */
export async function setGroupId(redis: RedisClient, keys: StreamKeys, actor: string, group: string, start: string): Promise<void> {
  await inGroup(
    group,
    audited(redis, keys, "count", ["XGROUP", "SETID", keys.stream, group, start], { actor, action: "group.setid", target: group, start }),
  );
}

/**
 * `XGROUP DELCONSUMER`.
 * @returns how many pending messages the consumer owned (they are dropped from the pending list).
 */
export async function deleteConsumer(
  redis: RedisClient,
  keys: StreamKeys,
  actor: string,
  group: string,
  consumer: string,
): Promise<number> {
  return Number(
    await inGroup(
      group,
      audited(redis, keys, "count", ["XGROUP", "DELCONSUMER", keys.stream, group, consumer], {
        actor,
        action: "consumer.delete",
        target: group,
        consumer,
      }),
    ),
  );
}

/** `XREADGROUP GROUP g c COUNT n STREAMS <stream> >`: delivers up to `count` new entries to `consumer`. */
export async function readAsConsumer(
  redis: RedisClient,
  keys: StreamKeys,
  actor: string,
  group: string,
  consumer: string,
  count: number,
): Promise<TicketEntry[]> {
  const reply = await inGroup(
    group,
    audited(redis, keys, "read", ["XREADGROUP", "GROUP", group, consumer, "COUNT", count, "STREAMS", keys.stream, ">"], {
      actor,
      action: "group.read",
      target: group,
      consumer,
    }),
  );
  const raw = (reply as [string, [string, string[]][]][] | null)?.[0]?.[1] ?? [];
  return toEntries(raw);
}

type PendingRow = [id: StreamId, consumer: string, idleMs: number, deliveries: number];

/** The extended `XPENDING key group IDLE n (after + count [consumer]` form. */
async function pendingRows(
  redis: RedisClient,
  keys: StreamKeys,
  group: string,
  query: { consumer?: string; minIdleMs: number; count: number; after?: StreamId },
): Promise<PendingRow[]> {
  const args: (string | number)[] = [keys.stream, group, "IDLE", query.minIdleMs, query.after ? `(${query.after}` : "-", "+", query.count];
  if (query.consumer) args.push(query.consumer);
  return (await inGroup(group, redis.call("XPENDING", ...args))) as PendingRow[];
}

/**
 * A page of the group's pending list from the extended `XPENDING` form, oldest first, with each entry's
 * fields. Paged by id, so a page costs the same with ten pending messages or a million.
 */
export async function pendingPage(
  redis: RedisClient,
  keys: StreamKeys,
  group: string,
  query: { consumer?: string; minIdleMs: number; count: number; after?: StreamId },
): Promise<{ pending: PendingMessage[]; next: StreamId | null }> {
  const rows = await pendingRows(redis, keys, group, query);
  if (rows.length === 0) return { pending: [], next: null };
  const pipeline = redis.pipeline();
  for (const [id] of rows) pipeline.xrange(keys.stream, id, id);
  const entries = (await guard(pipeline.exec())) ?? [];
  const pending = rows.map(([id, consumer, idle, deliveries], i) => {
    const raw = (entries[i]?.[1] as [string, string[]][] | undefined)?.[0];
    return {
      id,
      consumer,
      idleMs: Number(idle),
      deliveries: Number(deliveries),
      fields: raw ? toEntries([raw])[0]!.fields : null,
    };
  });
  return { pending, next: rows.length === query.count ? rows.at(-1)![0] : null };
}

/** `XACK`: returns how many of `ids` were pending (acking twice is harmless and counts once). */
export async function ack(redis: RedisClient, keys: StreamKeys, actor: string, group: string, ids: StreamId[]): Promise<number> {
  await getGroup(redis, keys, group);
  return Number(
    await inGroup(
      group,
      audited(redis, keys, "count", ["XACK", keys.stream, group, ...ids], {
        actor,
        action: "group.ack",
        target: group,
        ids: ids.join(","),
      }),
    ),
  );
}

/**
 * `XCLAIM`, as redis-cli would: gives `ids` idle for at least `minIdleMs` to `consumer` and counts a delivery.
 * @returns the ids actually claimed; the others were not idle long enough or are no longer pending.
 */
export async function claim(
  redis: RedisClient,
  keys: StreamKeys,
  actor: string,
  group: string,
  consumer: string,
  minIdleMs: number,
  ids: StreamId[],
): Promise<StreamId[]> {
  await getGroup(redis, keys, group);
  const claimed = (await inGroup(
    group,
    audited(redis, keys, "count", ["XCLAIM", keys.stream, group, consumer, minIdleMs, ...ids], {
      actor,
      action: "group.claim",
      target: group,
      consumer,
      minIdleMs: String(minIdleMs),
      ids: ids.join(","),
    }),
  )) as ([string, string[]] | null)[];
  return claimed.filter((entry): entry is [string, string[]] => entry !== null).map(([id]) => id);
}

/**
 * One step of `XAUTOCLAIM`: claims up to `count` messages idle for `minIdleMs` from `cursor` on.
 * Call again with the returned cursor until it is `0-0`.
 */
export async function autoclaimStep(
  redis: RedisClient,
  keys: StreamKeys,
  actor: string,
  group: string,
  consumer: string,
  minIdleMs: number,
  cursor: StreamId,
  count: number,
): Promise<{ cursor: StreamId; claimed: number; deleted: number }> {
  const reply = (await inGroup(
    group,
    audited(redis, keys, "autoclaim", ["XAUTOCLAIM", keys.stream, group, consumer, minIdleMs, cursor, "COUNT", count], {
      actor,
      action: "group.autoclaim",
      target: group,
      consumer,
      minIdleMs: String(minIdleMs),
      from: cursor,
    }),
  )) as [string, unknown[], string[]?];
  return { cursor: reply[0], claimed: reply[1].length, deleted: reply[2]?.length ?? 0 };
}

/**
 * Moves every pending message delivered at least `minDeliveries` times (or only `ids`, when given) to the
 * dead-letter stream and acknowledges it, one Lua script per page so nothing is lost or doubled.
 * `reason`, when given, is kept on each dead letter (a worker says why it gave up on the entry).
 * @returns the ids moved.
 */
export async function moveDeadLetters(
  redis: RedisClient,
  keys: StreamKeys,
  actor: string,
  group: string,
  minDeliveries: number,
  ids?: StreamId[],
  reason = "",
): Promise<StreamId[]> {
  await getGroup(redis, keys, group);
  const moved: StreamId[] = [];
  if (ids) {
    moved.push(
      ...(await inGroup(group, redis.sdMoveDeadLetters(keys.stream, keys.dead, keys.audit, group, minDeliveries, actor, reason, ...ids))),
    );
    return moved;
  }
  let after: StreamId | undefined;
  for (;;) {
    const rows = await pendingRows(redis, keys, group, { minIdleMs: 0, count: 1000, after });
    const dead = rows.filter((row) => Number(row[3]) >= minDeliveries).map((row) => row[0]);
    if (dead.length > 0) {
      moved.push(
        ...(await inGroup(
          group,
          redis.sdMoveDeadLetters(keys.stream, keys.dead, keys.audit, group, minDeliveries, actor, reason, ...dead),
        )),
      );
    }
    if (rows.length < 1000) return moved;
    after = rows.at(-1)![0];
  }
}
