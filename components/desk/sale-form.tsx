"use client";

import { useEffect, useRef, useState, type FormEvent, type ReactNode } from "react";
import { api } from "@/components/api";
import { buttonStyles, Field } from "@/components/ui/field";
import { formatPrice } from "@/lib/validations/program-index";
import { multiSaleSchema, saleSchema, SEAT_PATTERN } from "@/lib/validations/sale";
import { formatSeats, parseSeats } from "./seats";

export interface SaleFields {
  name: string;
  seat: string;
  movieId: string;
  sessionId: string;
}

type FieldName = keyof SaleFields;
type Outcome = { kind: "idle" } | { kind: "busy" } | { kind: "sold"; text: string } | { kind: "error"; text: string };
type Errors = Partial<Record<FieldName, { text: string; value: string }>>;

/** localStorage key of the last screening sold or picked, "movieId/sessionId". */
export const SCREENING_KEY = "streamdesk:screening";

const FORM_ORDER: FieldName[] = ["name", "seat", "movieId", "sessionId"];

/** The request the form sends: `seat` for one seat (answered with `{id}`), `seats` for several (`{ids}`). */
type SaleRequest = { name: string; movieId: number; sessionId: number } & ({ seat: string } | { seats: string[] });

/** Checks the form as the server will; errors are keyed by the field that shows them. */
function validate(fields: SaleFields, maxSeats: number): { request: SaleRequest; seats: string[] } | { errors: Errors } {
  const seats = parseSeats(fields.seat);
  const errors: Errors = {};
  const add = (path: PropertyKey | undefined, text: string) => {
    const field: FieldName = path === "seats" ? "seat" : (path as FieldName);
    if (FORM_ORDER.includes(field)) errors[field] ??= { text, value: fields[field] };
  };
  if (seats.length <= 1) {
    const parsed = saleSchema.safeParse({ ...fields, seat: seats[0] ?? fields.seat });
    if (parsed.success) return { request: parsed.data, seats: [parsed.data.seat] };
    for (const issue of parsed.error.issues) add(issue.path[0], issue.message);
  } else {
    const bad = seats.filter((seat) => !SEAT_PATTERN.test(seat));
    if (bad.length > 0)
      add(
        "seat",
        `${formatSeats(bad)} ${bad.length === 1 ? "is not a seat" : "are not seats"}: write each seat as a row letter and a number, like B12 or AA3.`,
      );
    const parsed = multiSaleSchema(maxSeats).safeParse({ ...fields, seats });
    if (parsed.success && bad.length === 0) return { request: parsed.data, seats: parsed.data.seats };
    if (!parsed.success) for (const issue of parsed.error.issues) add(issue.path[0], issue.message);
  }
  // In the order the fields appear, so the status line names the first one to fix.
  return { errors: Object.fromEntries(FORM_ORDER.flatMap((field) => (errors[field] ? [[field, errors[field]]] : []))) };
}

function soldText(seats: readonly string[], name: string, ids: readonly string[]): string {
  const entries =
    ids.length === 1 ? `Entry ${ids[0]}.` : ids.length <= 4 ? `Entries ${ids.join(", ")}.` : `Entries ${ids[0]} to ${ids.at(-1)}.`;
  return `Sold ${formatSeats(seats)} to ${name}. ${entries}`;
}

interface Props {
  fields: SaleFields;
  onChange: (update: (current: SaleFields) => SaleFields) => void;
  /** MAX_SEATS_PER_SALE. */
  maxSeats: number;
  /** The showing's price in cents, when the programme gives it one. */
  price?: number;
  /** The Screening picker, drawn under Name. */
  picker: ReactNode;
  /** The seat map, drawn between the fields and the Sell button. */
  children?: ReactNode;
}

