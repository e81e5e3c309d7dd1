"use client";

import { useEffect, useRef, useState, type FormEvent } from "react";
import { api } from "@/components/api";
import { buttonStyles, Field } from "@/components/ui/field";
import { useNow } from "@/components/ui/use-now";
import { showingEndsMs, type ProgramView, type Showing, type ShowingSummary } from "@/lib/validations/program";
import { POSITIVE_ID } from "@/lib/validations/ids";
import { describeShowing, formatPrice, formatShowtime, type ProgramIndex } from "@/lib/validations/program-index";
import { dayKey, localInput, parsePrice, priceInput, showingsByDay, startsAtFromInput } from "./drafts";
import { ConfirmDelete, ItemActions, FormActions, IdField, OutcomeText, Section, SelectField, unflag, type Outcome } from "./parts";
import { programStore } from "./program-store";

const EMPTY = { sessionId: "", movieId: "", hallId: "", start: "", price: "" };

/** The showings: a form that adds or edits one, and every showing by day with its seats sold. */
export function ShowingsSection({ view, index }: { view: ProgramView | null; index: ProgramIndex }) {
  const [draft, setDraft] = useState(EMPTY);
  const [editing, setEditing] = useState<string | null>(null);
  const [outcome, setOutcome] = useState<Outcome>(null);
  const [busy, setBusy] = useState(false);
  const [deleting, setDeleting] = useState<ShowingSummary | null>(null);
  const [showEarlier, setShowEarlier] = useState(false);
  const now = useNow(60_000);
  const startRef = useRef<HTMLInputElement>(null);
  // Edit may be pressed far down the list: bring the form into view, at the field most often changed.
  useEffect(() => {
    if (editing !== null) startRef.current?.focus();
  }, [editing]);
  const showings = view?.showings ?? [];
  const set = (key: keyof typeof EMPTY) => (value: string) => {
    setDraft((d) => ({ ...d, [key]: value }));
    setOutcome((o) => unflag(o, key === "start" ? "startsAt" : key));
  };
  const invalid = (field: string) => (outcome && !outcome.ok && outcome.field === field ? true : undefined);

  function edit(showing: Showing) {
    setEditing(showing.sessionId);
    setDraft({
      sessionId: showing.sessionId,
      movieId: showing.movieId,
      hallId: showing.hallId,
      start: localInput(showing.startsAt),
      price: priceInput(showing.price),
    });
    setOutcome(null);
  }
  function reset() {
    setEditing(null);
    setDraft(EMPTY);
  }

  async function submit(event: FormEvent) {
    event.preventDefault();
    const sessionId = draft.sessionId.trim();
    if (!POSITIVE_ID.test(sessionId))
      return setOutcome({ ok: false, field: "sessionId", text: "Session id must be a positive whole number, like 832." });
    const existing = index.showings.get(sessionId);
    // PUT replaces: adding under an id that is taken would silently move another showing.
    if (editing === null && existing) {
      return setOutcome({
        ok: false,
        field: "sessionId",
        text: `Session ${sessionId} is already ${describeShowing(index, existing.movieId, sessionId)}. Pick another id, or edit that showing.`,
      });
    }
    if (!draft.movieId) return setOutcome({ ok: false, field: "movieId", text: "Pick the film." });
    if (!draft.hallId) return setOutcome({ ok: false, field: "hallId", text: "Pick the hall." });
    const startsAt = startsAtFromInput(draft.start);
    if (!startsAt.ok) return setOutcome({ ok: false, field: "startsAt", text: startsAt.error });
    const price = parsePrice(draft.price);
    if (!price.ok) return setOutcome({ ok: false, field: "price", text: price.error });
    setBusy(true);
    const result = await api<{ showing: Showing }>(`/api/program/showings/${sessionId}`, {
      method: "PUT",
      body: {
        movieId: draft.movieId,
        hallId: draft.hallId,
        startsAt: startsAt.value,
        ...(price.value !== undefined ? { price: price.value } : {}),
      },
    });
    setBusy(false);
    if (!result.ok) return setOutcome({ ok: false, text: result.error, field: result.field });
    const saved = result.data.showing;
    const title = index.movies.get(saved.movieId)?.title ?? `movie ${saved.movieId}`;
    const hall = index.halls.get(saved.hallId)?.name ?? saved.hallId;
    setOutcome({
      ok: true,
      text: `${result.status === 201 ? "Added" : "Saved"} session ${sessionId}: ${title} · ${formatShowtime(saved.startsAt)} · ${hall}.`,
    });
    // The next showing is often the same film in the same hall: keep those, clear what must differ.
    if (editing === null) setDraft((d) => ({ ...d, sessionId: "", start: "" }));
    else reset();
    void programStore.reload();
  }

  // The server refuses moving a showing with sales to another film or hall; say so before anyone tries.
  const hasSales = editing !== null && (view?.showings.find((s) => s.sessionId === editing)?.sold ?? 0) > 0;
  const movie = index.movies.get(draft.movieId);
  const start = startsAtFromInput(draft.start);
  const endsHint =
    movie?.runtimeMinutes && start.ok
      ? `${movie.runtimeMinutes} min, until ${formatShowtime(new Date(showingEndsMs({ startsAt: start.value }, movie)).toISOString())}`
      : "Your local time";
  const today = dayKey(now);
  const days = showingsByDay(showings);
  const earlier = days.filter((d) => d.day < today);
  const shown = showEarlier ? days : days.filter((d) => d.day >= today);
  const movieOptions = (view?.movies ?? []).map((m) => ({ value: m.movieId, label: m.title }));
  const hallOptions = (view?.halls ?? []).map((h) => ({ value: h.hallId, label: h.name }));

  return (
    <Section
      id="showings-title"
      title="Showings"
      count={view ? `${showings.length}` : undefined}
      actions={
        earlier.length > 0 ? (
          <button type="button" className={buttonStyles.small} onClick={() => setShowEarlier((v) => !v)}>
            {showEarlier ? "Hide earlier days" : `Show earlier days (${earlier.reduce((n, d) => n + d.showings.length, 0)})`}
          </button>
        ) : null
      }
    >
      <form
        onSubmit={submit}
        noValidate
        aria-labelledby="showing-form-title"
        className="space-y-3 border-b border-slate-100 bg-slate-50/60 px-4 py-3"
      >
        <h3 id="showing-form-title" className="text-xs font-semibold tracking-wide text-slate-600 uppercase">
          {editing === null ? "Add a showing" : `Edit session ${editing}`}
        </h3>
        <div className="flex flex-wrap items-start gap-3">
          <IdField
            width="w-20"
            editing={editing !== null}
            label="Session id"
            value={draft.sessionId}
            onChange={set("sessionId")}
            invalid={invalid("sessionId")}
            inputMode="numeric"
            placeholder="832"
          />
          <SelectField
            className="min-w-48 flex-1"
            label="Film"
            value={draft.movieId}
            onChange={set("movieId")}
            options={movieOptions}
            placeholder={movieOptions.length ? "Pick a film" : "Add a film first"}
            invalid={invalid("movieId")}
            disabled={hasSales}
            hint={hasSales ? "It has sales: film and hall stay" : undefined}
          />
          <SelectField
            className="w-36"
            label="Hall"
            value={draft.hallId}
            onChange={set("hallId")}
            options={hallOptions}
            placeholder={hallOptions.length ? "Pick a hall" : "Add a hall first"}
            invalid={invalid("hallId")}
            disabled={hasSales}
          />
          <Field
            className="w-60"
            inputRef={startRef}
            label="Start"
            type="datetime-local"
            value={draft.start}
            onChange={set("start")}
            invalid={invalid("startsAt")}
            hint={endsHint}
          />
          <Field
            className="w-24"
            label="Price"
            value={draft.price}
            onChange={set("price")}
            invalid={invalid("price")}
            inputMode="decimal"
            autoComplete="off"
            placeholder="12.50"
            hint="Optional"
          />
          <FormActions what="showing" editing={editing !== null} busy={busy} onCancel={reset} className="mt-6" />
        </div>
        <OutcomeText outcome={outcome} />
      </form>
      {view === null ? (
        <p className="px-4 py-3 text-sm text-slate-600">Loading showings…</p>
      ) : shown.length === 0 ? (
        <p className="px-4 py-6 text-center text-sm text-slate-600">
          {showings.length === 0 ? "No showings yet. Add one above, or import a programme." : "No showings from today on."}
        </p>
      ) : (
        // The list scrolls in its card, so films and the halls below stay a short scroll away however long the week.
        <div className="divide-y divide-slate-200 overflow-y-auto lg:max-h-[max(20rem,calc(100vh-19rem))]" data-testid="showings-list">
          {shown.map(({ day, showings: list }) => (
            <section key={day} aria-label={dayLabel(day, today)}>
              <h3 className="sticky top-0 z-10 flex items-baseline gap-2 bg-slate-100/95 px-4 py-1.5 text-sm font-semibold text-slate-700 backdrop-blur">
                {dayLabel(day, today)}
                <span className="text-xs font-normal text-slate-600">
                  {list.length} showing{list.length === 1 ? "" : "s"}
                </span>
              </h3>
              <ul className="divide-y divide-slate-100">
                {list.map((showing) => (
                  <ShowingRow
                    key={showing.sessionId}
                    showing={showing}
                    index={index}
                    now={now}
                    editing={editing === showing.sessionId}
                    onEdit={() => edit(showing)}
                    onDelete={() => setDeleting(showing)}
                  />
                ))}
              </ul>
            </section>
          ))}
        </div>
      )}
      <ConfirmDelete
        title={`Delete session ${deleting?.sessionId ?? ""}?`}
        path={`/api/program/showings/${deleting?.sessionId ?? ""}`}
        confirm="Delete showing"
        open={deleting !== null}
        onClose={() => setDeleting(null)}
        onDeleted={() => {
          if (editing === deleting?.sessionId) reset();
          setDeleting(null);
        }}
      >
        {deleting ? (
          <p>
            {describeShowing(index, deleting.movieId, deleting.sessionId)} on {dayLabel(dayKey(deleting.startsAt), today)} leaves the
            programme and the desk. A showing with sales cannot be deleted; refund them first.
          </p>
        ) : null}
      </ConfirmDelete>
    </Section>
  );
}

