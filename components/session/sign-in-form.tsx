"use client";

import { api } from "@/components/api";
import { reloadTo } from "./reload-to";
import { useState, type FormEvent } from "react";
import { buttonStyles, Field } from "@/components/ui/field";
import { afterSignInUrl } from "@/lib/safe-redirect";

/** Where to go after signing in: only a page of this site, never another origin. */
function nextUrl(): string {
  return afterSignInUrl(new URLSearchParams(window.location.search).get("next"), window.location.origin);
}

export function SignInForm() {
  const [username, setUsername] = useState("");
  const [password, setPassword] = useState("");
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  async function submit(event: FormEvent) {
    event.preventDefault();
    setBusy(true);
    setError(null);
    const result = await api("/api/session", { method: "POST", body: { username, password } });
    if (result.ok) {
      const mustChange = result.headers.get("x-streamdesk-must-change-password") === "1";
      reloadTo(mustChange ? "/account/password" : nextUrl());
      return;
    }
    setError(result.error);
    setBusy(false);
  }

  return (
    <div className="flex flex-1 items-center justify-center p-6">
      <form
        onSubmit={submit}
        noValidate
        className="w-full max-w-sm space-y-4 rounded-xl border border-slate-200 bg-white p-6 shadow-sm"
        aria-labelledby="sign-in-title"
      >
        <h1 id="sign-in-title" className="text-xl font-semibold">
          Sign in to StreamDesk
        </h1>
        <Field label="Username" value={username} onChange={setUsername} autoComplete="username" autoFocus />
        <Field label="Password" value={password} onChange={setPassword} type="password" autoComplete="current-password" />
        <p role="alert" className="min-h-5 text-sm text-red-700">
          {error ?? ""}
        </p>
        <button type="submit" disabled={busy} className={`${buttonStyles.primary} w-full`}>
          {busy ? "Signing in…" : "Sign in"}
        </button>
      </form>
    </div>
  );
}
