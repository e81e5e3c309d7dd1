"use client";

import { useVirtualizer } from "@tanstack/react-virtual";
import { memo, useMemo, useRef, useState } from "react";
import { RefundDialog } from "@/components/refund/refund-dialog";
import { buttonStyles } from "@/components/ui/field";
import { useRefunded } from "@/components/refund/refunded-store";
import { useIsSupervisor } from "@/components/session/user-context";
import { useProgramIndex } from "@/components/program/program-store";
import { ScreeningName } from "@/components/program/screening-name";
import { formatPrice, type ProgramIndex } from "@/lib/validations/program-index";
import type { TicketEntry } from "@/lib/entries";
import { isRefund } from "@/lib/entries";
import { feedStore, FEED_CAPACITY } from "./feed-store";
import { rowSlots } from "./feed-rows";
import { formatEntryTime } from "./format";
import { usePinnedFocus } from "./use-pinned-focus";
import { useTicketStates, type TicketState } from "./ticket-states";
import { useFeed } from "./use-feed";
import { formatDuration } from "@/components/ui/use-now";

const ROW_HEIGHT = 60;
const KNOWN = new Set(["name", "seat", "movieId", "sessionId", "type", "refundOf"]);
/** How StreamDesk's own extra fields read in a row; fields from other programs show as `key: value`. */
const EXTRA_LABELS: Record<string, (value: string) => string> = {
  soldBy: (value) => `sold by ${value}`,
  refundedBy: (value) => `refunded by ${value}`,
  price: (value) => (/^\d+$/.test(value) ? formatPrice(Number(value)) : `price: ${value}`),
};

/**
 * Every entry of the stream, newest first, virtualised so thousands per second stay smooth. Memoised: the
 * desk around it re-renders with every sold count, the feed only with its own entries.
 */
export const LiveFeed = memo(function LiveFeed() {
  const { entries, reachedStart, loadingOlder, error } = useFeed();
  const scrollRef = useRef<HTMLDivElement>(null);
  const listRef = useRef<HTMLOListElement>(null);
  const focus = usePinnedFocus(listRef);
  const supervisor = useIsSupervisor();
  const refundedLive = useRefunded();
  const index = useProgramIndex();
  const [refunding, setRefunding] = useState<TicketEntry | null>(null);
  // Refunds among the loaded pages count too, not only the ones that arrived live.
  const refundedHere = useMemo(() => {
    const ids = new Set<string>();
    for (const entry of entries) if (entry.fields.refundOf && isRefund(entry.fields)) ids.add(entry.fields.refundOf);
    return ids;
  }, [entries]);
  // eslint-disable-next-line react-hooks/incompatible-library -- the virtualiser is read during render by design
  const virtualizer = useVirtualizer({
    count: entries.length,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => ROW_HEIGHT,
    overscan: 8,
  });
  const rows = rowSlots(virtualizer.getVirtualIndexes(), entries, focus.pinned);
  const onScreenSales = rows
    .map((row) => entries[row.index])
    .filter((e): e is TicketEntry => e !== undefined && !isRefund(e.fields))
    .map((e) => e.id);
  const tickets = useTicketStates(onScreenSales);

  return (
    <section aria-labelledby="feed-title" className="flex min-h-0 flex-1 flex-col rounded-xl border border-slate-200 bg-white shadow-sm">
      <header className="flex items-baseline gap-3 border-b border-slate-200 px-4 py-3">
        <h2 id="feed-title" className="text-base font-semibold">
          Live sales
        </h2>
        <span className="text-sm text-slate-600" data-testid="feed-count">
          {entries.length.toLocaleString()} {entries.length === 1 ? "entry" : "entries"}
          {entries.length >= FEED_CAPACITY ? " (newest kept)" : ""}
        </span>
        {error ? (
          <span role="alert" className="ml-auto text-sm text-red-700">
            {error}
          </span>
        ) : null}
      </header>
      <div ref={scrollRef} className="min-h-0 flex-1 overflow-y-auto [contain:strict]" data-testid="feed">
        {entries.length === 0 ? (
          <p className="p-6 text-center text-slate-600">No sales yet. New sales appear here the moment they happen.</p>
        ) : (
          <ol
            ref={listRef}
            className="relative"
            style={{ height: virtualizer.getTotalSize() }}
            onFocus={focus.onFocus}
            onBlur={focus.onBlur}
          >
            {rows.map((row) => {
              const entry = entries[row.index]!;
              // Strict containment: a row's size never depends on its text, so a new sale in it is laid
              // out and painted within the row, not through the list and the page around it.
              return (
                <li
                  key={row.key}
                  data-row-key={row.key}
                  className="absolute inset-x-0 [contain:strict]"
                  style={{ transform: `translateY(${row.index * ROW_HEIGHT}px)`, height: ROW_HEIGHT }}
                >
                  <FeedRow
                    entry={entry}
                    refunded={entry.refunded === true || refundedHere.has(entry.id) || refundedLive.has(entry.id)}
                    onRefund={supervisor ? setRefunding : null}
                    program={index}
                    ticket={tickets.group ? (tickets.states[entry.id] ?? null) : undefined}
                    ticketGroup={tickets.group}
                    supervisor={supervisor}
                  />
                </li>
              );
            })}
          </ol>
        )}
        {entries.length > 0 ? (
          <div className="border-t border-slate-100 p-3 text-center">
            {reachedStart ? (
              <span className="text-sm text-slate-500">Start of the stream</span>
            ) : (
              <button
                type="button"
                onClick={() => void feedStore.loadOlder()}
                disabled={loadingOlder}
                className="rounded-md border border-slate-300 px-3 py-1.5 text-sm hover:bg-slate-50 disabled:opacity-50"
              >
                {loadingOlder ? "Loading…" : "Load older sales"}
              </button>
            )}
          </div>
        ) : null}
      </div>
      {supervisor ? <RefundDialog sale={refunding} onClose={() => setRefunding(null)} /> : null}
    </section>
  );
});

