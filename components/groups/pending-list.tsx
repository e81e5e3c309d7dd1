"use client";

import { useCallback, useEffect, useState } from "react";
import { api } from "@/components/api";
import { Dialog } from "@/components/ui/dialog";
import { buttonStyles, Field } from "@/components/ui/field";
import { formatDuration, useNow } from "@/components/ui/use-now";
import type { GroupInfo, PendingMessage } from "@/lib/groups";
import { AutoclaimDialog } from "./autoclaim-dialog";
import { ClaimDialog } from "./claim-dialog";
import { groupsStore } from "./groups-store";
import { ErrorText } from "@/components/ui/error-text";

const PAGE = 50;

interface Page {
  pending: PendingMessage[];
  next: string | null;
  deadLetterDeliveries: number;
  loadedAt: number;
}

/** The group's pending list, page by page, refreshed whenever the group's figures move. */
export function PendingList({ group, canChange }: { group: GroupInfo; canChange: boolean }) {
  const base = `/api/groups/${encodeURIComponent(group.name)}`;
  const [owner, setOwner] = useState("");
  const [minIdle, setMinIdle] = useState("");
  const [cursors, setCursors] = useState<(string | undefined)[]>([undefined]);
  const [page, setPage] = useState<Page | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [selected, setSelected] = useState<ReadonlySet<string>>(new Set());
  const [message, setMessage] = useState<{ ok: boolean; text: string } | null>(null);
  const [busy, setBusy] = useState(false);
  const [claiming, setClaiming] = useState<PendingMessage | null>(null);
  const [autoclaiming, setAutoclaiming] = useState(false);
  const [deadConfirm, setDeadConfirm] = useState(false);
  const after = cursors.at(-1);
  // Any movement in the group's figures means the visible page may be out of date.
  const version = `${group.pending}|${group.lastDeliveredId}|${group.consumers.map((c) => `${c.name}:${c.pending}`).join(",")}`;

  const load = useCallback(async () => {
    const query = new URLSearchParams({ count: String(PAGE) });
    if (owner) query.set("consumer", owner);
    if (minIdle.trim()) query.set("minIdleMs", minIdle.trim());
    if (after) query.set("after", after);
    const result = await api<Omit<Page, "loadedAt">>(`${base}/pending?${query}`);
    if (result.ok) {
      setPage({ ...result.data, loadedAt: Date.now() });
      setError(null);
    } else setError(result.error);
  }, [base, owner, minIdle, after]);

  useEffect(() => {
    const timer = setTimeout(() => void load(), 150);
    return () => clearTimeout(timer);
  }, [load, version]);

  const act = async (path: string, body: unknown, describe: (data: Record<string, unknown>) => string) => {
    setBusy(true);
    const result = await api<Record<string, unknown>>(`${base}/${path}`, { method: "POST", body });
    setBusy(false);
    setMessage(result.ok ? { ok: true, text: describe(result.data) } : { ok: false, text: result.error });
    if (result.ok) {
      setSelected(new Set());
      void groupsStore.reload();
      void load();
    }
    return result;
  };

  const ack = (ids: string[]) => act("ack", { ids }, (d) => `Acknowledged ${d.acked} message${d.acked === 1 ? "" : "s"}.`);
  const rows = page?.pending ?? [];
  const deadMark = page?.deadLetterDeliveries ?? 5;
  const deadOnPage = rows.filter((row) => row.deliveries >= deadMark).length;
  const allSelected = rows.length > 0 && rows.every((row) => selected.has(row.id));

  return (
    <section aria-labelledby="pending-title" className="min-w-0 space-y-3 rounded-xl border border-slate-200 bg-white p-4 shadow-sm">
      <div className="flex flex-wrap items-end gap-3">
        <h2 id="pending-title" className="mr-auto text-base font-semibold">
          Pending messages
        </h2>
        <label className="flex flex-col gap-1 text-sm font-medium text-slate-700">
          Owner
          <select
            value={owner}
            onChange={(event) => {
              setOwner(event.target.value);
              setCursors([undefined]);
            }}
            className="rounded-lg border border-slate-300 px-2 py-2"
          >
            <option value="">All consumers</option>
            {group.consumers.map((consumer) => (
              <option key={consumer.name} value={consumer.name}>
                {consumer.name}
              </option>
            ))}
          </select>
        </label>
        <Field
          className="w-40"
          label="Idle at least (ms)"
          value={minIdle}
          onChange={(value) => {
            setMinIdle(value);
            setCursors([undefined]);
          }}
          inputMode="numeric"
          placeholder="0"
        />
      </div>
      <div className={canChange ? "flex flex-wrap items-center gap-2" : "hidden"}>
        <button
          type="button"
          className={buttonStyles.secondary}
          disabled={busy || selected.size === 0}
          onClick={() => void ack([...selected])}
        >
          Ack selected ({selected.size})
        </button>
        <button
          type="button"
          className={buttonStyles.secondary}
          disabled={busy || group.pending === 0}
          onClick={() => setAutoclaiming(true)}
        >
          Claim all idle…
        </button>
        <button
          type="button"
          className={buttonStyles.secondary}
          disabled={busy || group.pending === 0}
          onClick={() => setDeadConfirm(true)}
        >
          Move dead letters…
        </button>
        <p role="status" className={`ml-2 text-sm ${message?.ok ? "text-emerald-700" : "text-red-700"}`}>
          {message?.text ?? ""}
        </p>
      </div>
      <ErrorText message={error} />
      <PendingTable
        rows={rows}
        loadedAt={page?.loadedAt ?? 0}
        deadMark={deadMark}
        selected={selected}
        allSelected={allSelected}
        busy={busy}
        canChange={canChange}
        onToggle={(id) =>
          setSelected((current) => {
            const next = new Set(current);
            if (!next.delete(id)) next.add(id);
            return next;
          })
        }
        onToggleAll={() => setSelected(allSelected ? new Set() : new Set(rows.map((row) => row.id)))}
        onAck={(id) => void ack([id])}
        onClaim={setClaiming}
      />
      {page === null ? <p className="text-sm text-slate-600">Loading pending messages…</p> : null}
      {page !== null && rows.length === 0 ? (
        <p className="py-4 text-center text-sm text-slate-600">Nothing pending{owner || minIdle ? " matches these filters" : ""}.</p>
      ) : null}
      <div className="flex items-center justify-between text-sm text-slate-600">
        <span>
          {deadOnPage > 0 ? `${deadOnPage} on this page delivered ${deadMark}+ times (dead letters). ` : ""}
          {group.pending} pending in all
        </span>
        <div className="flex gap-2">
          <button
            type="button"
            className={buttonStyles.small}
            disabled={cursors.length === 1}
            onClick={() => setCursors((c) => c.slice(0, -1))}
          >
            Previous page
          </button>
          <button
            type="button"
            className={buttonStyles.small}
            disabled={!page?.next}
            onClick={() => page?.next && setCursors((c) => [...c, page.next!])}
          >
            Next page
          </button>
        </div>
      </div>
      <ClaimDialog
        key={claiming?.id ?? "none"}
        message={claiming}
        onClose={() => setClaiming(null)}
        onClaim={async (consumer, minIdleMs) => {
          const result = await act("claim", { consumer, minIdleMs, ids: [claiming!.id] }, (d) =>
            (d.claimed as string[]).length === 1 ? `Claimed ${claiming!.id} for ${consumer}.` : "Nothing was claimed.",
          );
          if (!result.ok) return result.error;
          if ((result.data.claimed as string[]).length === 0) {
            return `Nothing was claimed: ${claiming!.id} has not been idle for ${minIdleMs} ms yet, or is no longer pending.`;
          }
          setClaiming(null);
          return null;
        }}
      />
      <AutoclaimDialog
        open={autoclaiming}
        group={group}
        onClose={() => setAutoclaiming(false)}
        onDone={(text) => setMessage({ ok: true, text })}
      />
      <Dialog title="Move dead letters?" open={deadConfirm} onClose={() => setDeadConfirm(false)}>
        <p className="text-sm text-slate-700">
          Every message of {group.name} delivered {deadMark} or more times is copied to the dead-letter stream — with its original id,
          group, consumer and delivery count — and acknowledged, in one step per message.
        </p>
        <div className="flex justify-end gap-2">
          <button type="button" className={buttonStyles.secondary} onClick={() => setDeadConfirm(false)}>
            Cancel
          </button>
          <button
            type="button"
            className={buttonStyles.primary}
            disabled={busy}
            onClick={() => {
              setDeadConfirm(false);
              void act("dead-letters", {}, (d) => `Moved ${d.moved} dead letter${d.moved === 1 ? "" : "s"} to ${d.stream}.`);
            }}
          >
            Move dead letters
          </button>
        </div>
      </Dialog>
    </section>
  );
}

