"use client";

import { useEffect, useId, useRef, useState, type FormEvent } from "react";
import { api } from "@/components/api";
import { buttonStyles, Field } from "@/components/ui/field";
import { HALL_ID, MAX_ROWS, type Hall, type ProgramView } from "@/lib/validations/program";
import { nextRow, parseRows, parseSeatList, previewRows, rowDraft, rowProblemField, type RowDraft } from "./drafts";
import { ConfirmDelete, ItemActions, FormActions, IdField, OutcomeText, Section, unflag, type Outcome } from "./parts";
import { PlanPreview, planSummary } from "./plan-preview";
import { programStore } from "./program-store";

interface HallDraft {
  hallId: string;
  name: string;
  rows: RowDraft[];
}

const NEW_HALL: HallDraft = { hallId: "", name: "", rows: [{ row: "A", seats: "12", aisles: "", wheelchair: "" }] };

/** The halls: the list, and an editor whose seat plan is drawn as it is typed. */
export function HallsSection({ view }: { view: ProgramView | null }) {
  const [draft, setDraft] = useState<HallDraft>(NEW_HALL);
  const [editing, setEditing] = useState<string | null>(null);
  const [outcome, setOutcome] = useState<Outcome>(null);
  const [busy, setBusy] = useState(false);
  const [deleting, setDeleting] = useState<Hall | null>(null);
  const nameRef = useRef<HTMLInputElement>(null);
  useEffect(() => {
    if (editing !== null) nameRef.current?.focus();
  }, [editing]);
  const halls = view?.halls ?? [];
  const showingCount = (hallId: string) => view?.showings.filter((s) => s.hallId === hallId).length ?? 0;
  const serverField = outcome && !outcome.ok ? outcome.field : undefined;

  function edit(hall: Hall) {
    setEditing(hall.hallId);
    setDraft({ hallId: hall.hallId, name: hall.name, rows: hall.rows.map(rowDraft) });
    setOutcome(null);
  }
  function reset() {
    setEditing(null);
    setDraft(NEW_HALL);
  }

  async function submit(event: FormEvent) {
    event.preventDefault();
    const hallId = draft.hallId.trim().toLowerCase();
    if (!HALL_ID.test(hallId))
      return setOutcome({ ok: false, field: "hallId", text: "Hall id may use lowercase letters, digits and dashes, like 2 or main." });
    const existing = halls.find((h) => h.hallId === hallId);
    // PUT replaces: adding under an id that is taken would silently replace another hall's plan.
    if (editing === null && existing)
      return setOutcome({
        ok: false,
        field: "hallId",
        text: `Hall id ${hallId} is already ${existing.name}. Pick another id, or edit ${existing.name} in the list.`,
      });
    const rows = parseRows(draft.rows);
    if (!rows.ok) return setOutcome({ ok: false, field: `rows[${rows.problem.index}].${rows.problem.field}`, text: rows.problem.message });
    setBusy(true);
    const result = await api<{ hall: Hall }>(`/api/program/halls/${encodeURIComponent(hallId)}`, {
      method: "PUT",
      body: { name: draft.name, rows: rows.value },
    });
    setBusy(false);
    if (!result.ok) return setOutcome({ ok: false, text: result.error, field: result.field });
    const hall = result.data.hall;
    setOutcome({ ok: true, text: `${result.status === 201 ? "Added" : "Saved"} ${hall.name}: ${planSummary(hall.rows)}.` });
    reset();
    void programStore.reload();
  }

  const preview = previewRows(draft.rows);
  return (
    <Section id="halls-title" title="Halls" count={view ? `${halls.length}` : undefined}>
      <div className="grid lg:grid-cols-[19rem_minmax(0,1fr)_minmax(0,1.15fr)]">
        <div className="border-b border-slate-100 lg:border-r lg:border-b-0">
          {view === null ? (
            <p className="px-4 py-3 text-sm text-slate-600">Loading halls…</p>
          ) : halls.length === 0 ? (
            <p className="px-4 py-6 text-center text-sm text-slate-600">No halls yet. Build one with the editor.</p>
          ) : (
            <ul className="divide-y divide-slate-100">
              {halls.map((hall) => {
                const count = showingCount(hall.hallId);
                return (
                  <li
                    key={hall.hallId}
                    data-testid="program-hall"
                    data-hall-id={hall.hallId}
                    className={`space-y-0.5 px-4 py-2 ${editing === hall.hallId ? "bg-amber-50" : ""}`}
                  >
                    <div className="flex items-center gap-3">
                      <p className="min-w-0 flex-1 truncate font-medium" title={hall.name}>
                        {hall.name}
                      </p>
                      <ItemActions
                        what={hall.name}
                        editing={editing === hall.hallId}
                        onEdit={() => edit(hall)}
                        onDelete={() => setDeleting(hall)}
                      />
                    </div>
                    <p className="text-xs text-slate-600 tabular-nums">
                      {planSummary(hall.rows)} · {hall.rows.length} row{hall.rows.length === 1 ? "" : "s"}
                    </p>
                    <p className="text-xs text-slate-500 tabular-nums">
                      hall {hall.hallId} · {count === 0 ? "no showings" : count === 1 ? "1 showing" : `${count} showings`}
                    </p>
                  </li>
                );
              })}
            </ul>
          )}
        </div>
        <form
          onSubmit={submit}
          noValidate
          aria-labelledby="hall-form-title"
          className="space-y-3 border-b border-slate-100 px-4 py-3 lg:border-b-0"
        >
          <h3 id="hall-form-title" className="text-xs font-semibold tracking-wide text-slate-600 uppercase">
            {editing === null ? "Add a hall" : `Edit hall ${editing}`}
          </h3>
          <div className="flex gap-3">
            <IdField
              width="w-28"
              editing={editing !== null}
              label="Hall id"
              value={draft.hallId}
              onChange={(hallId) => {
                setDraft((d) => ({ ...d, hallId }));
                setOutcome((o) => unflag(o, "hallId"));
              }}
              invalid={serverField === "hallId"}
              placeholder="1"
            />
            <Field
              className="flex-1"
              inputRef={nameRef}
              label="Name"
              value={draft.name}
              onChange={(name) => {
                setDraft((d) => ({ ...d, name }));
                setOutcome((o) => unflag(o, "name"));
              }}
              invalid={serverField === "name"}
              autoComplete="off"
              placeholder="Hall 1"
            />
          </div>
          <RowsEditor
            rows={draft.rows}
            onChange={(rows) => {
              setDraft((d) => ({ ...d, rows }));
              // Any change to the rows may move the one named (a row removed): stop marking it.
              setOutcome((o) => (o && !o.ok && rowProblemField(o.field) ? { ok: false, text: o.text } : o));
            }}
            problem={rowProblemField(serverField)}
          />
          <div className="flex items-center gap-2">
            <button
              type="button"
              className={buttonStyles.secondary}
              disabled={draft.rows.length >= MAX_ROWS}
              onClick={() => setDraft((d) => ({ ...d, rows: [...d.rows, nextRow(d.rows)] }))}
            >
              Add row
            </button>
            <FormActions what="hall" editing={editing !== null} busy={busy} onCancel={reset} className="ml-auto" />
          </div>
          <OutcomeText outcome={outcome} />
        </form>
        <div className="bg-slate-50/60 px-4 py-3 lg:border-l lg:border-slate-100">
          <h3 className="mb-3 text-xs font-semibold tracking-wide text-slate-600 uppercase">
            Seat plan{draft.name.trim() ? ` · ${draft.name.trim()}` : ""}
          </h3>
          <PlanPreview rows={preview} />
        </div>
      </div>
      <ConfirmDelete
        title={`Delete ${deleting?.name ?? "hall"}?`}
        path={`/api/program/halls/${encodeURIComponent(deleting?.hallId ?? "")}`}
        confirm="Delete hall"
        open={deleting !== null}
        onClose={() => setDeleting(null)}
        onDeleted={() => {
          if (editing === deleting?.hallId) reset();
          setDeleting(null);
        }}
      >
        {deleting ? (
          <p>
            {deleting.name} (hall {deleting.hallId}, {planSummary(deleting.rows)}) leaves the programme. A hall with showings cannot be
            deleted; delete or move its showings first.
          </p>
        ) : null}
      </ConfirmDelete>
    </Section>
  );
}

