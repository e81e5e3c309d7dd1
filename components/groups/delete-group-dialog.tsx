"use client";

import { useState } from "react";
import { api } from "@/components/api";
import { Dialog } from "@/components/ui/dialog";
import { buttonStyles } from "@/components/ui/field";
import type { GroupInfo } from "@/lib/groups";
import { groupsStore } from "./groups-store";
import { ErrorText } from "@/components/ui/error-text";

/** Asks before deleting a group, saying how many messages are still pending; `onDeleted` runs after. */
export function DeleteGroupDialog({
  group,
  open,
  onClose,
  onDeleted,
}: {
  group: GroupInfo;
  open: boolean;
  onClose: () => void;
  onDeleted: () => void;
}) {
  const [error, setError] = useState<string | null>(null);
  async function remove() {
    const result = await api(`/api/groups/${encodeURIComponent(group.name)}`, { method: "DELETE" });
    if (!result.ok) return setError(result.error);
    await groupsStore.reload();
    onDeleted();
  }
  return (
    <Dialog title={`Delete group ${group.name}?`} open={open} onClose={onClose}>
      <p className="text-sm text-slate-700">
        {group.pending > 0
          ? `${group.pending} message${group.pending === 1 ? " is" : "s are"} still pending in this group. Deleting it forgets them and every consumer's place; the stream itself is kept.`
          : "No messages are pending. Deleting it forgets every consumer's place; the stream itself is kept."}
      </p>
      <ErrorText message={error} />
      <div className="flex justify-end gap-2">
        <button type="button" className={buttonStyles.secondary} onClick={onClose}>
          Keep it
        </button>
        <button type="button" className={buttonStyles.danger} onClick={() => void remove()}>
          Delete group
        </button>
      </div>
    </Dialog>
  );
}
