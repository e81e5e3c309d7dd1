"use client";

import Link from "next/link";
import { useCallback, useEffect, useState, type FormEvent } from "react";
import { api } from "@/components/api";
import { Dialog } from "@/components/ui/dialog";
import { buttonStyles, Field } from "@/components/ui/field";
import type { StaffMember } from "@/lib/staff";
import { ErrorText } from "@/components/ui/error-text";

/** Supervisors add people, reset passwords and disable accounts. */
export function StaffPage({ me }: { me: string }) {
  const [staff, setStaff] = useState<StaffMember[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const load = useCallback(async () => {
    const result = await api<{ staff: StaffMember[] }>("/api/staff");
    if (result.ok) setStaff(result.data.staff);
    else setError(result.error);
  }, []);
  useEffect(() => {
    const timer = setTimeout(() => void load(), 0);
    return () => clearTimeout(timer);
  }, [load]);

  return (
    <div className="mx-auto w-full max-w-4xl space-y-4 p-4">
      <h1 className="text-xl font-semibold">Staff</h1>
      <AddStaffForm onAdded={() => void load()} />
      <ErrorText message={error} />
      <section className="rounded-xl border border-slate-200 bg-white shadow-sm" aria-label="Staff accounts">
        {staff === null ? (
          <p className="p-4 text-slate-600">Loading…</p>
        ) : (
          <ul className="divide-y divide-slate-100">
            {staff.map((member) => (
              <StaffRow key={member.username} member={member} isMe={member.username === me} onChanged={() => void load()} />
            ))}
          </ul>
        )}
      </section>
    </div>
  );
}

function AddStaffForm({ onAdded }: { onAdded: () => void }) {
  const [username, setUsername] = useState("");
  const [password, setPassword] = useState("");
  const [role, setRole] = useState<"seller" | "supervisor">("seller");
  const [message, setMessage] = useState<{ ok: boolean; text: string; field?: string } | null>(null);
  async function submit(event: FormEvent) {
    event.preventDefault();
    const result = await api<StaffMember>("/api/staff", { method: "POST", body: { username, password, role } });
    if (result.ok) {
      setMessage({
        ok: true,
        text: `Added ${result.data.username} as ${result.data.role}. They choose their own password at first sign-in.`,
      });
      setUsername("");
      setPassword("");
      onAdded();
    } else setMessage({ ok: false, text: result.error, field: result.field });
  }
  return (
    <form
      onSubmit={submit}
      noValidate
      className="rounded-xl border border-slate-200 bg-white p-4 shadow-sm"
      aria-labelledby="add-staff-title"
    >
      <h2 id="add-staff-title" className="mb-3 text-base font-semibold">
        Add a person
      </h2>
      <div className="flex flex-wrap items-start gap-3">
        <Field
          className="w-48"
          label="New username"
          value={username}
          onChange={setUsername}
          autoComplete="off"
          error={message?.field === "username" ? message.text : undefined}
        />
        <Field
          className="w-56"
          label="First password"
          value={password}
          onChange={setPassword}
          type="password"
          autoComplete="new-password"
          hint="At least 10 characters; they change it."
          error={message?.field === "password" ? message.text : undefined}
        />
        <label className="flex flex-col gap-1 text-sm font-medium text-slate-700">
          Role
          <select
            value={role}
            onChange={(event) => setRole(event.target.value as "seller" | "supervisor")}
            className="rounded-lg border border-slate-300 px-2 py-2"
          >
            <option value="seller">seller</option>
            <option value="supervisor">supervisor</option>
          </select>
        </label>
        <button type="submit" className={`${buttonStyles.primary} mt-6`}>
          Add person
        </button>
      </div>
      <p role="status" className={`mt-2 min-h-5 text-sm ${message?.ok ? "text-emerald-700" : "text-red-700"}`}>
        {message?.text ?? ""}
      </p>
    </form>
  );
}

function StaffRow({ member, isMe, onChanged }: { member: StaffMember; isMe: boolean; onChanged: () => void }) {
  const [resetting, setResetting] = useState(false);
  const [password, setPassword] = useState("");
  const [error, setError] = useState<string | null>(null);
  const patch = async (body: { password?: string; disabled?: boolean }) => {
    const result = await api(`/api/staff/${encodeURIComponent(member.username)}`, { method: "PATCH", body });
    if (!result.ok) {
      setError(result.error);
      return false;
    }
    setError(null);
    onChanged();
    return true;
  };
  return (
    <li className="flex flex-wrap items-center gap-3 px-4 py-3" data-testid="staff-member" data-username={member.username}>
      <span className="min-w-0 flex-1 font-medium">
        {member.username}
        {isMe ? <span className="ml-2 text-xs text-slate-600">(you)</span> : null}
      </span>
      <span
        className={`rounded px-2 py-0.5 text-xs font-semibold ${member.role === "supervisor" ? "bg-amber-100 text-amber-900" : "bg-slate-100 text-slate-700"}`}
      >
        {member.role}
      </span>
      {member.disabled ? <span className="rounded bg-red-100 px-2 py-0.5 text-xs font-semibold text-red-800">disabled</span> : null}
      {member.mustChangePassword ? <span className="text-xs text-slate-600">must change password</span> : null}
      {isMe ? (
        // Your own password takes the current one (a borrowed session must not be enough): the change page asks for it.
        <Link href="/account/password" className={buttonStyles.small}>
          Change password
        </Link>
      ) : (
        <button type="button" className={buttonStyles.small} onClick={() => setResetting(true)}>
          Reset password
        </button>
      )}
      {isMe ? null : (
        <button
          type="button"
          className={member.disabled ? buttonStyles.small : `${buttonStyles.small} text-red-700`}
          onClick={() => void patch({ disabled: !member.disabled })}
        >
          {member.disabled ? "Enable" : "Disable"}
        </button>
      )}
      {error ? (
        <p role="alert" className="w-full text-sm text-red-700">
          {error}
        </p>
      ) : null}
      <Dialog title={`Reset ${member.username}'s password`} open={resetting} onClose={() => setResetting(false)}>
        <form
          noValidate
          className="space-y-3"
          onSubmit={async (event) => {
            event.preventDefault();
            if (await patch({ password })) {
              setPassword("");
              setResetting(false);
            }
          }}
        >
          <Field
            label="New password"
            value={password}
            onChange={setPassword}
            type="password"
            autoComplete="new-password"
            hint="They must change it at their next sign-in."
          />
          <ErrorText message={error} />
          <div className="flex justify-end gap-2">
            <button type="button" className={buttonStyles.secondary} onClick={() => setResetting(false)}>
              Cancel
            </button>
            <button type="submit" className={buttonStyles.primary}>
              Reset password
            </button>
          </div>
        </form>
      </Dialog>
    </li>
  );
}
