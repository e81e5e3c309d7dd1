"use client";

import { useEffect, useMemo, useRef, useState, type FormEvent } from "react";
import { isRefund } from "@/lib/entries";
import { feedStore } from "@/components/feed/feed-store";
import { formatEntryTime } from "@/components/feed/format";
import { RefundDialog } from "@/components/refund/refund-dialog";
import { refundedStore, useRefunded } from "@/components/refund/refunded-store";
import { useIsSupervisor } from "@/components/session/user-context";
import { useProgram } from "@/components/program/program-store";
import { ScreeningName } from "@/components/program/screening-name";
import type { ProgramIndex } from "@/lib/validations/program-index";
import { buttonStyles, Field } from "@/components/ui/field";
import type { TicketEntry } from "@/lib/entries";
import { EMPTY_FORM, filterQuery, matcher, parseFilters, type FilterForm, type Filters } from "./filters";
import { scan, startProgress, type Progress } from "./search-run";
import { ErrorText } from "@/components/ui/error-text";

/** Live matches kept above the results; older ones are still found by searching again. */
const LIVE_LIMIT = 500;

interface Search {
  filters: Filters;
  progress: Progress;
  /** Matching entries that arrived live since the search started, newest first. */
  live: TicketEntry[];
}

/** Finds sales in the whole stream by name, seat, screening and time; new matches join at the top live. */
export function SearchPage({ exportMaxEntries }: { exportMaxEntries: number }) {
  const [form, setForm] = useState<FilterForm>(EMPTY_FORM);
  const [formError, setFormError] = useState<{ field: keyof FilterForm; text: string } | null>(null);
  const [search, setSearch] = useState<Search | null>(null);
  const controller = useRef<AbortController | null>(null);
  const supervisor = useIsSupervisor();
  const [refunding, setRefunding] = useState<TicketEntry | null>(null);

  const exportHref = useMemo(() => {
    const parsed = parseFilters(form);
    return parsed.ok ? `/api/tickets/export.csv?${filterQuery(parsed.filters)}` : null;
  }, [form]);

  useEffect(() => () => controller.current?.abort(), []);

  // New entries that match join the results as they arrive.
  const filters = search?.filters;
  useEffect(() => {
    if (!filters) return;
    const matches = matcher(filters);
    const stopBatches = feedStore.onBatch((entries) => {
      const found: TicketEntry[] = [];
      for (let i = entries.length - 1; i >= 0; i--) if (matches(entries[i]!)) found.push(entries[i]!);
      if (found.length === 0) return;
      refundedStore.noteEntries(found);
      setSearch((current) =>
        current && current.filters === filters ? { ...current, live: found.concat(current.live).slice(0, LIVE_LIMIT) } : current,
      );
    });
    // A live result the server finds double-booked after it arrived shows as such.
    const stopMarks = feedStore.onMarks((marked) => {
      const byId = new Map(marked.map((entry) => [entry.id, entry]));
      setSearch((current) =>
        current && current.filters === filters && current.live.some((entry) => byId.has(entry.id))
          ? { ...current, live: current.live.map((entry) => byId.get(entry.id) ?? entry) }
          : current,
      );
    });
    return () => {
      stopBatches();
      stopMarks();
    };
  }, [filters]);

  function run(filters: Filters, from: Progress, live: TicketEntry[]) {
    controller.current?.abort();
    const abort = new AbortController();
    controller.current = abort;
    setSearch({ filters, progress: from, live });
    void scan(filters, from, abort.signal, (progress) => {
      refundedStore.noteEntries(progress.entries);
      setSearch((current) => (current && current.filters === filters ? { ...current, progress } : current));
    });
  }

  function submit(event: FormEvent) {
    event.preventDefault();
    const parsed = parseFilters(form);
    if (!parsed.ok) {
      setFormError({ field: parsed.field, text: parsed.error });
      return;
    }
    setFormError(null);
    run(parsed.filters, startProgress(), []);
  }

  const set = (field: keyof FilterForm) => (value: string) => setForm((current) => ({ ...current, [field]: value }));
  const errorFor = (field: keyof FilterForm) => (formError?.field === field ? formError.text : undefined);
  const phase = search?.progress.phase;

  return (
    <div className="mx-auto w-full max-w-6xl space-y-4 p-4">
      <h1 className="text-xl font-semibold">Find a sale</h1>
      <form
        onSubmit={submit}
        noValidate
        aria-labelledby="search-title"
        className="space-y-3 rounded-xl border border-slate-200 bg-white p-4 shadow-sm"
      >
        <h2 id="search-title" className="sr-only">
          Search the stream
        </h2>
        <div className="grid gap-3 sm:grid-cols-2 lg:grid-cols-12">
          <Field
            className="lg:col-span-4"
            label="Name"
            value={form.name}
            onChange={set("name")}
            error={errorFor("name")}
            hint="Any part, any case"
            autoComplete="off"
          />
          <Field
            className="lg:col-span-2"
            label="Seat"
            value={form.seat}
            onChange={set("seat")}
            error={errorFor("seat")}
            placeholder="B12"
            autoComplete="off"
          />
          <Field
            className="lg:col-span-3"
            label="Movie"
            value={form.movieId}
            onChange={set("movieId")}
            error={errorFor("movieId")}
            placeholder="53"
            inputMode="numeric"
          />
          <Field
            className="lg:col-span-3"
            label="Session"
            value={form.sessionId}
            onChange={set("sessionId")}
            error={errorFor("sessionId")}
            placeholder="832"
            inputMode="numeric"
          />
          <Field
            className="lg:col-span-6"
            type="datetime-local"
            label="From"
            value={form.from}
            onChange={set("from")}
            error={errorFor("from")}
          />
          <Field className="lg:col-span-6" type="datetime-local" label="To" value={form.to} onChange={set("to")} error={errorFor("to")} />
        </div>
        <div className="flex flex-wrap items-center gap-3">
          <button type="submit" className={buttonStyles.primary}>
            Search
          </button>
          {phase === "scanning" ? (
            <button type="button" className={buttonStyles.secondary} onClick={() => controller.current?.abort()}>
              Cancel
            </button>
          ) : null}
          <button type="button" className={buttonStyles.secondary} onClick={() => setForm(EMPTY_FORM)}>
            Clear
          </button>
          {exportHref ? (
            <a
              href={exportHref}
              download
              className={`${buttonStyles.secondary} ml-auto`}
              title={`The export scans the newest ${exportMaxEntries.toLocaleString()} entries of the range at most; narrow From and To to export older ones.`}
            >
              Export CSV
            </a>
          ) : (
            <span className="ml-auto text-sm text-slate-600">Fix the filters to export.</span>
          )}
        </div>
        <ErrorText message={formError?.text} />
      </form>
      {search ? (
        <Results
          search={search}
          supervisor={supervisor}
          onRefund={setRefunding}
          onMore={() => run(search.filters, search.progress, search.live)}
        />
      ) : (
        <p className="text-sm text-slate-600">
          Fill in any of the fields (or none, for every entry) and press Search. Matches are listed newest first; new sales that match
          appear at the top as they happen.
        </p>
      )}
      {supervisor ? <RefundDialog sale={refunding} onClose={() => setRefunding(null)} /> : null}
    </div>
  );
}

