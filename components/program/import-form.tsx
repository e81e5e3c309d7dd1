"use client";

import { useId, useRef, useState, type FormEvent } from "react";
import { api } from "@/components/api";
import { ErrorText } from "@/components/ui/error-text";
import { buttonStyles } from "@/components/ui/field";
import type { ProgramProblem } from "@/lib/validations/program";
import { programStore } from "./program-store";

/** What the last import did: a sentence, and when refused every problem the server listed. */
export type ImportResult = { ok: true; text: string } | { ok: false; text: string; problems: ProgramProblem[] } | null;

const plural = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;

/**
 * Imports a programme file (the shape the download gives) in one step, all or nothing; when the server
 * refuses it, every problem is listed with where it is in the file.
 */
export function ImportForm({ setResult }: { setResult: (result: ImportResult) => void }) {
  const id = useId();
  const input = useRef<HTMLInputElement>(null);
  const [file, setFile] = useState<File | null>(null);
  const [busy, setBusy] = useState(false);

  async function submit(event: FormEvent) {
    event.preventDefault();
    if (!file) return setResult({ ok: false, text: "Choose a programme file (JSON) first.", problems: [] });
    let document: unknown;
    try {
      document = JSON.parse(await file.text());
    } catch (error) {
      return setResult({
        ok: false,
        text: `${file.name} is not valid JSON (${error instanceof Error ? error.message : "it could not be read"}); nothing was imported.`,
        problems: [],
      });
    }
    setBusy(true);
    const response = await api<{ imported: { movies: number; halls: number; showings: number } }>("/api/program/import", {
      method: "POST",
      body: document,
    });
    setBusy(false);
    if (!response.ok) {
      const problems = response.problems ?? [];
      return setResult({
        ok: false,
        text:
          problems.length > 0
            ? `${file.name} has ${plural(problems.length, "problem", "problems")}; nothing was imported. Fix ${problems.length === 1 ? "it" : "each one"} and import again.`
            : `${file.name} was not imported: ${response.error}`,
        problems,
      });
    }
    const { movies, halls, showings } = response.data.imported;
    setResult({
      ok: true,
      text: `Imported ${file.name}: ${plural(movies, "film", "films")}, ${plural(halls, "hall", "halls")}, ${plural(showings, "showing", "showings")} added or replaced.`,
    });
    setFile(null);
    if (input.current) input.current.value = "";
    void programStore.reload();
  }

  return (
    <form onSubmit={submit} noValidate aria-label="Import a programme" className="space-y-2">
      <label htmlFor={id} className="block text-sm font-medium text-slate-700">
        Import programme (JSON)
      </label>
      <div className="flex items-center gap-2">
        <input
          id={id}
          ref={input}
          type="file"
          accept="application/json,.json"
          onChange={(event) => {
            setFile(event.target.files?.[0] ?? null);
            setResult(null);
          }}
          className="min-w-0 flex-1 text-sm text-slate-600 file:mr-2 file:rounded-md file:border file:border-slate-300 file:bg-white file:px-2 file:py-1 file:text-xs file:font-medium hover:file:bg-slate-50"
        />
        <button type="submit" disabled={busy} className={buttonStyles.secondary}>
          Import
        </button>
      </div>
      <p className="text-xs text-slate-600">
        Adds or replaces every film, hall and showing the file names and keeps the rest; all or nothing.
      </p>
    </form>
  );
}

/** What the import did, or its refusal with every problem as "path: message". */
export function ImportOutcome({ result, onDismiss }: { result: ImportResult; onDismiss: () => void }) {
  if (!result) return null;
  if (result.ok) {
    return (
      <div className="flex items-start gap-3 rounded-lg border border-emerald-200 bg-emerald-50 px-3 py-2">
        <p role="status" className="text-sm text-emerald-800">
          {result.text}
        </p>
        <button type="button" className={`${buttonStyles.small} ml-auto`} onClick={onDismiss}>
          Dismiss
        </button>
      </div>
    );
  }
  const { text, problems } = result;
  return (
    <div className="rounded-lg border border-red-200 bg-red-50 px-3 py-2">
      <div className="flex items-start gap-3">
        <ErrorText message={text} />
        <button type="button" className={`${buttonStyles.small} ml-auto`} onClick={onDismiss}>
          Dismiss
        </button>
      </div>
      {problems.length > 0 ? (
        <ul aria-label="Import problems" className="mt-2 max-h-80 space-y-1.5 overflow-y-auto text-sm text-red-900">
          {problems.map((problem, i) => (
            <li key={i} data-testid="import-problem" className="break-words">
              <code className="rounded bg-white/80 px-1 font-mono text-xs text-red-800">{problem.path}</code>: {problem.message}
            </li>
          ))}
        </ul>
      ) : null}
    </div>
  );
}
