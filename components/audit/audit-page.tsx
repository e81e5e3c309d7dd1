"use client";

import { useCallback, useEffect, useState } from "react";
import { api } from "@/components/api";
import { formatEntryTime } from "@/components/feed/format";
import { buttonStyles, Field } from "@/components/ui/field";
import type { TicketEntry } from "@/lib/entries";
import { ErrorText } from "@/components/ui/error-text";

const SHOWN = new Set(["actor", "action", "target"]);

/** Who did what and when, newest first, filtered by person or action. */
export function AuditPage() {
  const [actor, setActor] = useState("");
  const [action, setAction] = useState("");
  const [entries, setEntries] = useState<TicketEntry[]>([]);
  const [next, setNext] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [loading, setLoading] = useState(true);

  const load = useCallback(
    async (before?: string) => {
      setLoading(true);
      const query = new URLSearchParams({ count: "50" });
      if (actor.trim()) query.set("actor", actor.trim());
      if (action.trim()) query.set("action", action.trim());
      if (before) query.set("before", before);
      const result = await api<{ entries: TicketEntry[]; next: string | null }>(`/api/audit?${query}`);
      setLoading(false);
      if (!result.ok) return setError(result.error);
      setError(null);
      setEntries((current) => (before ? [...current, ...result.data.entries] : result.data.entries));
      setNext(result.data.next);
    },
    [actor, action],
  );

  useEffect(() => {
    const timer = setTimeout(() => void load(), 250);
    return () => clearTimeout(timer);
  }, [load]);

  return (
    <div className="mx-auto w-full max-w-6xl space-y-4 p-4">
      <h1 className="text-xl font-semibold">Audit trail</h1>
      <div className="flex flex-wrap gap-3 rounded-xl border border-slate-200 bg-white p-4 shadow-sm">
        <Field className="w-48" label="Person" value={actor} onChange={setActor} placeholder="any" autoComplete="off" />
        <Field
          className="w-56"
          label="Action"
          value={action}
          onChange={setAction}
          placeholder="e.g. group.claim"
          autoComplete="off"
          hint="Matches the start: group. finds every group change."
        />
      </div>
      <ErrorText message={error} />
      <div className="overflow-x-auto rounded-xl border border-slate-200 bg-white shadow-sm">
        <table className="w-full text-left text-sm">
          <thead className="border-b border-slate-200 text-xs uppercase tracking-wide text-slate-600">
            <tr>
              <th className="px-4 py-2">When</th>
              <th className="px-4 py-2">Person</th>
              <th className="px-4 py-2">Action</th>
              <th className="px-4 py-2">Target</th>
              <th className="px-4 py-2">Details</th>
            </tr>
          </thead>
          <tbody className="divide-y divide-slate-100">
            {entries.map((entry) => (
              <tr key={entry.id} data-testid="audit-entry" data-entry-id={entry.id}>
                <td className="px-4 py-2 font-mono text-xs whitespace-nowrap text-slate-600">{formatEntryTime(entry.id, new Date(0))}</td>
                <td className="px-4 py-2 font-medium">{entry.fields.actor}</td>
                <td className="px-4 py-2">{entry.fields.action}</td>
                <td className="px-4 py-2">{entry.fields.target}</td>
                <td className="max-w-md truncate px-4 py-2 text-slate-600">
                  {Object.entries(entry.fields)
                    .filter(([key]) => !SHOWN.has(key))
                    .map(([key, value]) => `${key}: ${value}`)
                    .join(" · ")}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
        {!loading && entries.length === 0 ? (
          <p className="p-6 text-center text-slate-600">Nothing recorded{actor || action ? " matches these filters" : " yet"}.</p>
        ) : null}
      </div>
      {next ? (
        <button type="button" className={buttonStyles.secondary} disabled={loading} onClick={() => void load(next)}>
          {loading ? "Loading…" : "Older entries"}
        </button>
      ) : null}
    </div>
  );
}
