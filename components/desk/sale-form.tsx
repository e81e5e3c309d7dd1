"use client";

import { useEffect, useRef, useState, type FormEvent } from "react";
import { buttonStyles, Field } from "@/components/ui/field";
import { saleSchema } from "@/lib/validations/sale";

export interface SaleFields {
  name: string;
  seat: string;
  movieId: string;
  sessionId: string;
}

type FieldName = keyof SaleFields;
type Outcome = { kind: "idle" } | { kind: "busy" } | { kind: "sold"; text: string } | { kind: "error"; text: string };

const SCREENING_KEY = "streamdesk:screening";

/** The sale form. Validates as the server does, then shows the server's answer in a status line. */
export function SaleForm({ fields, onChange }: { fields: SaleFields; onChange: (update: (current: SaleFields) => SaleFields) => void }) {
  // Each error remembers the value it was about, so it disappears as soon as that field changes by any
  // means (typing, a click on the seat map, the form clearing after a sale).
  const [errorsFor, setErrors] = useState<Partial<Record<FieldName, { text: string; value: string }>>>({});
  const errors = Object.fromEntries(
    Object.entries(errorsFor).flatMap(([field, error]) => (error && error.value === fields[field as FieldName] ? [[field, error.text]] : [])),
  ) as Partial<Record<FieldName, string>>;
  const [outcome, setOutcome] = useState<Outcome>({ kind: "idle" });
  const nameRef = useRef<HTMLInputElement>(null);

  // Staff sell many seats for one screening in a row: keep the last movie and session across reloads.
  useEffect(() => {
    const saved = localStorage.getItem(SCREENING_KEY);
    if (!saved) return;
    const [movieId = "", sessionId = ""] = saved.split("/");
    onChange((current) => (current.movieId || current.sessionId ? current : { ...current, movieId, sessionId }));
  }, [onChange]);

  const set = (field: FieldName) => (value: string) => {
    onChange((current) => ({ ...current, [field]: value }));
  };

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const parsed = saleSchema.safeParse(fields);
    if (!parsed.success) {
      const next: Partial<Record<FieldName, { text: string; value: string }>> = {};
      for (const issue of parsed.error.issues) {
        const field = issue.path[0] as FieldName;
        next[field] ??= { text: issue.message, value: fields[field] };
      }
      setErrors(next);
      setOutcome({ kind: "error", text: Object.values(next)[0]?.text ?? "Check the form." });
      return;
    }
    setErrors({});
    setOutcome({ kind: "busy" });
    try {
      const response = await fetch("/api/tickets", {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify(fields),
      });
      const body = (await response.json().catch(() => ({}))) as { id?: string; error?: string; field?: string };
      if (response.status === 201 && body.id) {
        const sale = parsed.data;
        localStorage.setItem(SCREENING_KEY, `${sale.movieId}/${sale.sessionId}`);
        setOutcome({ kind: "sold", text: `Sold ${sale.seat} to ${sale.name}. Entry ${body.id}.` });
        onChange((current) => ({ ...current, name: "", seat: "" }));
        nameRef.current?.focus();
        return;
      }
      const text = body.error ?? `The server answered ${response.status}; nothing was sold.`;
      if (body.field && body.field in fields) setErrors({ [body.field]: { text, value: fields[body.field as FieldName] } });
      setOutcome({ kind: "error", text });
    } catch {
      // The request may have reached the server before the connection dropped: say so, and how to tell.
      setOutcome({
        kind: "error",
        text: `The connection dropped before StreamDesk answered, so this sale may or may not have gone through. Check the feed and the seat map for ${fields.seat || "the seat"}; selling it again is safe, as a seat already sold is refused.`,
      });
    }
  }

  return (
    <form onSubmit={submit} noValidate className="space-y-3 rounded-xl border border-slate-200 bg-white p-4 shadow-sm" aria-labelledby="sale-title">
      <h1 id="sale-title" className="text-base font-semibold">
        Sell a ticket
      </h1>
      <Field label="Name" value={fields.name} onChange={set("name")} error={errors.name} inputRef={nameRef} autoComplete="off" maxLength={100} />
      <div className="grid grid-cols-3 gap-3">
        <Field label="Seat" value={fields.seat} onChange={set("seat")} error={errors.seat} placeholder="B12" autoComplete="off" />
        <Field label="Movie" value={fields.movieId} onChange={set("movieId")} error={errors.movieId} placeholder="53" inputMode="numeric" />
        <Field label="Session" value={fields.sessionId} onChange={set("sessionId")} error={errors.sessionId} placeholder="832" inputMode="numeric" />
      </div>
      <div className="flex items-center gap-3">
        <button
          type="submit"
          disabled={outcome.kind === "busy"}
          className={buttonStyles.primary}
        >
          {outcome.kind === "busy" ? "Selling…" : "Sell ticket"}
        </button>
        <p
          role="status"
          className={`min-w-0 flex-1 text-sm ${outcome.kind === "error" ? "text-red-700" : outcome.kind === "sold" ? "text-emerald-700" : "text-slate-500"}`}
        >
          {outcome.kind === "sold" || outcome.kind === "error" ? outcome.text : ""}
        </p>
      </div>
    </form>
  );
}
