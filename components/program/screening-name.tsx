"use client";

import { screeningLabel, type ProgramIndex } from "@/lib/validations/program-index";
import { showingStart } from "./show-times";

/**
 * How a person reads the screening an entry names: "Dune · 20:30 · Hall 2" from the programme, with the ids
 * in its tooltip, or "movie 53 · session 832" for anything the programme does not have.
 */
export function ScreeningName({
  index,
  movieId,
  sessionId,
  className,
  hooks = true,
}: {
  index: ProgramIndex;
  movieId?: string;
  sessionId?: string;
  className?: string;
  /** False for a second copy of the same name (a small-screen layout), so tests find one per row. */
  hooks?: boolean;
}) {
  const label = screeningLabel(index, movieId, sessionId);
  const ids = `movie ${movieId ?? "—"} · session ${sessionId ?? "—"}`;
  if (!label) {
    return (
      <span className={className} data-testid={hooks ? "entry-screening" : undefined}>
        {ids}
      </span>
    );
  }
  return (
    <span className={className} title={ids} data-testid={hooks ? "entry-screening" : undefined}>
      <span className="font-medium text-slate-800" data-testid={hooks ? "entry-title" : undefined}>
        {label.title}
      </span>{" "}
      · {showingStart(label.startsAt)} · {label.hall}
    </span>
  );
}
