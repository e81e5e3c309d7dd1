import type { StreamKeys } from "./keys";
import { guard, type RedisClient } from "./redis";
import { isStreamId, type StreamId } from "./stream-id";
import { ValidationError } from "./errors";
import { toEntries, type TicketEntry } from "./entries";

/** What a change was, who made it and to what; the fields of one audit entry. */
export interface AuditRecord {
  actor: string;
  action: string;
  target: string;
  [detail: string]: string;
}

/** The audit entry's fields as the flat list XADD takes. */
export function auditFields(record: AuditRecord): string[] {
  return Object.entries(record).flatMap(([field, value]) => [field, value]);
}

/** Appends an audit entry on its own, for changes that cannot share one atomic step with it. */
export async function appendAudit(redis: RedisClient, keys: StreamKeys, record: AuditRecord): Promise<StreamId> {
  return (await guard(redis.xadd(keys.audit, "*", ...auditFields(record)))) as StreamId;
}

/**
 * Newest-first page of the audit trail, optionally only entries whose actor or action equals the filter.
 * Filtering scans at most `scanLimit` entries per call and says where to continue.
 */
export async function readAudit(
  redis: RedisClient,
  keys: StreamKeys,
  query: { before?: StreamId; count: number; actor?: string; action?: string },
): Promise<{ entries: TicketEntry[]; next: StreamId | null }> {
  if (query.before !== undefined && !isStreamId(query.before)) {
    throw new ValidationError("before must be an entry id like 1700000000000-0.", "before");
  }
  const filtered = Boolean(query.actor || query.action);
  const matches = (entry: TicketEntry) =>
    (!query.actor || entry.fields.actor === query.actor) && (!query.action || entry.fields.action?.startsWith(query.action));
  const entries: TicketEntry[] = [];
  let cursor = query.before;
  const batch = filtered ? 500 : query.count;
  for (let scanned = 0; scanned < 10_000; scanned += batch) {
    const raw = (await guard(redis.xrevrange(keys.audit, cursor ? `(${cursor}` : "+", "-", "COUNT", batch))) as [string, string[]][];
    const page = toEntries(raw);
    for (const entry of page) {
      cursor = entry.id;
      if (!matches(entry)) continue;
      entries.push(entry);
      if (entries.length === query.count) return { entries, next: entry.id };
    }
    if (page.length < batch) return { entries, next: null };
  }
  return { entries, next: cursor ?? null };
}
