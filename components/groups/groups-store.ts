"use client";

import { useEffect, useSyncExternalStore } from "react";
import type { GroupInfo } from "@/lib/groups";
import { api } from "@/components/api";
import { getSocket } from "@/components/socket";

export interface GroupsSnapshot {
  groups: GroupInfo[] | null;
  /** When the server read these figures; idle times are advanced from here. */
  receivedAt: number;
  error: string | null;
}

/** The stream's consumer groups: fetched once, then replaced by every `groups:update` push. */
class GroupsStore {
  #snapshot: GroupsSnapshot = { groups: null, receivedAt: 0, error: null };
  #listeners = new Set<() => void>();
  #started = false;

  subscribe = (listener: () => void) => {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  };

  getSnapshot = () => this.#snapshot;

  start(): void {
    if (this.#started) return;
    this.#started = true;
    getSocket().on("groups:update", ({ groups }) => this.#set({ groups, receivedAt: Date.now(), error: null }));
    void this.reload();
  }

  /** Fetches the groups now; the page calls it after its own actions so it never waits for a push. */
  async reload(): Promise<void> {
    const result = await api<{ groups: GroupInfo[] }>("/api/groups");
    if (result.ok) this.#set({ groups: result.data.groups, receivedAt: Date.now(), error: null });
    else this.#set({ ...this.#snapshot, error: result.error });
  }

  #set(snapshot: GroupsSnapshot): void {
    this.#snapshot = snapshot;
    for (const listener of this.#listeners) listener();
  }
}

export const groupsStore = new GroupsStore();

export function useGroups(): GroupsSnapshot {
  useEffect(() => groupsStore.start(), []);
  return useSyncExternalStore(groupsStore.subscribe, groupsStore.getSnapshot, groupsStore.getSnapshot);
}
