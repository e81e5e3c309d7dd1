"use client";

import { api } from "@/components/api";
import { reloadTo } from "./reload-to";
import { useState } from "react";

export function SignOutButton() {
  const [busy, setBusy] = useState(false);
  return (
    <button
      type="button"
      disabled={busy}
      className="rounded-md px-2 py-1 text-sm text-slate-300 hover:bg-slate-800 hover:text-white"
      onClick={async () => {
        setBusy(true);
        await api("/api/session", { method: "DELETE" });
        reloadTo("/login");
      }}
    >
      Sign out
    </button>
  );
}