interface TableProps {
  rows: PendingMessage[];
  loadedAt: number;
  deadMark: number;
  selected: ReadonlySet<string>;
  allSelected: boolean;
  busy: boolean;
  canChange: boolean;
  onToggle: (id: string) => void;
  onToggleAll: () => void;
  onAck: (id: string) => void;
  onClaim: (message: PendingMessage) => void;
}

function PendingTable({
  rows,
  loadedAt,
  deadMark,
  selected,
  allSelected,
  busy,
  canChange,
  onToggle,
  onToggleAll,
  onAck,
  onClaim,
}: TableProps) {
  const now = useNow();
  if (rows.length === 0) return null;
  return (
    <div className="overflow-x-auto">
      <table className="w-full text-left text-sm">
        <thead className="border-b border-slate-200 text-xs uppercase tracking-wide text-slate-600">
          <tr>
            <th className="w-8 py-2">
              {canChange ? (
                <input type="checkbox" checked={allSelected} onChange={onToggleAll} aria-label="Select every message on this page" />
              ) : null}
            </th>
            <th className="py-2">Id</th>
            <th className="py-2">Owner</th>
            <th className="py-2 text-right">Idle</th>
            <th className="py-2 text-right">Deliveries</th>
            <th className="py-2 pl-4">Entry</th>
            <th className="py-2" />
          </tr>
        </thead>
        <tbody className="divide-y divide-slate-100">
          {rows.map((row) => {
            const dead = row.deliveries >= deadMark;
            return (
              <tr key={row.id} data-testid="pending-entry" data-entry-id={row.id} className={dead ? "bg-red-50" : undefined}>
                <td className="py-2">
                  {canChange ? (
                    <input
                      type="checkbox"
                      checked={selected.has(row.id)}
                      onChange={() => onToggle(row.id)}
                      aria-label={`Select ${row.id}`}
                    />
                  ) : null}
                </td>
                <td className="py-2 font-mono text-xs">{row.id}</td>
                <td className="py-2">{row.consumer}</td>
                <td className="py-2 text-right tabular-nums">{formatDuration(row.idleMs + Math.max(0, now - loadedAt))}</td>
                <td className="py-2 text-right tabular-nums">
                  {row.deliveries}
                  {dead ? <span className="ml-1 rounded bg-red-600 px-1 text-xs font-semibold text-white">dead letter</span> : null}
                </td>
                <td className="max-w-xs truncate py-2 pl-4 text-slate-600">
                  {row.fields ? (
                    Object.entries(row.fields)
                      .map(([key, value]) => `${key}: ${value}`)
                      .join(" · ")
                  ) : (
                    <em className="text-slate-500">deleted from the stream</em>
                  )}
                </td>
                <td className={canChange ? "space-x-1 py-2 text-right whitespace-nowrap" : "hidden"}>
                  <button type="button" className={buttonStyles.small} disabled={busy} onClick={() => onAck(row.id)}>
                    Ack
                  </button>
                  <button type="button" className={buttonStyles.small} disabled={busy} onClick={() => onClaim(row)}>
                    Claim
                  </button>
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}
