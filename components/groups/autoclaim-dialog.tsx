"use client";

import { useRef, useState } from "react";
import { api } from "@/components/api";
import { Dialog } from "@/components/ui/dialog";
import { ErrorText } from "@/components/ui/error-text";
import { buttonStyles, Field } from "@/components/ui/field";
import type { GroupInfo } from "@/lib/groups";
import { groupsStore } from "./groups-store";

/** XAUTOCLAIM over the whole pending list, 1,000 at a time, with progress and Cancel. */
export function AutoclaimDialog({
  open,
  group,
  onClose,
  onDone,
}: {
  open: boolean;
  group: GroupInfo;
  onClose: () => void;
  onDone: (text: string) => void;
}) {
  const [consumer, setConsumer] = useState("");
  const [minIdle, setMinIdle] = useState("60000");
  const [progress, setProgress] = useState<{
    claimed: number;
    total: number;
    running: boolean;
    cancelled?: boolean;
    failed?: boolean;
  } | null>(null);
  const [error, setError] = useState<string | null>(null);
  const abort = useRef<AbortController | null>(null);

  async function run() {
    const controller = new AbortController();
    abort.current = controller;
    setError(null);
    const total = group.pending;
    let cursor = "0-0";
    let claimed = 0;
    setProgress({ claimed, total, running: true });
    do {
      const result = await api<{ cursor: string; claimed: number }>(`/api/groups/${encodeURIComponent(group.name)}/autoclaim`, {
        method: "POST",
        body: { consumer, minIdleMs: Number(minIdle.trim() === "" ? NaN : minIdle), cursor, count: 1000 },
        signal: controller.signal,
      });
      if (!result.ok) {
        setProgress({ claimed, total, running: false, cancelled: controller.signal.aborted, failed: !controller.signal.aborted });
        if (!controller.signal.aborted) setError(result.error);
        break;
      }
      claimed += result.data.claimed;
      cursor = result.data.cursor;
      setProgress({ claimed, total, running: cursor !== "0-0" });
    } while (cursor !== "0-0" && !controller.signal.aborted);
    if (controller.signal.aborted) setProgress({ claimed, total, running: false, cancelled: true });
    abort.current = null;
    void groupsStore.reload();
    if (!controller.signal.aborted && cursor === "0-0") {
      onDone(`Claimed ${claimed} idle message${claimed === 1 ? "" : "s"} for ${consumer.trim()}.`);
    }
  }

  const percent = progress && progress.total > 0 ? Math.min(100, Math.round((progress.claimed / progress.total) * 100)) : 0;
  return (
    <Dialog
      title="Claim all idle messages"
      open={open}
      onClose={() => {
        abort.current?.abort();
        setProgress(null);
        onClose();
      }}
    >
      <p className="text-sm text-slate-600">Runs XAUTOCLAIM from the start of the pending list to its end, 1,000 messages at a time.</p>
      <Field label="Claim for consumer" value={consumer} onChange={setConsumer} placeholder="consumer-2" autoComplete="off" />
      <Field label="Minimum idle (ms)" value={minIdle} onChange={setMinIdle} inputMode="numeric" />
      {progress ? (
        <div className="space-y-1">
          <progress
            className="h-2 w-full"
            max={Math.max(progress.total, 1)}
            value={Math.min(progress.claimed, progress.total)}
            aria-label="Claim progress"
          />
          <p className="text-sm text-slate-600" aria-live="polite">
            {progress.running ? "Claiming… " : progress.cancelled ? "Cancelled after " : progress.failed ? "Stopped: " : "Done: "}
            {progress.claimed.toLocaleString()} claimed of {progress.total.toLocaleString()} pending ({percent}%)
          </p>
        </div>
      ) : null}
      <ErrorText message={error} />
      <div className="flex justify-end gap-2">
        {progress?.running ? (
          <button type="button" className={buttonStyles.secondary} onClick={() => abort.current?.abort()}>
            Cancel
          </button>
        ) : (
          <button
            type="button"
            className={buttonStyles.secondary}
            onClick={() => {
              setProgress(null);
              onClose();
            }}
          >
            Close
          </button>
        )}
        <button type="button" className={buttonStyles.primary} disabled={progress?.running} onClick={() => void run()}>
          Claim all
        </button>
      </div>
    </Dialog>
  );
}
