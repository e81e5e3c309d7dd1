"use client";

import { useId, type InputHTMLAttributes, type Ref } from "react";

interface FieldProps extends Omit<InputHTMLAttributes<HTMLInputElement>, "onChange" | "value"> {
  label: string;
  value: string;
  onChange: (value: string) => void;
  error?: string;
  hint?: string;
  /** Marks the input as the one to fix when the sentence saying why is shown elsewhere (a form's alert). */
  invalid?: boolean;
  inputRef?: Ref<HTMLInputElement>;
}

/** A labelled text input with its error (or hint) beneath, wired for screen readers. */
export function Field({ label, value, onChange, error, hint, invalid, inputRef, className, ...rest }: FieldProps) {
  const id = useId();
  const note = error ?? hint;
  const bad = Boolean(error) || invalid;
  return (
    <div className={`flex flex-col gap-1 ${className ?? ""}`}>
      <label htmlFor={id} className="text-sm font-medium text-slate-700">
        {label}
      </label>
      <input
        id={id}
        ref={inputRef}
        value={value}
        onChange={(event) => onChange(event.target.value)}
        aria-invalid={bad ? true : undefined}
        aria-describedby={note ? `${id}-note` : undefined}
        className={`rounded-lg border px-3 py-2 outline-none focus:ring-2 ${bad ? "border-red-500 focus:ring-red-200" : "border-slate-300 focus:border-amber-500 focus:ring-amber-200"}`}
        {...rest}
      />
      {note ? (
        <p id={`${id}-note`} className={`text-xs ${error ? "text-red-700" : "text-slate-600"}`}>
          {note}
        </p>
      ) : null}
    </div>
  );
}

export const buttonStyles = {
  primary:
    "rounded-lg bg-slate-900 px-4 py-2 font-medium text-white hover:bg-slate-700 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-amber-500 disabled:opacity-60",
  secondary: "rounded-lg border border-slate-300 bg-white px-3 py-1.5 text-sm font-medium hover:bg-slate-50 disabled:opacity-50",
  danger: "rounded-lg border border-red-300 bg-white px-3 py-1.5 text-sm font-medium text-red-700 hover:bg-red-50 disabled:opacity-50",
  small: "rounded-md border border-slate-300 bg-white px-2 py-1 text-xs font-medium hover:bg-slate-50 disabled:opacity-50",
};