const COLUMNS = "grid grid-cols-[3.25rem_4rem_minmax(0,1fr)_minmax(0,1fr)_1.75rem] items-center gap-2";
const INPUT = "w-full min-w-0 rounded-md border px-2 py-1 text-sm outline-none focus:ring-2";
const OK_INPUT = "border-slate-300 focus:border-amber-500 focus:ring-amber-200";
const BAD_INPUT = "border-red-500 focus:ring-red-200";

/**
 * The plan's rows, one line each under column labels. Each line is a group ("Plan row 2") whose inputs
 * are named by their column, so "Seats" in "Plan row 2" is one control.
 */
function RowsEditor({
  rows,
  onChange,
  problem,
}: {
  rows: RowDraft[];
  onChange: (rows: RowDraft[]) => void;
  problem: { index: number; field: keyof RowDraft } | null;
}) {
  const id = useId();
  const change = (index: number, key: keyof RowDraft, value: string) =>
    onChange(rows.map((row, i) => (i === index ? { ...row, [key]: value } : row)));
  const columns: [keyof RowDraft, string][] = [
    ["row", "Row"],
    ["seats", "Seats"],
    ["aisles", "Aisles"],
    ["wheelchair", "Wheelchair"],
  ];
  return (
    <div className="space-y-1.5">
      <div className={`${COLUMNS} text-sm font-medium text-slate-700`}>
        {columns.map(([key, label]) => (
          <span key={key} id={`${id}-${key}`}>
            {label}
          </span>
        ))}
      </div>
      {rows.map((row, index) => {
        const invalid = (key: keyof RowDraft) => {
          if (problem?.index === index && problem.field === key) return true;
          if (key === "seats") return row.seats.trim() !== "" && !/^\d{1,3}$/.test(row.seats.trim());
          if (key === "aisles" || key === "wheelchair") return !parseSeatList(row[key]).ok;
          return false;
        };
        return (
          <div key={index} role="group" aria-label={`Plan row ${index + 1}`} data-testid="plan-row" className={COLUMNS}>
            {columns.map(([key]) => (
              <input
                key={key}
                value={row[key]}
                onChange={(event) => change(index, key, key === "row" ? event.target.value.toUpperCase() : event.target.value)}
                aria-labelledby={`${id}-${key}`}
                aria-invalid={invalid(key) || undefined}
                inputMode={key === "row" ? "text" : "numeric"}
                autoComplete="off"
                placeholder={index > 0 ? undefined : key === "aisles" ? "e.g. 5, 16" : key === "wheelchair" ? "e.g. 1, 2" : undefined}
                maxLength={key === "row" ? 2 : 200}
                className={`${INPUT} ${invalid(key) ? BAD_INPUT : OK_INPUT} ${key === "row" ? "text-center font-semibold" : ""}`}
              />
            ))}
            <button
              type="button"
              className="h-7 w-7 rounded-md text-slate-500 hover:bg-red-50 hover:text-red-700 disabled:opacity-30"
              aria-label={`Remove plan row ${index + 1}`}
              title="Remove this row"
              disabled={rows.length === 1}
              onClick={() => onChange(rows.filter((_, i) => i !== index))}
            >
              ✕
            </button>
          </div>
        );
      })}
      <p className="text-xs text-slate-600">
        Aisles and wheelchair places are seat numbers, like 5, 16 or 1-2. Aisle numbers are left out of the row; wheelchair places are sold.
      </p>
    </div>
  );
}
