"use client";

import { useState } from "react";
import { ErrorText } from "@/components/ui/error-text";
import { Section } from "./parts";
import { FilmsSection } from "./films-section";
import { HallsSection } from "./halls-section";
import { ImportForm, ImportOutcome, type ImportResult } from "./import-form";
import { useProgram } from "./program-store";
import { ShowingsSection } from "./showings-section";

/** Supervisors build the programme the desk sells: films, halls with their seat plans, showings. */
export function ProgramPage() {
  const { view, index, error } = useProgram();
  const [imported, setImported] = useState<ImportResult>(null);
  return (
    <div className="mx-auto w-full max-w-[96rem] space-y-4 p-4">
      <div className="flex flex-wrap items-baseline gap-x-4 gap-y-1">
        <h1 className="text-xl font-semibold">Programme</h1>
        <p className="text-sm text-slate-600">Films, halls and showings the desk sells. Every change reaches each open desk at once.</p>
      </div>
      <ErrorText message={error} />
      <div className="grid items-start gap-4 lg:grid-cols-[24rem_minmax(0,1fr)]">
        <div className="space-y-4">
          <FilmsSection view={view} />
          <Section id="import-title" title="Programme file">
            <div className="space-y-3 px-4 py-3">
              <ImportForm setResult={setImported} />
              <ImportOutcome result={imported} onDismiss={() => setImported(null)} />
              <a
                href="/api/program?all=1"
                download="programme.json"
                className="inline-block text-sm font-medium text-amber-700 hover:underline"
              >
                Download programme (JSON)
              </a>
            </div>
          </Section>
        </div>
        <ShowingsSection view={view} index={index} />
      </div>
      <HallsSection view={view} />
    </div>
  );
}