/** One entry; memoised, since new entries arrive every frame while the rows on screen mostly stay the same. */
const FeedRow = memo(function FeedRow({
  entry,
  refunded,
  onRefund,
  program,
  ticket,
  ticketGroup,
  supervisor,
}: {
  entry: TicketEntry;
  /** undefined: no tickets worker on this stream, so no column; null: not known yet. */
  ticket: TicketState | null | undefined;
  ticketGroup: string | null;
  supervisor: boolean;
  refunded: boolean;
  onRefund: ((entry: TicketEntry) => void) | null;
  /** Changes only when the programme does, so rows re-render then and not on every sold count. */
  program: ProgramIndex;
}) {
  const { name, seat, movieId, sessionId } = entry.fields;
  const refund = isRefund(entry.fields);
  const extras = Object.entries(entry.fields).filter(([key]) => !KNOWN.has(key));
  return (
    <div
      data-testid="feed-entry"
      data-entry-id={entry.id}
      data-kind={refund ? "refund" : "sale"}
      className={`flex h-full items-center gap-4 border-b border-slate-100 px-4 ${entry.doubleBooked ? "bg-red-50" : refund ? "border-l-4 border-l-violet-400 bg-violet-50" : ""}`}
    >
      <time className="w-16 shrink-0 font-mono text-xs text-slate-600 sm:w-28" title={entry.id}>
        {formatEntryTime(entry.id)}
      </time>
      <div className="min-w-0 flex-1">
        <div className="flex items-center gap-2">
          {refund ? (
            <span className="shrink-0 rounded bg-violet-600 px-1.5 py-0.5 text-xs font-semibold text-white" data-testid="refund-of">
              Refund of <span className="font-mono">{entry.fields.refundOf ?? "?"}</span>
            </span>
          ) : null}
          <span className={`truncate font-medium ${refund ? "text-violet-900" : ""}`} data-testid="entry-name">
            {name ?? <em className="text-slate-500">no name</em>}
          </span>
          {entry.doubleBooked ? (
            <span className="shrink-0 rounded bg-red-600 px-1.5 py-0.5 text-xs font-semibold text-white" data-testid="double-booked">
              Double-booked
            </span>
          ) : null}
          {refunded && !refund ? (
            <span className="shrink-0 rounded bg-violet-100 px-1.5 py-0.5 text-xs font-semibold text-violet-800" data-testid="refunded">
              Refunded
            </span>
          ) : null}
        </div>
        <div className="truncate text-xs text-slate-600 sm:hidden">
          {seat ?? "—"} · <ScreeningName index={program} movieId={movieId} sessionId={sessionId} hooks={false} />
        </div>
        {extras.length > 0 ? (
          <div className="truncate text-xs text-slate-600" data-testid="entry-extras">
            {extras.map(([key, value]) => EXTRA_LABELS[key]?.(value) ?? `${key}: ${value}`).join(" · ")}
          </div>
        ) : null}
      </div>
      {/* With the ticket column the screening gives up some width, so the name keeps room to be read. */}
      <dl
        className={`hidden shrink-0 gap-x-4 text-right text-sm sm:grid ${ticket === undefined ? "grid-cols-[3rem_16rem]" : "grid-cols-[3rem_12rem]"}`}
      >
        <dt className="sr-only">Seat</dt>
        <dd className={`font-mono font-semibold ${refund ? "text-violet-700 line-through" : ""}`} data-testid="entry-seat">
          {seat ?? "—"}
        </dd>
        <dt className="sr-only">Screening</dt>
        <dd className="truncate text-slate-600">
          <ScreeningName index={program} movieId={movieId} sessionId={sessionId} />
        </dd>
      </dl>
      {ticket !== undefined && !refund ? (
        <TicketCell id={entry.id} state={ticket} group={ticketGroup} supervisor={supervisor} />
      ) : ticket !== undefined ? (
        <div className="w-24 shrink-0" />
      ) : null}
      {onRefund ? (
        <div className="w-16 shrink-0 text-right">
          {!refund && !refunded && !entry.doubleBooked ? (
            <button
              type="button"
              className={buttonStyles.small}
              onClick={() => onRefund(entry)}
              aria-label={`Refund ${seat ?? "sale"} ${entry.id}`}
            >
              Refund
            </button>
          ) : null}
        </div>
      ) : null}
    </div>
  );
});