function ShowingRow({
  showing,
  index,
  now,
  editing,
  onEdit,
  onDelete,
}: {
  showing: ShowingSummary;
  index: ProgramIndex;
  now: number;
  editing: boolean;
  onEdit: () => void;
  onDelete: () => void;
}) {
  const movie = index.movies.get(showing.movieId);
  const title = movie?.title ?? `movie ${showing.movieId}`;
  const hall = index.halls.get(showing.hallId)?.name ?? showing.hallId;
  const ends = showingEndsMs(showing, movie);
  const over = ends <= now;
  const running = !over && Date.parse(showing.startsAt) <= now;
  const share = showing.capacity > 0 ? Math.min(1, showing.sold / showing.capacity) : 0;
  return (
    <li
      data-testid="program-showing"
      data-session-id={showing.sessionId}
      className={`flex items-center gap-4 px-4 py-2 ${editing ? "bg-amber-50" : ""} ${over ? "text-slate-500" : ""}`}
    >
      <div className="min-w-0 flex-1">
        <p className="truncate">
          <span className={`font-medium ${over ? "" : "text-slate-900"}`}>{title}</span>
          <span className="text-slate-500"> · </span>
          <span className="font-semibold tabular-nums">{formatShowtime(showing.startsAt)}</span>
          <span className="text-slate-500"> · </span>
          <span>{hall}</span>
          {running ? (
            <span className="ml-2 rounded bg-emerald-100 px-1.5 py-0.5 text-[11px] font-semibold text-emerald-800">on now</span>
          ) : null}
        </p>
        <p className="text-xs text-slate-600 tabular-nums">
          session {showing.sessionId}
          {movie?.runtimeMinutes ? ` · until ${formatShowtime(new Date(ends).toISOString())}` : ""}
          {showing.price !== undefined ? ` · ${formatPrice(showing.price)}` : " · no price"}
        </p>
      </div>
      <div className="w-28 shrink-0" title={`${showing.sold} of ${showing.capacity} seats sold`}>
        <p className="text-right text-xs text-slate-600 tabular-nums">
          <span data-testid="showing-sold" className="font-semibold text-slate-700">
            {showing.sold}/{showing.capacity}
          </span>{" "}
          sold
        </p>
        <div className="mt-1 h-1.5 overflow-hidden rounded-full bg-slate-100">
          <div
            className={`h-full rounded-full ${share >= 1 ? "bg-red-500" : share >= 0.9 ? "bg-amber-500" : "bg-amber-400"}`}
            style={{ width: `${share * 100}%` }}
          />
        </div>
      </div>
      <ItemActions what={`session ${showing.sessionId}`} editing={editing} onEdit={onEdit} onDelete={onDelete} />
    </li>
  );
}

/** "Today · Thursday 3 December", "Tomorrow · …", or the date alone. */
function dayLabel(day: string, today: string): string {
  const [y, m, d] = day.split("-").map(Number) as [number, number, number];
  const date = new Date(y, m - 1, d);
  const text = new Intl.DateTimeFormat("en-GB", { weekday: "long", day: "numeric", month: "long" }).format(date);
  const tomorrow = new Date(Date.parse(`${today}T12:00:00`) + 86_400_000);
  if (day === today) return `Today · ${text}`;
  if (day === dayKey(tomorrow.getTime())) return `Tomorrow · ${text}`;
  return text;
}