function Results({
  search,
  supervisor,
  onRefund,
  onMore,
}: {
  search: Search;
  supervisor: boolean;
  onRefund: (entry: TicketEntry) => void;
  onMore: () => void;
}) {
  const { progress, live } = search;
  const refundedLive = useRefunded();
  const { index: program } = useProgram();
  // A live entry the scan also returned (it was written just before the scan reached it) is shown once.
  const shown = useMemo(() => {
    if (live.length === 0) return progress.entries;
    const scanned = new Set(progress.entries.map((entry) => entry.id));
    return live.filter((entry) => !scanned.has(entry.id)).concat(progress.entries);
  }, [live, progress.entries]);
  const refunded = useMemo(() => {
    const ids = new Set(refundedLive);
    for (const entry of shown) if (isRefund(entry.fields) && entry.fields.refundOf) ids.add(entry.fields.refundOf);
    return ids;
  }, [shown, refundedLive]);

  return (
    <section aria-labelledby="results-title" className="space-y-3">
      <div className="flex flex-wrap items-baseline gap-3">
        <h2 id="results-title" className="text-base font-semibold">
          Results
        </h2>
        <span className="text-sm text-slate-600" data-testid="result-count">
          {shown.length.toLocaleString()} {shown.length === 1 ? "match" : "matches"}
        </span>
      </div>
      <ScanProgress progress={progress} />
      {progress.phase === "error" ? (
        <p role="alert" className="rounded-lg border border-red-300 bg-red-50 px-4 py-2 text-sm text-red-800">
          {progress.error}
        </p>
      ) : null}
      {shown.length > 0 ? (
        <div className="overflow-x-auto rounded-xl border border-slate-200 bg-white shadow-sm">
          <table className="w-full text-left text-sm">
            <thead className="border-b border-slate-200 bg-slate-50 text-xs uppercase tracking-wide text-slate-600">
              <tr>
                <th className="px-3 py-2 font-medium">Time</th>
                <th className="px-3 py-2 font-medium">Name</th>
                <th className="px-3 py-2 font-medium">Seat</th>
                <th className="px-3 py-2 font-medium">Screening</th>
                <th className="px-3 py-2 font-medium">By</th>
                <th className="px-3 py-2 font-medium">Id</th>
                {supervisor ? (
                  <th className="px-3 py-2 font-medium">
                    <span className="sr-only">Actions</span>
                  </th>
                ) : null}
              </tr>
            </thead>
            <tbody>
              {shown.map((entry) => (
                <ResultRow
                  key={entry.id}
                  entry={entry}
                  refunded={entry.refunded === true || refunded.has(entry.id)}
                  onRefund={supervisor ? onRefund : null}
                  program={program}
                />
              ))}
            </tbody>
          </table>
        </div>
      ) : progress.phase === "done" ? (
        <p className="rounded-xl border border-dashed border-slate-300 bg-white p-6 text-center text-slate-600" data-testid="no-matches">
          No entry matches. Try part of the name only, or a wider time range.
        </p>
      ) : null}
      {progress.cursor !== null && progress.phase !== "scanning" && progress.phase !== "error" ? (
        <div className="text-center">
          <button type="button" className={buttonStyles.secondary} onClick={onMore}>
            Load more
          </button>
        </div>
      ) : null}
      {progress.phase === "error" && progress.cursor !== null ? (
        <div className="text-center">
          <button type="button" className={buttonStyles.secondary} onClick={onMore}>
            Try again
          </button>
        </div>
      ) : null}
    </section>
  );
}

