import type { StreamKeys } from "./keys";
import { guard, type RedisClient } from "./redis";
import { idMs } from "./stream-id";
import { isRefund, isSale, seatOf, type TicketEntry } from "./entries";

/** Takings and seats as the accounting worker counted them. `seats` is sold minus refunded; `takings` in cents. */
export interface AccountingFigures {
  seats: number;
  takings: number;
  sales: number;
  refunds: number;
}

export interface ScreeningAccounts extends AccountingFigures {
  movieId: string;
  sessionId: string;
}

/** The UTC day an entry was written, from the time Redis stamped into its id: `2026-12-03`. */
export function entryDay(id: string): string {
  return new Date(idMs(id)).toISOString().slice(0, 10);
}

/**
 * Counts a batch of entries into the per-screening and per-day figures, each entry at most once however
 * often it is delivered (see RECORD_ACCOUNTING). Entries that are neither a sale nor a refund of a valid
 * seat change nothing.
 * @returns how many entries were counted now.
 */
export async function recordAccounting(redis: RedisClient, keys: StreamKeys, entries: TicketEntry[]): Promise<number> {
  const keyList: string[] = [keys.accountingSeen, keys.accountingScreenings, keys.stream];
  const args: string[] = [];
  for (const entry of entries) {
    const seat = seatOf(entry.fields);
    const refund = isRefund(entry.fields);
    if (!seat || !(refund || isSale(entry.fields))) continue;
    keyList.push(keys.accountingScreening(seat.movieId, seat.sessionId), keys.accountingDay(entryDay(entry.id)));
    const price = /^\d{1,9}$/.test(entry.fields.price ?? "") ? entry.fields.price! : "";
    args.push(entry.id, refund ? "refund" : "sale", `${seat.movieId}:${seat.sessionId}`, refund ? (entry.fields.refundOf ?? "") : price);
  }
  if (args.length === 0) return 0;
  return Number(await guard(redis.sdRecordAccounting(keyList.length, ...keyList, ...args)));
}

function figures(hash: Record<string, string>): AccountingFigures {
  return {
    seats: Number(hash.seats ?? 0),
    takings: Number(hash.takings ?? 0),
    sales: Number(hash.sales ?? 0),
    refunds: Number(hash.refunds ?? 0),
  };
}

/** The accounting worker's figures for every screening it counted, and for the given UTC days (two round trips). */
export async function readAccounting(
  redis: RedisClient,
  keys: StreamKeys,
  days: string[] = [],
): Promise<{ screenings: ScreeningAccounts[]; days: (AccountingFigures & { day: string })[] }> {
  const members = await guard(redis.smembers(keys.accountingScreenings));
  const screenings = members.map((member) => {
    const [movieId = "", sessionId = ""] = member.split(":");
    return { movieId, sessionId };
  });
  const pipeline = redis.pipeline();
  for (const s of screenings) pipeline.hgetall(keys.accountingScreening(s.movieId, s.sessionId));
  for (const day of days) pipeline.hgetall(keys.accountingDay(day));
  const replies = (await guard(pipeline.exec())) ?? [];
  const hash = (i: number) => {
    const [error, value] = replies[i] ?? [null, {}];
    if (error) throw error;
    return value as Record<string, string>;
  };
  return {
    screenings: screenings.map((s, i) => ({ ...s, ...figures(hash(i)) })),
    days: days.map((day, i) => ({ day, ...figures(hash(screenings.length + i)) })),
  };
}
