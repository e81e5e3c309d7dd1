"use client";

import Link from "next/link";
import { useRouter } from "next/navigation";
import { useState, type FormEvent } from "react";
import { api } from "@/components/api";
import { formatEntryTime } from "@/components/feed/format";
import { Dialog } from "@/components/ui/dialog";
import { buttonStyles, Field } from "@/components/ui/field";
import { formatDuration, useNow } from "@/components/ui/use-now";
import type { GroupInfo } from "@/lib/groups";
import type { TicketEntry } from "@/lib/entries";
import { Stat } from "./groups-page";
import { useIsSupervisor } from "@/components/session/user-context";
import { groupsStore, useGroups } from "./groups-store";
import { PendingList } from "./pending-list";
import { DeleteGroupDialog } from "./delete-group-dialog";
import { StaleBanner } from "./stale-banner";
import { ErrorText } from "@/components/ui/error-text";

/** One group: its figures, consumers, a reader, and the pending list with every fix a supervisor needs. */
export function GroupDetail({ name }: { name: string }) {
  const { groups, receivedAt, error } = useGroups();
  const supervisor = useIsSupervisor();
  const group = groups?.find((g) => g.name === name);

  if (groups === null) return <p className="p-6 text-slate-600">Loading group…</p>;
  if (!group) {
    return (
      <div className="mx-auto max-w-3xl space-y-3 p-6">
        <h1 className="text-xl font-semibold">No group named “{name}”</h1>
        <p className="text-slate-600">It may have been deleted. </p>
        <Link href="/groups" className="text-amber-700 underline">
          Back to all groups
        </Link>
      </div>
    );
  }
  return (
    <div className="mx-auto w-full max-w-7xl space-y-4 p-4">
      <nav className="text-sm text-slate-600">
        <Link href="/groups" className="hover:underline">
          Groups
        </Link>{" "}
        / <span className="text-slate-800">{name}</span>
      </nav>
      <StaleBanner error={error} />
      <Summary group={group} canChange={supervisor} />
      {supervisor ? null : (
        <p className="text-sm text-slate-600">You can watch this group; a supervisor can read, acknowledge and claim its messages.</p>
      )}
      <div className="grid items-start gap-4 lg:grid-cols-[1fr_22rem]">
        <PendingList group={group} canChange={supervisor} />
        <div className="space-y-4">
          <Consumers group={group} receivedAt={receivedAt} canChange={supervisor} />
          {supervisor ? <ReadForm group={group.name} /> : null}
          {supervisor ? <MoveForm group={group.name} /> : null}
        </div>
      </div>
    </div>
  );
}

function Summary({ group, canChange }: { group: GroupInfo; canChange: boolean }) {
  const router = useRouter();
  const [confirming, setConfirming] = useState(false);
  return (
    <section className="flex flex-wrap items-end gap-8 rounded-xl border border-slate-200 bg-white p-4 shadow-sm">
      <div className="min-w-0">
        <p className="text-xs uppercase tracking-wide text-slate-600">Consumer group</p>
        <h1 className="truncate text-2xl font-semibold">{group.name}</h1>
      </div>
      <dl className="flex flex-wrap gap-8">
        <Stat label="Pending">
          <span data-testid="pending-count">{group.pending}</span>
        </Stat>
        <Stat label="Lag">
          <span data-testid="lag">{group.lag === null ? "unknown" : group.lag}</span>
        </Stat>
        <Stat label="Read">
          <span>{group.entriesRead === null ? "unknown" : group.entriesRead}</span>
        </Stat>
      </dl>
      <p className="text-sm text-slate-600">
        Last delivered <span className="font-mono text-slate-700">{group.lastDeliveredId}</span>
        {group.lastDeliveredId !== "0-0" ? ` · ${formatEntryTime(group.lastDeliveredId)}` : ""}
      </p>
      {canChange ? (
        <button type="button" className={`${buttonStyles.danger} ml-auto`} onClick={() => setConfirming(true)}>
          Delete group
        </button>
      ) : null}
      <DeleteGroupDialog group={group} open={confirming} onClose={() => setConfirming(false)} onDeleted={() => router.push("/groups")} />
    </section>
  );
}