/** The sale form. Validates as the server does, then shows the server's answer in a status line. */
export function SaleForm({ fields, onChange, maxSeats, price, picker, children }: Props) {
  // Each error remembers the value it was about, so it disappears as soon as that field changes by any
  // means (typing, a click on the seat map, the form clearing after a sale).
  const [errorsFor, setErrors] = useState<Errors>({});
  const errors = Object.fromEntries(
    Object.entries(errorsFor).flatMap(([field, error]) =>
      error && error.value === fields[field as FieldName] ? [[field, error.text]] : [],
    ),
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

  // The desk is where a shift starts typing: Name has focus on arrival unless something else took it.
  useEffect(() => {
    if (document.activeElement === document.body) nameRef.current?.focus();
  }, []);

  const set = (field: FieldName) => (value: string) => {
    onChange((current) => ({ ...current, [field]: value }));
  };

  const count = new Set(parseSeats(fields.seat)).size;

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (outcome.kind === "busy") return;
    const checked = validate(fields, maxSeats);
    if ("errors" in checked) {
      setErrors(checked.errors);
      setOutcome({ kind: "error", text: Object.values(checked.errors)[0]?.text ?? "Check the form." });
      return;
    }
    setErrors({});
    setOutcome({ kind: "busy" });
    const { request, seats } = checked;
    const result = await api<{ id?: string; ids?: string[] }>("/api/tickets", { method: "POST", body: request });
    if (result.ok) {
      const ids = result.data.ids ?? (result.data.id ? [result.data.id] : []);
      localStorage.setItem(SCREENING_KEY, `${request.movieId}/${request.sessionId}`);
      setOutcome({ kind: "sold", text: soldText(seats, request.name, ids) });
      onChange((current) => ({ ...current, name: "", seat: "" }));
      nameRef.current?.focus();
      return;
    }
    if (result.status === 0) {
      // The request may have reached the server before the connection dropped: say so, and how to tell.
      setOutcome({
        kind: "error",
        text: `The connection dropped before StreamDesk answered, so this sale may or may not have gone through. Check the feed and the seat map for ${formatSeats(seats)}; selling it again is safe, as a seat already sold is refused.`,
      });
      return;
    }
    const field = result.field === "seats" ? "seat" : result.field;
    if (field && (FORM_ORDER as string[]).includes(field))
      setErrors({ [field]: { text: result.error, value: fields[field as FieldName] } });
    setOutcome({ kind: "error", text: result.error });
  }

  return (
    <form
      onSubmit={submit}
      noValidate
      className="flex flex-col gap-3 rounded-xl border border-slate-200 bg-white p-4 shadow-sm"
      aria-labelledby="sale-title"
    >
      <h1 id="sale-title" className="text-base font-semibold">
        Sell tickets
      </h1>
      <Field
        label="Name"
        value={fields.name}
        onChange={set("name")}
        error={errors.name}
        inputRef={nameRef}
        autoComplete="off"
        maxLength={100}
        className="[&_input]:py-1.5"
      />
      {picker}
      <div className="grid grid-cols-[minmax(0,2fr)_minmax(0,1fr)_minmax(0,1fr)] gap-3 [&_input]:py-1.5">
        <Field
          label="Seat"
          value={fields.seat}
          onChange={set("seat")}
          error={errors.seat}
          placeholder="B12, B13"
          autoComplete="off"
          spellCheck={false}
        />
        <Field
          label="Movie"
          value={fields.movieId}
          onChange={set("movieId")}
          error={errors.movieId}
          placeholder="53"
          inputMode="numeric"
          autoComplete="off"
        />
        <Field
          label="Session"
          value={fields.sessionId}
          onChange={set("sessionId")}
          error={errors.sessionId}
          placeholder="832"
          inputMode="numeric"
          autoComplete="off"
        />
      </div>
      {children}
      <div className="flex flex-wrap items-center gap-x-4 gap-y-1 border-t border-slate-200 pt-3">
        <button type="submit" disabled={outcome.kind === "busy"} className={buttonStyles.primary}>
          {outcome.kind === "busy" ? "Selling…" : count > 1 ? `Sell ${count} tickets` : "Sell ticket"}
        </button>
        {price !== undefined ? (
          <p className="text-sm text-slate-600 tabular-nums" data-testid="sale-total">
            {count === 0 ? (
              `${formatPrice(price)} a seat`
            ) : (
              <>
                {count} × {formatPrice(price)} = <strong className="font-semibold text-slate-900">{formatPrice(count * price)}</strong>
              </>
            )}
          </p>
        ) : null}
      </div>
      <p
        role="status"
        className={`-mt-1 min-h-5 text-sm ${outcome.kind === "error" ? "text-red-700" : outcome.kind === "sold" ? "text-emerald-700" : "text-slate-600"}`}
      >
        {outcome.kind === "sold" || outcome.kind === "error" ? outcome.text : ""}
      </p>
    </form>
  );
}
