"use client";

import { useState } from "react";
import { Dialog } from "@/components/ui/dialog";
import { ErrorText } from "@/components/ui/error-text";
import { buttonStyles, Field } from "@/components/ui/field";
import { formatDuration } from "@/components/ui/use-now";
import type { PendingMessage } from "@/lib/groups";

/** XCLAIM of one pending message for another consumer, after a minimum idle time. */
export function ClaimDialog({
  message,
  onClose,
  onClaim,
}: {
  message: PendingMessage | null;
  onClose: () => void;
  onClaim: (consumer: string, minIdleMs: number) => Promise<string | null>;
}) {
  const [consumer, setConsumer] = useState("");
  const [minIdle, setMinIdle] = useState("60000");
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  return (
    <Dialog title={`Claim ${message?.id ?? ""}`} open={message !== null} onClose={onClose}>
      <form
        noValidate
        className="space-y-3"
        onSubmit={async (event) => {
          event.preventDefault();
          setBusy(true);
          setError(await onClaim(consumer, Number(minIdle.trim() === "" ? NaN : minIdle)));
          setBusy(false);
        }}
      >
        <p className="text-sm text-slate-600">
          Runs XCLAIM: gives the message to another consumer if it has been idle at least this long. Owned by {message?.consumer}, idle{" "}
          {message ? formatDuration(message.idleMs) : ""} when loaded.
        </p>
        <Field label="Claim for consumer" value={consumer} onChange={setConsumer} placeholder="consumer-2" autoComplete="off" />
        <Field label="Minimum idle (ms)" value={minIdle} onChange={setMinIdle} inputMode="numeric" />
        <ErrorText message={error} />
        <div className="flex justify-end gap-2">
          <button type="button" className={buttonStyles.secondary} onClick={onClose}>
            Cancel
          </button>
          <button type="submit" className={buttonStyles.primary} disabled={busy}>
            Claim
          </button>
        </div>
      </form>
    </Dialog>
  );
}
