"use client";

import { reloadTo } from "./reload-to";
import { useState, type FormEvent } from "react";
import { api } from "@/components/api";
import { buttonStyles, Field } from "@/components/ui/field";
import { useUser } from "./user-context";

export function ChangePasswordForm() {
  const user = useUser();
  const [current, setCurrent] = useState("");
  const [next, setNext] = useState("");
  const [repeat, setRepeat] = useState("");
  const [message, setMessage] = useState<{ ok: boolean; text: string } | null>(null);

  async function submit(event: FormEvent) {
    event.preventDefault();
    if (next !== repeat) return setMessage({ ok: false, text: "The two new passwords differ. Type the same one twice." });
    const result = await api("/api/session/password", { method: "POST", body: { currentPassword: current, newPassword: next } });
    if (!result.ok) return setMessage({ ok: false, text: result.error });
    setMessage({ ok: true, text: "Password changed." });
    if (user?.mustChangePassword) reloadTo("/");
  }

  return (
    <div className="flex flex-1 items-center justify-center p-6">
      <form
        onSubmit={submit}
        noValidate
        className="w-full max-w-sm space-y-4 rounded-xl border border-slate-200 bg-white p-6 shadow-sm"
        aria-labelledby="password-title"
      >
        <h1 id="password-title" className="text-xl font-semibold">
          Choose a new password
        </h1>
        {user?.mustChangePassword ? (
          <p className="text-sm text-slate-600">Your password was set by someone else. Choose your own before you carry on.</p>
        ) : null}
        <Field label="Current password" value={current} onChange={setCurrent} type="password" autoComplete="current-password" />
        <Field
          label="New password"
          value={next}
          onChange={setNext}
          type="password"
          autoComplete="new-password"
          hint="At least 10 characters."
        />
        <Field label="Repeat new password" value={repeat} onChange={setRepeat} type="password" autoComplete="new-password" />
        <p role="status" className={`min-h-5 text-sm ${message?.ok ? "text-emerald-700" : "text-red-700"}`}>
          {message?.text ?? ""}
        </p>
        <button type="submit" className={`${buttonStyles.primary} w-full`}>
          Change password
        </button>
      </form>
    </div>
  );
}
