"use client";

import { useEffect, useRef, useState, type FormEvent } from "react";
import { api } from "@/components/api";
import { Field } from "@/components/ui/field";
import { type Movie, type ProgramView } from "@/lib/validations/program";
import { POSITIVE_ID } from "@/lib/validations/ids";
import { ConfirmDelete, ItemActions, FormActions, IdField, OutcomeText, Section, unflag, type Outcome } from "./parts";
import { programStore } from "./program-store";

const EMPTY = { movieId: "", title: "", runtime: "" };

/** The films the programme shows: a form that adds or edits one, and the list. */
export function FilmsSection({ view }: { view: ProgramView | null }) {
  const [draft, setDraft] = useState(EMPTY);
  const [editing, setEditing] = useState<string | null>(null);
  const [outcome, setOutcome] = useState<Outcome>(null);
  const [busy, setBusy] = useState(false);
  const [deleting, setDeleting] = useState<Movie | null>(null);
  const titleRef = useRef<HTMLInputElement>(null);
  useEffect(() => {
    if (editing !== null) titleRef.current?.focus();
  }, [editing]);
  const movies = view?.movies ?? [];
  const showingCount = (movieId: string) => view?.showings.filter((s) => s.movieId === movieId).length ?? 0;
  const fieldError = (field: string) => (outcome && !outcome.ok && outcome.field === field ? true : undefined);
  const set = (key: keyof typeof EMPTY) => (value: string) => {
    setDraft((d) => ({ ...d, [key]: value }));
    setOutcome((o) => unflag(o, key === "runtime" ? "runtimeMinutes" : key));
  };

  function edit(movie: Movie) {
    setEditing(movie.movieId);
    setDraft({ movieId: movie.movieId, title: movie.title, runtime: movie.runtimeMinutes ? String(movie.runtimeMinutes) : "" });
    setOutcome(null);
  }
  function reset() {
    setEditing(null);
    setDraft(EMPTY);
  }

  async function submit(event: FormEvent) {
    event.preventDefault();
    const movieId = draft.movieId.trim();
    const runtime = draft.runtime.trim();
    if (!POSITIVE_ID.test(movieId))
      return setOutcome({ ok: false, field: "movieId", text: "Movie id must be a positive whole number, like 53." });
    const existing = movies.find((m) => m.movieId === movieId);
    // PUT replaces: adding under an id that is taken would silently rename another film.
    if (editing === null && existing)
      return setOutcome({
        ok: false,
        field: "movieId",
        text: `Movie id ${movieId} is already ${existing.title}. Pick another id, or edit ${existing.title} in the list.`,
      });
    if (runtime !== "" && !/^\d{1,3}$/.test(runtime))
      return setOutcome({ ok: false, field: "runtimeMinutes", text: "Running time must be a whole number of minutes, like 155." });
    setBusy(true);
    const result = await api<{ movie: Movie }>(`/api/program/movies/${movieId}`, {
      method: "PUT",
      body: { title: draft.title, ...(runtime ? { runtimeMinutes: Number(runtime) } : {}) },
    });
    setBusy(false);
    if (!result.ok) return setOutcome({ ok: false, text: result.error, field: result.field });
    setOutcome({
      ok: true,
      text: result.status === 201 ? `Added ${result.data.movie.title} (movie ${movieId}).` : `Saved ${result.data.movie.title}.`,
    });
    reset();
    void programStore.reload();
  }

  return (
    <Section id="films-title" title="Films" count={view ? `${movies.length}` : undefined}>
      <form
        onSubmit={submit}
        noValidate
        aria-labelledby="film-form-title"
        className="space-y-3 border-b border-slate-100 bg-slate-50/60 px-4 py-3"
      >
        <h3 id="film-form-title" className="text-xs font-semibold tracking-wide text-slate-600 uppercase">
          {editing === null ? "Add a film" : `Edit film ${editing}`}
        </h3>
        <div className="flex gap-3">
          <IdField
            width="w-20"
            editing={editing !== null}
            label="Movie id"
            value={draft.movieId}
            onChange={set("movieId")}
            invalid={fieldError("movieId")}
            inputMode="numeric"
            placeholder="53"
          />
          <Field
            className="min-w-0 flex-1"
            inputRef={titleRef}
            label="Title"
            value={draft.title}
            onChange={set("title")}
            invalid={fieldError("title")}
            autoComplete="off"
            placeholder="Dune: Part Two"
          />
        </div>
        <div className="flex items-start gap-3">
          <Field
            className="w-28"
            label="Running time"
            value={draft.runtime}
            onChange={set("runtime")}
            invalid={fieldError("runtimeMinutes")}
            inputMode="numeric"
            autoComplete="off"
            hint="Minutes, optional"
          />
          <FormActions what="film" editing={editing !== null} busy={busy} onCancel={reset} className="mt-6 ml-auto" />
        </div>
        <OutcomeText outcome={outcome} />
      </form>
      {view === null ? (
        <p className="px-4 py-3 text-sm text-slate-600">Loading films…</p>
      ) : movies.length === 0 ? (
        <p className="px-4 py-6 text-center text-sm text-slate-600">No films yet. Add one above, or import a programme.</p>
      ) : (
        <ul className="divide-y divide-slate-100">
          {movies.map((movie) => {
            const count = showingCount(movie.movieId);
            return (
              <li
                key={movie.movieId}
                data-testid="program-movie"
                data-movie-id={movie.movieId}
                className={`flex items-center gap-3 px-4 py-2 ${editing === movie.movieId ? "bg-amber-50" : ""}`}
              >
                <div className="min-w-0 flex-1">
                  <p className="truncate" title={movie.title}>
                    <span className="font-medium">{movie.title}</span>
                    {movie.runtimeMinutes ? (
                      <span className="ml-2 text-xs text-slate-600 tabular-nums">{movie.runtimeMinutes} min</span>
                    ) : null}
                  </p>
                  <p className="text-xs text-slate-600 tabular-nums">
                    movie {movie.movieId} · {count === 0 ? "no showings" : count === 1 ? "1 showing" : `${count} showings`}
                  </p>
                </div>
                <ItemActions
                  what={movie.title}
                  editing={editing === movie.movieId}
                  onEdit={() => edit(movie)}
                  onDelete={() => setDeleting(movie)}
                />
              </li>
            );
          })}
        </ul>
      )}
      <ConfirmDelete
        title={`Delete ${deleting?.title ?? "film"}?`}
        path={`/api/program/movies/${deleting?.movieId ?? ""}`}
        confirm="Delete film"
        open={deleting !== null}
        onClose={() => setDeleting(null)}
        onDeleted={() => {
          if (editing === deleting?.movieId) reset();
          setDeleting(null);
        }}
      >
        {deleting ? (
          <p>
            {deleting.title} (movie {deleting.movieId}) leaves the programme. A film with showings cannot be deleted; delete its showings
            first. Sales already made keep their movie id.
          </p>
        ) : null}
      </ConfirmDelete>
    </Section>
  );
}