function ScanProgress({ progress }: { progress: Progress }) {
  const percent = Math.round(progress.fraction * 100);
  const scanned = `${progress.scanned.toLocaleString()} ${progress.scanned === 1 ? "entry" : "entries"} scanned`;
  const text =
    progress.phase === "scanning"
      ? `Searching… ${scanned}, ${percent}% of the range.`
      : progress.phase === "done"
        ? `Searched the whole range: ${scanned}.`
        : progress.phase === "paused"
          ? `${scanned}, ${percent}% of the range. Load more to keep searching older entries.`
          : progress.phase === "cancelled"
            ? `Cancelled after ${scanned} (${percent}% of the range).`
            : `Stopped after ${scanned} (${percent}% of the range).`;
  return (
    <div className="space-y-1" data-testid="search-progress" data-phase={progress.phase}>
      <div
        role="progressbar"
        aria-label="Search progress"
        aria-valuemin={0}
        aria-valuemax={100}
        aria-valuenow={percent}
        className="h-1.5 overflow-hidden rounded-full bg-slate-200"
      >
        <div
          className={`h-full rounded-full transition-[width] ${progress.phase === "scanning" ? "bg-amber-500" : progress.phase === "error" ? "bg-red-500" : "bg-slate-500"}`}
          style={{ width: `${percent}%` }}
        />
      </div>
      <p className="text-sm text-slate-600" aria-live="polite">
        {text}
      </p>
    </div>
  );
}

function ResultRow({
  entry,
  refunded,
  onRefund,
  program,
}: {
  entry: TicketEntry;
  refunded: boolean;
  onRefund: ((entry: TicketEntry) => void) | null;
  program: ProgramIndex;
}) {
  const f = entry.fields;
  const refund = isRefund(entry.fields);
  return (
    <tr
      data-testid="search-result"
      data-entry-id={entry.id}
      data-kind={refund ? "refund" : "sale"}
      className={`border-b border-slate-100 last:border-0 ${refund ? "bg-violet-50" : ""}`}
    >
      <td className="px-3 py-2 font-mono text-xs whitespace-nowrap text-slate-600">{formatEntryTime(entry.id)}</td>
      <td className="px-3 py-2">
        <div className="flex flex-wrap items-center gap-2">
          {refund ? (
            <span className="rounded bg-violet-600 px-1.5 py-0.5 text-xs font-semibold text-white">
              Refund of <span className="font-mono">{f.refundOf ?? "?"}</span>
            </span>
          ) : null}
          <span className="font-medium break-words" data-testid="result-name">
            {f.name ?? <em className="text-slate-500">no name</em>}
          </span>
          {refunded && !refund ? (
            <span className="rounded bg-violet-100 px-1.5 py-0.5 text-xs font-semibold text-violet-800">Refunded</span>
          ) : null}
          {entry.doubleBooked ? (
            <span className="rounded bg-red-600 px-1.5 py-0.5 text-xs font-semibold text-white">Double-booked</span>
          ) : null}
        </div>
      </td>
      <td className="px-3 py-2 font-mono font-semibold" data-testid="result-seat">
        {f.seat ?? "—"}
      </td>
      <td className="px-3 py-2 text-slate-600">
        <ScreeningName index={program} movieId={f.movieId} sessionId={f.sessionId} />
      </td>
      <td className="px-3 py-2 text-slate-600">
        {refund ? (
          f.refundedBy ? (
            `refunded by ${f.refundedBy}`
          ) : (
            "refund"
          )
        ) : f.soldBy ? (
          `sold by ${f.soldBy}`
        ) : (
          <span className="text-slate-500">outside the app</span>
        )}
      </td>
      <td className="px-3 py-2 font-mono text-xs whitespace-nowrap text-slate-600">{entry.id}</td>
      {onRefund ? (
        <td className="px-3 py-2 text-right">
          {!refund && !refunded ? (
            <button type="button" className={buttonStyles.small} onClick={() => onRefund(entry)}>
              Refund
            </button>
          ) : null}
        </td>
      ) : null}
    </tr>
  );
}
