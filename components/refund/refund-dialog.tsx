"use client";

import { useState } from "react";
import { api } from "@/components/api";
import { formatEntryTime } from "@/components/feed/format";
import { Dialog } from "@/components/ui/dialog";
import { buttonStyles } from "@/components/ui/field";
import type { TicketEntry } from "@/lib/entries";
import { refundedStore } from "./refunded-store";
import { ErrorText } from "@/components/ui/error-text";

const CONFIRM =
  "rounded-lg bg-red-600 px-4 py-2 font-medium text-white hover:bg-red-700 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-red-500 disabled:opacity-60";

/**
 * Asks a supervisor to confirm refunding `sale`, naming the buyer, seat and screening. The refund entry
 * then reaches every tab through the live feed, which frees the seat and lowers the screening's count.
 */
export function RefundDialog({
  sale,
  onClose,
  onRefunded,
}: {
  sale: TicketEntry | null;
  onClose: () => void;
  onRefunded?: (refundId: string) => void;
}) {
  return (
    <Dialog title="Refund this ticket?" open={sale !== null} onClose={onClose}>
      {sale ? <RefundBody key={sale.id} sale={sale} onClose={onClose} onRefunded={onRefunded} /> : null}
    </Dialog>
  );
}

function RefundBody({ sale, onClose, onRefunded }: { sale: TicketEntry; onClose: () => void; onRefunded?: (refundId: string) => void }) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const { name, seat, movieId, sessionId, soldBy } = sale.fields;

  async function refund() {
    setBusy(true);
    setError(null);
    const result = await api<{ id: string }>(`/api/tickets/${encodeURIComponent(sale.id)}/refund`, { method: "POST" });
    setBusy(false);
    if (result.ok) {
      refundedStore.add([sale.id]);
      onRefunded?.(result.data.id);
      onClose();
      return;
    }
    // Already refunded elsewhere: the button should go everywhere in this tab too.
    if (result.status === 409) refundedStore.add([sale.id]);
    setError(result.error);
  }

  return (
    <>
      <dl className="grid grid-cols-[auto_1fr] gap-x-4 gap-y-1 rounded-lg bg-slate-50 p-3 text-sm" data-testid="refund-sale">
        <dt className="text-slate-600">Buyer</dt>
        <dd className="font-medium break-words">{name ?? "no name"}</dd>
        <dt className="text-slate-600">Seat</dt>
        <dd className="font-mono font-semibold">{seat ?? "—"}</dd>
        <dt className="text-slate-600">Screening</dt>
        <dd>
          movie {movieId ?? "—"}, session {sessionId ?? "—"}
        </dd>
        <dt className="text-slate-600">Sold</dt>
        <dd>
          {formatEntryTime(sale.id)}
          {soldBy ? ` by ${soldBy}` : ""} · <span className="font-mono text-xs">{sale.id}</span>
        </dd>
      </dl>
      <p className="text-sm text-slate-700">
        The sale stays in the stream; a refund entry is added after it and the seat becomes free to sell again.
      </p>
      <ErrorText message={error} />
      <div className="flex justify-end gap-2">
        <button type="button" className={`${buttonStyles.secondary} px-4 py-2 text-base`} onClick={onClose}>
          Keep the sale
        </button>
        <button type="button" className={CONFIRM} disabled={busy} onClick={() => void refund()}>
          {busy ? "Refunding…" : "Refund"}
        </button>
      </div>
    </>
  );
}
