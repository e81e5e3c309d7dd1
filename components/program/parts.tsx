"use client";

import { useId, useState, type ComponentProps, type ReactNode } from "react";
import { api } from "@/components/api";
import { Dialog } from "@/components/ui/dialog";
import { ErrorText } from "@/components/ui/error-text";
import { buttonStyles, Field } from "@/components/ui/field";
import { programStore } from "./program-store";

/** What a form last heard: a sentence to confirm, or one to fix (with the field it names, if any). */
export type Outcome = { ok: true; text: string } | { ok: false; text: string; field?: string } | null;

/** Once the person edits the field an error named, it is no longer marked; the sentence stays until the next try. */
export function unflag(outcome: Outcome, field: string): Outcome {
  return outcome && !outcome.ok && outcome.field === field ? { ok: false, text: outcome.text } : outcome;
}

/** A programme section: a white card with its title, a count and actions on the right. */
export function Section({
  id,
  title,
  count,
  actions,
  children,
  className,
}: {
  id: string;
  title: string;
  count?: string;
  actions?: ReactNode;
  children: ReactNode;
  className?: string;
}) {
  return (
    <section aria-labelledby={id} className={`rounded-xl border border-slate-200 bg-white shadow-sm ${className ?? ""}`}>
      <header className="flex items-baseline gap-3 border-b border-slate-100 px-4 py-3">
        <h2 id={id} className="text-base font-semibold">
          {title}
        </h2>
        {count ? <span className="text-sm text-slate-600">{count}</span> : null}
        {actions ? <div className="ml-auto flex items-center gap-2">{actions}</div> : null}
      </header>
      {children}
    </section>
  );
}

/** A labelled select in the style of {@link Field}. */
export function SelectField({
  label,
  value,
  onChange,
  options,
  placeholder,
  invalid,
  disabled,
  hint,
  className,
}: {
  label: string;
  value: string;
  onChange: (value: string) => void;
  options: { value: string; label: string }[];
  placeholder: string;
  invalid?: boolean;
  disabled?: boolean;
  hint?: string;
  className?: string;
}) {
  const id = useId();
  return (
    <div className={`flex flex-col gap-1 ${className ?? ""}`}>
      <label htmlFor={id} className="text-sm font-medium text-slate-700">
        {label}
      </label>
      <select
        id={id}
        value={value}
        onChange={(event) => onChange(event.target.value)}
        aria-invalid={invalid ? true : undefined}
        aria-describedby={hint ? `${id}-hint` : undefined}
        disabled={disabled}
        className={`rounded-lg border bg-white px-2 py-2 outline-none focus:ring-2 disabled:bg-slate-100 disabled:text-slate-600 ${invalid ? "border-red-500 focus:ring-red-200" : "border-slate-300 focus:border-amber-500 focus:ring-amber-200"} ${value === "" ? "text-slate-600" : ""}`}
      >
        <option value="" disabled>
          {placeholder}
        </option>
        {options.map((option) => (
          <option key={option.value} value={option.value} className="text-slate-900">
            {option.label}
          </option>
        ))}
      </select>
      {hint ? (
        <p id={`${id}-hint`} className="text-xs text-slate-600">
          {hint}
        </p>
      ) : null}
    </div>
  );
}

/** The outcome under a form: a confirmation (status) or the sentence to fix (alert). */
/**
 * The id field of an add form (movie, hall or session id): the key the item is stored under, so it is
 * read-only, and greyed, while an existing item is edited.
 */
export function IdField({
  width,
  editing,
  ...props
}: { width: string; editing: boolean } & Omit<ComponentProps<typeof Field>, "className" | "readOnly" | "autoComplete">) {
  return (
    <Field
      className={`${width} [&_input:read-only]:bg-slate-100 [&_input:read-only]:text-slate-600`}
      readOnly={editing}
      autoComplete="off"
      {...props}
    />
  );
}

/** An add form's buttons: Add (or Save while editing) and, while editing, Cancel. */
export function FormActions({
  what,
  editing,
  busy,
  onCancel,
  className,
}: {
  what: string;
  editing: boolean;
  busy: boolean;
  onCancel: () => void;
  className: string;
}) {
  return (
    <div className={`flex gap-2 ${className}`}>
      {editing ? (
        <button type="button" className={buttonStyles.secondary} onClick={onCancel}>
          Cancel
        </button>
      ) : null}
      <button type="submit" disabled={busy} className={buttonStyles.primary}>
        {editing ? `Save ${what}` : `Add ${what}`}
      </button>
    </div>
  );
}

export function OutcomeText({ outcome }: { outcome: Outcome }) {
  if (!outcome) return null;
  if (!outcome.ok) return <ErrorText message={outcome.text} />;
  return (
    <p role="status" className="text-sm text-emerald-700">
      {outcome.text}
    </p>
  );
}

/** Edit and Delete for one listed item; the names say which item for screen readers and tests. */
export function ItemActions({
  what,
  onEdit,
  onDelete,
  editing,
}: {
  what: string;
  onEdit: () => void;
  onDelete: () => void;
  editing: boolean;
}) {
  return (
    <div className="flex shrink-0 gap-1.5">
      <button
        type="button"
        className={`${buttonStyles.small} ${editing ? "border-amber-400 bg-amber-50" : ""}`}
        onClick={onEdit}
        aria-label={`Edit ${what}`}
      >
        Edit
      </button>
      <button
        type="button"
        className={`${buttonStyles.small} text-red-700 hover:bg-red-50`}
        onClick={onDelete}
        aria-label={`Delete ${what}`}
      >
        Delete
      </button>
    </div>
  );
}

/**
 * Asks before deleting a film, hall or showing; the server's refusal (it still has showings, it has sales)
 * is shown in the dialog. `path` is the item's API path.
 */
export function ConfirmDelete({
  title,
  path,
  confirm,
  open,
  onClose,
  onDeleted,
  children,
}: {
  title: string;
  path: string;
  confirm: string;
  open: boolean;
  onClose: () => void;
  onDeleted: () => void;
  children: ReactNode;
}) {
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const close = () => {
    setError(null);
    onClose();
  };
  async function remove() {
    setBusy(true);
    const result = await api(path, { method: "DELETE" });
    setBusy(false);
    if (!result.ok) return setError(result.error);
    setError(null);
    await programStore.reload();
    onDeleted();
  }
  return (
    <Dialog title={title} open={open} onClose={close}>
      <div className="text-sm text-slate-700">{children}</div>
      <ErrorText message={error} />
      <div className="flex justify-end gap-2">
        <button type="button" className={buttonStyles.secondary} onClick={close}>
          Keep it
        </button>
        <button type="button" className={buttonStyles.danger} disabled={busy} onClick={() => void remove()}>
          {confirm}
        </button>
      </div>
    </Dialog>
  );
}