/** Whether the sale's ticket is printed: a Print ticket link once it is, else where it is in the printing group. */
function TicketCell({
  id,
  state,
  group,
  supervisor,
}: {
  id: string;
  state: TicketState | null;
  group: string | null;
  supervisor: boolean;
}) {
  const groupLink = (text: string) =>
    supervisor && group ? (
      <a href={`/groups/${encodeURIComponent(group)}`} className="underline decoration-dotted hover:text-slate-900">
        {text}
      </a>
    ) : (
      text
    );
  return (
    <div className="w-24 shrink-0 text-right text-xs" data-testid="ticket-state" data-state={state?.state ?? "unknown"}>
      {state?.state === "done" ? (
        <a href={`/api/tickets/${id}/ticket.html`} target="_blank" rel="noopener" className={buttonStyles.small} data-testid="print-ticket">
          Print ticket
        </a>
      ) : state?.state === "stuck" ? (
        <span
          className="text-amber-700"
          title={`Held by ${state.consumer}, delivered ${state.deliveries} times, idle ${formatDuration(state.idleMs)}`}
        >
          {groupLink("Ticket stuck")}
          <span className="block truncate text-slate-600">
            {state.consumer} · {formatDuration(state.idleMs)}
          </span>
        </span>
      ) : state?.state === "pending" ? (
        <span className="text-slate-600" title={`Being printed by ${state.consumer}`}>
          Printing…
        </span>
      ) : (
        <span className="text-slate-500">{groupLink("Ticket queued")}</span>
      )}
    </div>
  );
}