function Consumers({ group, receivedAt, canChange }: { group: GroupInfo; receivedAt: number; canChange: boolean }) {
  const now = useNow();
  const [removing, setRemoving] = useState<{ name: string; pending: number } | null>(null);
  const [error, setError] = useState<string | null>(null);
  async function remove(consumer: string) {
    const result = await api(`/api/groups/${encodeURIComponent(group.name)}/consumers/${encodeURIComponent(consumer)}`, {
      method: "DELETE",
    });
    if (!result.ok) return setError(result.error);
    setRemoving(null);
    void groupsStore.reload();
  }
  return (
    <section aria-labelledby="consumers-title" className="rounded-xl border border-slate-200 bg-white p-4 shadow-sm">
      <h2 id="consumers-title" className="mb-2 text-base font-semibold">
        Consumers
      </h2>
      {group.consumers.length === 0 ? (
        <p className="text-sm text-slate-600">No consumer has read from this group yet.</p>
      ) : (
        <ul className="divide-y divide-slate-100">
          {group.consumers.map((consumer) => (
            <li key={consumer.name} data-testid="consumer" data-consumer={consumer.name} className="flex items-center gap-3 py-2">
              <div className="min-w-0 flex-1">
                <p className="truncate font-medium" title={consumer.name}>
                  {consumer.name}
                </p>
                <p className="text-xs text-slate-600 tabular-nums" title="Idle: time since this consumer last read or acknowledged">
                  idle {formatDuration(consumer.idleMs + Math.max(0, now - receivedAt))}
                </p>
              </div>
              <span className="text-sm whitespace-nowrap text-slate-600">
                <span data-testid="consumer-pending" className="font-semibold tabular-nums">
                  {consumer.pending}
                </span>{" "}
                pending
              </span>
              {canChange ? (
                <button
                  type="button"
                  className={buttonStyles.small}
                  onClick={() => setRemoving(consumer)}
                  aria-label={`Delete consumer ${consumer.name}`}
                >
                  ✕
                </button>
              ) : null}
            </li>
          ))}
        </ul>
      )}
      <Dialog title={`Delete consumer ${removing?.name ?? ""}?`} open={removing !== null} onClose={() => setRemoving(null)}>
        <p className="text-sm text-slate-700">
          {removing && removing.pending > 0
            ? `${removing.name} still owns ${removing.pending} pending message${removing.pending === 1 ? "" : "s"}. Deleting it drops them from the pending list for good: claim them for another consumer first if they still need processing.`
            : "It owns no pending messages."}
        </p>
        <ErrorText message={error} />
        <div className="flex justify-end gap-2">
          <button type="button" className={buttonStyles.secondary} onClick={() => setRemoving(null)}>
            Keep it
          </button>
          <button type="button" className={buttonStyles.danger} onClick={() => removing && void remove(removing.name)}>
            Delete consumer
          </button>
        </div>
      </Dialog>
    </section>
  );
}

function ReadForm({ group }: { group: string }) {
  const [consumer, setConsumer] = useState("");
  const [count, setCount] = useState("10");
  const [errors, setErrors] = useState<{ consumer?: string; count?: string }>({});
  const [result, setResult] = useState<{ ok: boolean; text: string; entries: TicketEntry[] } | null>(null);
  async function submit(event: FormEvent) {
    event.preventDefault();
    const response = await api<{ entries: TicketEntry[] }>(`/api/groups/${encodeURIComponent(group)}/read`, {
      method: "POST",
      body: { consumer, count },
    });
    if (response.ok) {
      const n = response.data.entries.length;
      setErrors({});
      setResult({
        ok: true,
        text: n === 0 ? "No new entries to deliver." : `Delivered ${n} entr${n === 1 ? "y" : "ies"} to ${consumer.trim()}.`,
        entries: response.data.entries,
      });
      void groupsStore.reload();
    } else {
      setErrors(response.field === "count" ? { count: response.error } : { consumer: response.error });
      setResult({ ok: false, text: response.error, entries: [] });
    }
  }
  return (
    <form
      onSubmit={submit}
      noValidate
      aria-labelledby="read-title"
      className="space-y-3 rounded-xl border border-slate-200 bg-white p-4 shadow-sm"
    >
      <h2 id="read-title" className="text-base font-semibold">
        Read as a consumer
      </h2>
      <p className="text-xs text-slate-600">Runs XREADGROUP … &gt;: delivers entries no consumer of this group has been given yet.</p>
      <div className="grid grid-cols-[1fr_5rem] gap-2">
        <Field
          label="Consumer"
          value={consumer}
          onChange={setConsumer}
          error={errors.consumer}
          placeholder="consumer-1"
          autoComplete="off"
        />
        <Field label="Count" value={count} onChange={setCount} error={errors.count} inputMode="numeric" />
      </div>
      <button type="submit" className={buttonStyles.primary}>
        Read
      </button>
      <p role="status" className={`text-sm ${result?.ok ? "text-emerald-700" : "text-red-700"}`}>
        {result?.text ?? ""}
      </p>
      {result && result.entries.length > 0 ? (
        <ol className="max-h-48 space-y-1 overflow-y-auto text-xs" data-testid="delivered">
          {result.entries.map((entry) => (
            <li key={entry.id} className="truncate font-mono text-slate-600">
              {entry.id} · {Object.values(entry.fields).join(" · ")}
            </li>
          ))}
        </ol>
      ) : null}
    </form>
  );
}

function MoveForm({ group }: { group: string }) {
  const [start, setStart] = useState("");
  const [message, setMessage] = useState<{ ok: boolean; text: string } | null>(null);
  async function submit(event: FormEvent) {
    event.preventDefault();
    const result = await api<{ lastDeliveredId: string }>(`/api/groups/${encodeURIComponent(group)}/setid`, {
      method: "POST",
      body: { start },
    });
    if (result.ok) {
      setMessage({ ok: true, text: `Last delivered id is now ${result.data.lastDeliveredId}.` });
      void groupsStore.reload();
    } else setMessage({ ok: false, text: result.error });
  }
  return (
    <form
      onSubmit={submit}
      noValidate
      aria-labelledby="move-title"
      className="space-y-3 rounded-xl border border-slate-200 bg-white p-4 shadow-sm"
    >
      <h2 id="move-title" className="text-base font-semibold">
        Move the group&apos;s position
      </h2>
      <Field
        label="New position"
        value={start}
        onChange={setStart}
        hint="$ end · 0 start · an id · a time (2026-11-28T21:40)"
        autoComplete="off"
      />
      <button type="submit" className={buttonStyles.secondary}>
        Move
      </button>
      <p role="status" className={`text-sm ${message?.ok ? "text-emerald-700" : "text-red-700"}`}>
        {message?.text ?? ""}
      </p>
    </form>
  );
}
