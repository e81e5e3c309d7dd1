"use client";

import Link from "next/link";
import { useState, type FormEvent } from "react";
import { api } from "@/components/api";
import { formatEntryTime } from "@/components/feed/format";
import { buttonStyles, Field } from "@/components/ui/field";
import type { GroupInfo } from "@/lib/groups";
import { useIsSupervisor } from "@/components/session/user-context";
import { groupsStore, useGroups } from "./groups-store";
import { DeleteGroupDialog } from "./delete-group-dialog";
import { StaleBanner } from "./stale-banner";
import { RetentionWarning } from "@/components/retention/retention";
import { useRetention } from "@/components/retention/use-retention";

/** Every consumer group of the stream, live, with a form to create one. */
export function GroupsPage() {
  const { groups, error } = useGroups();
  const supervisor = useIsSupervisor();
  const retention = useRetention();
  return (
    <div className="mx-auto w-full max-w-6xl space-y-4 p-4">
      <div className="flex items-baseline justify-between">
        <h1 className="text-xl font-semibold">Consumer groups</h1>
        <span className="text-sm text-slate-600">Updates live as printing, accounting and email read and acknowledge.</span>
      </div>
      <StaleBanner error={error} />
      <RetentionWarning state={retention} />
      {supervisor ? <CreateGroupForm /> : null}
      {groups === null ? (
        <p className="text-slate-600">Loading groups…</p>
      ) : groups.length === 0 ? (
        <p className="rounded-xl border border-dashed border-slate-300 bg-white p-8 text-center text-slate-600">
          No consumer groups on this stream yet. Create one above, or with <code>XGROUP CREATE</code>.
        </p>
      ) : (
        <ul className="grid gap-3 md:grid-cols-2">
          {groups.map((group) => (
            <GroupCard key={group.name} group={group} canChange={supervisor} />
          ))}
        </ul>
      )}
    </div>
  );
}

function CreateGroupForm() {
  const [name, setName] = useState("");
  const [start, setStart] = useState("$");
  const [errors, setErrors] = useState<{ name?: string; start?: string }>({});
  const [message, setMessage] = useState<{ ok: boolean; text: string } | null>(null);
  const [busy, setBusy] = useState(false);

  async function submit(event: FormEvent) {
    event.preventDefault();
    setBusy(true);
    const result = await api("/api/groups", { method: "POST", body: { name, start } });
    setBusy(false);
    if (result.ok) {
      setMessage({ ok: true, text: `Created group ${name.trim()}.` });
      setErrors({});
      setName("");
      void groupsStore.reload();
    } else {
      setErrors(result.field === "start" ? { start: result.error } : { name: result.error });
      setMessage({ ok: false, text: result.error });
    }
  }

  return (
    <form
      onSubmit={submit}
      noValidate
      className="rounded-xl border border-slate-200 bg-white p-4 shadow-sm"
      aria-labelledby="create-group-title"
    >
      <h2 id="create-group-title" className="mb-3 text-base font-semibold">
        Create a group
      </h2>
      <div className="flex flex-wrap items-start gap-3">
        <Field
          className="w-56"
          label="Group name"
          value={name}
          onChange={setName}
          error={errors.name}
          placeholder="printing"
          autoComplete="off"
        />
        <Field
          className="w-72"
          label="Start from"
          value={start}
          onChange={setStart}
          error={errors.start}
          hint="$ new entries · 0 whole stream · an id · a time"
          autoComplete="off"
        />
        <div className="flex gap-2 pt-6">
          <button type="button" className={buttonStyles.small} onClick={() => setStart("$")}>
            New only
          </button>
          <button type="button" className={buttonStyles.small} onClick={() => setStart("0")}>
            Whole stream
          </button>
        </div>
        <button type="submit" disabled={busy} className={`${buttonStyles.primary} mt-6`}>
          Create group
        </button>
      </div>
      <p role="status" className={`mt-2 min-h-5 text-sm ${message?.ok ? "text-emerald-700" : "text-red-700"}`}>
        {message?.text ?? ""}
      </p>
    </form>
  );
}

function GroupCard({ group, canChange }: { group: GroupInfo; canChange: boolean }) {
  const [confirming, setConfirming] = useState(false);
  const href = `/groups/${encodeURIComponent(group.name)}`;

  return (
    <li data-testid="group" data-group={group.name} className="rounded-xl border border-slate-200 bg-white p-4 shadow-sm">
      <div className="flex items-start justify-between gap-3">
        <Link href={href} className="truncate text-lg font-semibold text-slate-900 hover:text-amber-700 hover:underline">
          {group.name}
        </Link>
        {canChange ? (
          <button
            type="button"
            className={buttonStyles.danger}
            onClick={() => setConfirming(true)}
            aria-label={`Delete group ${group.name}`}
          >
            Delete
          </button>
        ) : null}
      </div>
      <dl className="mt-3 grid grid-cols-3 gap-3 text-sm">
        <Stat label="Pending">
          <span data-testid="pending-count" className={group.pending > 0 ? "text-amber-700" : ""}>
            {group.pending}
          </span>
        </Stat>
        <Stat label="Lag">
          <span data-testid="lag">{group.lag === null ? "unknown" : group.lag}</span>
        </Stat>
        <Stat label="Consumers">
          <span data-testid="consumer-count">{group.consumers.length}</span>
        </Stat>
      </dl>
      <p className="mt-3 truncate text-xs text-slate-600">
        Last delivered <span className="font-mono">{group.lastDeliveredId}</span>
        {group.lastDeliveredId !== "0-0" ? ` (${formatEntryTime(group.lastDeliveredId)})` : " (nothing yet)"}
      </p>
      <DeleteGroupDialog group={group} open={confirming} onClose={() => setConfirming(false)} onDeleted={() => setConfirming(false)} />
    </li>
  );
}

export function Stat({ label, children }: { label: string; children: React.ReactNode }) {
  return (
    <div>
      <dt className="text-xs uppercase tracking-wide text-slate-600">{label}</dt>
      <dd className="text-2xl font-semibold tabular-nums">{children}</dd>
    </div>
  );
}
