"use client";

import { formatEntryTime } from "@/components/feed/format";
import type { Retention, RetentionState } from "./use-retention";

/**
 * Names the consumer groups whose unacknowledged entries the next trim would remove, so someone acts
 * before printing or accounting silently loses sales. Renders nothing while no group is at risk.
 */
export function RetentionWarning({ state }: { state: RetentionState }) {
  const atRisk = state.retention?.atRisk ?? [];
  const lagging = state.retention?.lagAtRisk ?? [];
  if (atRisk.length === 0 && lagging.length === 0) return null;
  const names = [...new Set([...atRisk.map((g) => g.group), ...lagging.map((g) => g.group)])];
  const groups = names.length;
  return (
    <div role="alert" data-testid="retention-warning" className="rounded-lg border border-red-300 bg-red-50 px-4 py-3 text-sm text-red-900">
      <p className="font-semibold">
        The next trim would drop entries {groups === 1 ? "a consumer group has" : `${groups} consumer groups have`} not processed yet:
      </p>
      <ul className="mt-1 list-disc space-y-0.5 pl-5">
        {names.map((name) => {
          const pending = atRisk.find((g) => g.group === name);
          const behind = lagging.find((g) => g.group === name);
          return (
            <li key={name} data-testid="at-risk-group" data-group={name}>
              <GroupLink name={name} />:{" "}
              {pending ? (
                <>
                  {pending.pending.toLocaleString()} pending (delivered, not acknowledged), the oldest from{" "}
                  {formatEntryTime(pending.oldestPendingId)}
                  {behind ? "; " : ""}
                </>
              ) : null}
              {behind ? <>not yet delivered the entries from {formatEntryTime(behind.firstUndeliveredId)} on</> : null}.
            </li>
          );
        })}
      </ul>
      <p className="mt-1">
        Have those consumers catch up and acknowledge before the stream is trimmed, or keep more with TICKETS_RETENTION.
      </p>
    </div>
  );
}

function GroupLink({ name }: { name: string }) {
  return (
    <a href={`/groups/${encodeURIComponent(name)}`} className="font-semibold underline">
      {name}
    </a>
  );
}

/** The retention policy in one sentence, with the stream's length and its oldest entry. */
export function RetentionSummary({ state }: { state: RetentionState }) {
  const { retention, error } = state;
  return (
    <section
      aria-labelledby="retention-title"
      className="rounded-xl border border-slate-200 bg-white px-4 py-3 text-sm text-slate-600 shadow-sm"
    >
      <h2 id="retention-title" className="font-semibold text-slate-800">
        Retention
      </h2>
      {retention ? <Summary retention={retention} /> : error ? null : <p>Reading the retention policy…</p>}
      {error ? <p className="text-red-700">{error}</p> : null}
    </section>
  );
}

function Summary({ retention }: { retention: Retention }) {
  return (
    <p data-testid="retention">
      {retention.description}{" "}
      <span className="whitespace-nowrap">
        The stream holds <strong data-testid="stream-length">{retention.length.toLocaleString()}</strong>{" "}
        {retention.length === 1 ? "entry" : "entries"}
      </span>
      {retention.firstId ? `, the oldest from ${formatEntryTime(retention.firstId)}.` : "."}
    </p>
  );
}
