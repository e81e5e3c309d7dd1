import type { StreamKeys } from "./keys";
import { guard, type RedisClient } from "./redis";
import type { StreamId } from "./stream-id";

/**
 * Records that the tickets of `ids` are written (their files exist in WORKER_OUT_DIR). A redelivered entry
 * sets the same field again, so recording twice is harmless.
 */
export async function recordPrinted(redis: RedisClient, keys: StreamKeys, ids: StreamId[], atMs = Date.now()): Promise<void> {
  if (ids.length === 0) return;
  await guard(redis.hset(keys.ticketsPrinted, Object.fromEntries(ids.map((id) => [id, String(atMs)]))));
}

/** What the desk shows for one sale's ticket. */
export type TicketState =
  | { state: "done"; printedAt: number }
  /** Delivered to a worker that has not acked it yet; `idleMs` since its last delivery. */
  | { state: "pending"; consumer: string; idleMs: number; deliveries: number }
  /** Pending for longer than a live worker takes: its consumer probably died, and a claim will move it on. */
  | { state: "stuck"; consumer: string; idleMs: number; deliveries: number }
  /** Not yet delivered to any worker of the group, or the group does not exist. */
  | { state: "waiting" };

/**
 * The ticket state of each of `ids` for the printing `group`, in one round trip: printed (the hash), or
 * pending with the consumer holding it (extended XPENDING per id, pipelined). `groupExists` is false when
 * no tickets worker ever ran on this stream, so the desk can leave the column out.
 */
export async function ticketStates(
  redis: RedisClient,
  keys: StreamKeys,
  group: string,
  ids: StreamId[],
  stuckAfterMs: number,
): Promise<{ groupExists: boolean; tickets: Record<StreamId, TicketState> }> {
  const out: Record<StreamId, TicketState> = {};
  if (ids.length === 0) return { groupExists: true, tickets: out };
  let groupExists = true;
  const pipeline = redis.pipeline();
  pipeline.hmget(keys.ticketsPrinted, ...ids);
  for (const id of ids) pipeline.call("XPENDING", keys.stream, group, "IDLE", 0, id, id, 1);
  const replies = (await guard(pipeline.exec())) ?? [];
  const [printedError, printed] = replies[0] ?? [null, []];
  if (printedError) throw printedError;
  ids.forEach((id, i) => {
    const at = (printed as (string | null)[])[i];
    if (at) {
      out[id] = { state: "done", printedAt: Number(at) };
      return;
    }
    // NOGROUP (no printing worker ever ran) reads as waiting, like an entry not yet delivered.
    const [error, rows] = replies[i + 1] ?? [null, []];
    if (error) groupExists = false;
    const row = error ? undefined : (rows as [string, string, number, number][])[0];
    if (!row) {
      out[id] = { state: "waiting" };
      return;
    }
    const idleMs = Number(row[2]);
    out[id] = { state: idleMs >= stuckAfterMs ? "stuck" : "pending", consumer: row[1], idleMs, deliveries: Number(row[3]) };
  });
  return { groupExists, tickets: out };
}
